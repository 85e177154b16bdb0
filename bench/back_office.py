"""Accepted at a window -> visible in the department's 待审批 list, through a real hub.

A desk accepts a 新生儿出生 case and pushes it to a hub on 127.0.0.1; a department's terminal
runs sync on its own thread (long-poll, as `sync --forever` does in a face's process) and its
workbench polls its hall every 100 ms (as ui/ does), reading the department's list
(`hall.parts.queue`) whenever a change is heard. Measured: from the desk's commit to the part in
the department's list. Baseline in the same process: the list read on the accepting store itself.

    .venv/bin/python bench/back_office.py [--samples 40] [--smoke]

Prints p50/p99/max in ms for both, and the ratio of the hub p99 to the issue's 1 s bound.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from bench.figures import pct, show  # noqa: E402
from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.cases import MaterialItem  # noqa: E402
from hall.identity import Applicant  # noqa: E402
from hall.terminal_setup import setup_terminal  # noqa: E402

POLL_S = 0.1
CLERK = Actor.account("bench", "clerk", "1")
POLICE = Actor.account("gaj", "department", department="市公安局")




def accept(hall: Hall) -> str:
    person = Applicant.from_id(hall.core.index_key, "测试甲", "990000198001010017",
                               verified=True)
    items = [MaterialItem(m.name, "submitted") for m in hall.catalog.get("newborn").materials]
    return hall.cases.accept(CLERK, "newborn", person, items).value.number


def listed(hall: Hall) -> set[str]:
    return {p.case for p in hall.parts.queue(POLICE)}


def local(folder: Path, samples: int) -> list[float]:
    out = []
    with Hall.open(folder) as hall:
        for _ in range(samples):
            t0 = time.perf_counter()
            number = accept(hall)
            assert number in listed(hall)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def through_hub(root: Path, samples: int) -> list[float]:
    from sync import runner
    from sync.client import SyncClient
    from sync.credential import SyncCredential
    from sync.server import db
    from sync.server.run import bound_socket, build, server

    app = build(root / "hub", None, "hub")
    sock = bound_socket()
    hub = server(app, "127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=hub.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if hub.started:
            break
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    engine = app.state.sync.engine

    def token(terminal: str) -> str:
        return db.enroll(engine, db.new_enroll_code(engine, "H1", terminal))[1]

    setup_terminal(root / "desk", "H1", "D1", hub_url=url)
    setup_terminal(root / "dept", "H1", "P1", hub_url=url)
    desk = Hall.open(root / "desk")
    client = SyncClient(desk, url, token("D1"), lease_series=())
    face = Hall.open(root / "dept")
    heard = threading.Event()
    face.subscribe(lambda c: heard.set())
    stop = threading.Event()
    cred = SyncCredential(url, token("P1"), "H1", "P1")
    syncing = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(root / "dept"), cred, stop), kwargs={"wait": 10.0}, daemon=True)
    syncing.start()
    time.sleep(0.5)
    out: list[float] = []
    try:
        for _ in range(samples):
            t0 = time.perf_counter()
            number = accept(desk)
            client.push()
            deadline = t0 + 10
            while time.perf_counter() < deadline:  # the workbench's 100 ms poll
                face.poll_external()
                if heard.is_set():
                    heard.clear()
                    if number in listed(face):
                        out.append((time.perf_counter() - t0) * 1000)
                        break
                time.sleep(POLL_S)
            time.sleep(0.05)
    finally:
        stop.set()
        syncing.join(15)
        client.close()
        desk.close()
        face.close()
        hub.should_exit = True
        thread.join(15)
        sock.close()
        engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="3 samples: does it run")
    args = parser.parse_args()
    samples = 3 if args.smoke else args.samples
    print(f"the workbench polls every {POLL_S * 1000:.0f} ms", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        setup_terminal(root / "t", "H1", "K3", standalone=True)
        base = local(root / "t", samples)
        show("same store (accept -> list)", base, width=34)
        hub = through_hub(root, samples)
        if len(hub) < samples:
            print(f"{samples - len(hub)} of {samples} cases never reached the list in 10 s")
        if hub:
            show("through the hub (accept -> list)", hub, width=34)
            print(f"{'':<34} p99 / 1 s bound = {pct(hub, 0.99) / 1000:.2f}; "
                  f"p50 / same-store p50 = {statistics.median(hub) / statistics.median(base):.1f}")


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
