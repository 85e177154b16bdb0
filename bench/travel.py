"""How fast a case accepted at a village station shows in a county department's list (issue 24),
through real servers on 127.0.0.1: the central platform, the county's hub (forwarding to it and
taking in what is routed to its hall), a village station syncing straight with the platform,
and a county desk syncing with its hub as a face does (long-polls).

1. travel: 受理 at the station, pushed (`sync --once`) -> the platform -> the hub's inbox
   long-poll, woken by the push; opened, sealed again, recorded) -> the desk's pull ->
   市公安局's 待审批 shows it;
2. baseline: the same case accepted at another desk of the county -> the hub -> the desk's list.

Prints p50/p99/max in ms and the travel's ratio to the baseline's p50.
    .venv/bin/python bench/travel.py [--samples 30] [--every 1.0] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.cases import MaterialItem  # noqa: E402

OP = Actor.operator("bench")
POLICE = Actor.account("ga", "department", department="市公安局")
ITEMS = [MaterialItem("申请人居民身份证", "exempt"), MaterialItem("户口簿", "submitted"),
         MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
         MaterialItem("出生医学证明", "submitted"), MaterialItem("父母结婚证", "submitted")]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float], base: float | None = None) -> None:
    ratio = f"   ×{statistics.median(ms) / base:5.2f} of the baseline's p50" if base else ""
    print(f"{name:<10} n={len(ms):<3} p50 {statistics.median(ms):7.1f} ms   "
          f"p99 {pct(ms, 0.99):7.1f} ms   max {max(ms):7.1f} ms{ratio}", flush=True)


def until(check: Callable[[], bool], bound: float = 30.0) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > bound:
            raise SystemExit("a case never arrived")
        time.sleep(0.005)
    return (time.monotonic() - started) * 1000


def accept(hall: Hall) -> str:
    from hall.security.crypto import seal_applicant

    applicant = seal_applicant(hall.core.sealer, hall.core.index_key, name="测试丙",
                               id_number="990000199001011237", verified=True, source="id_card")
    return str(hall.cases.accept(OP, "newborn", applicant, ITEMS).value.number)


def run(root: Path, samples: int, every: float) -> None:
    import httpx

    from sync import runner
    from sync.credential import load
    from sync.server import db
    from tests.sync.conftest import RunningServer
    from tests.sync.hallnet import cli

    central = RunningServer(root / "central", db.database_url(root / "central", None),
                            "central")
    for args in (("--hall", "P42", "--name", "某省", "--level", "province"),
                 ("--hall", "C1", "--name", "县中心", "--level", "county", "--parent", "P42"),
                 ("--hall", "V1", "--name", "村站", "--level", "village", "--parent", "C1")):
        cli("serve", "directory", *args, data_dir=central.data_dir)
    cli("serve", "directory", *[a for d in ("市卫健委", "市公安局", "市人社局", "市医保局")
                                for a in ("--seat", f"{d}=C1")], data_dir=central.data_dir)
    code = cli("serve", "enroll-code", "--hall", "C1", "--terminal", "HUB", "--hub",
               data_dir=central.data_dir)["code"]
    token = httpx.post(f"{central.url}/v1/enroll", json={"code": code}).json()["token"]
    hub = RunningServer(root / "hub", db.database_url(root / "hub", None), "hub", {
        "server": central.url, "token": token, "hall": "C1", "hub": "HUB"},
        travel_every=every)
    desks = {}
    for name in ("D1", "D2"):
        desks[name] = root / name
        cli("setup", "--hall", "C1", "--terminal", name, data_dir=desks[name])
        code = cli("serve", "enroll-code", "--hall", "C1", "--terminal", name,
                   data_dir=hub.data_dir)["code"]
        cli("sync", "enroll", "--server", hub.url, "--code", code, data_dir=desks[name])
    cli("sync", "directory", data_dir=desks["D1"])
    station = root / "V1"
    cli("setup", "--hall", "V1", "--terminal", "S1", "--standalone", data_dir=station)
    code = cli("serve", "enroll-code", "--hall", "V1", "--terminal", "S1",
               data_dir=central.data_dir)["code"]
    cli("sync", "enroll", "--server", central.url, "--code", code, data_dir=station)
    cli("sync", "directory", data_dir=station)

    stop = threading.Event()
    cred = load(desks["D1"])
    syncing = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(desks["D1"]), cred, stop), kwargs={"wait": 10.0}, daemon=True)
    syncing.start()
    receiver = Hall.open(desks["D1"])  # what D1's face reads (its own connection)
    village, other = Hall.open(station), Hall.open(desks["D2"])
    village_cred, other_cred = load(station), load(desks["D2"])

    def listed(number: str) -> bool:
        return any(p.case.endswith(number) for p in receiver.parts.queue(POLICE, "市公安局"))

    travel: list[float] = []
    local: list[float] = []
    try:
        for _ in range(samples):
            t0 = time.monotonic()
            number = accept(village)
            runner.once(village, village_cred)
            until(lambda n=number: listed(n))  # type: ignore[misc]
            travel.append((time.monotonic() - t0) * 1000)

            t0 = time.monotonic()
            number = accept(other)
            runner.once(other, other_cred)
            until(lambda n=number: listed(n))  # type: ignore[misc]
            local.append((time.monotonic() - t0) * 1000)
    finally:
        stop.set()
        for h in (receiver, village, other):
            h.close()
        hub.stop()
        central.stop()
    print(json.dumps({"samples": samples, "hub_inbox": "long-poll, woken by the push",
                      "retry_every_s": every}))
    base = statistics.median(local)
    show("baseline", local)
    show("travel", travel, base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--every", type=float, default=1.0,
                        help="the hub's inbox pause after a failed ask, in seconds (its asks "
                        "are long-polls woken by the platform on a routed push)")
    parser.add_argument("--smoke", action="store_true", help="3 samples, to check it runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), 3 if args.smoke else args.samples, args.every)


if __name__ == "__main__":
    main()
