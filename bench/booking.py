"""How fast an online booking (issue 26) is visible on a desk, through a real hub on 127.0.0.1,
against a ticket taken on another terminal over the same path (the baseline):

1. ticket: a ticket taken on D2 and pushed -> D1's sync thread (long-poll) has it;
2. online booking: POST /v1/appointments on the hub (the hub decides the seat from its log)
   -> D1's sync thread has the appointment;
3. desk booking: D2 books through the hub (HubBooking: the request, then its pull) -> back.

Prints p50/p99/max in ms and each ratio to the ticket baseline's p50.
    .venv/bin/python bench/booking.py [--samples 30] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.terminal_setup import setup_terminal  # noqa: E402

OP = Actor.operator("bench")
SERVICE = "enterprise_info_change"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float], base: float | None = None) -> None:
    ratio = f"   ×{statistics.median(ms) / base:5.2f} of the baseline's p50" if base else ""
    print(f"{name:<22} n={len(ms):<3} p50 {statistics.median(ms):7.1f} ms   "
          f"p99 {pct(ms, 0.99):7.1f} ms   max {max(ms):7.1f} ms{ratio}", flush=True)


def until(check: Callable[[], bool], bound: float = 20.0) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > bound:
            raise SystemExit("a change never arrived")
        time.sleep(0.005)
    return (time.monotonic() - started) * 1000


def run(root: Path, samples: int) -> None:
    import httpx

    from sync import runner
    from sync.client import SyncClient
    from sync.credential import SyncCredential, save
    from sync.hubcall import attach
    from sync.server import db
    from sync.server.run import bound_socket, build, server

    app = build(root / "hub", None, "hub")
    sock = bound_socket()
    hub = server(app, "127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=hub.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not hub.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    engine = app.state.sync.engine

    def token(terminal: str) -> str:
        return str(db.enroll(engine, db.new_enroll_code(engine, "H1", terminal))[1])

    for t in ("D1", "D2"):
        setup_terminal(root / t, "H1", t, hub_url=url)
    d2_token = token("D2")
    save(root / "D2", SyncCredential(url, d2_token, "H1", "D2"))
    sender = attach(Hall.open(root / "D2"))
    client = SyncClient(sender, url, d2_token, lease_series=("A",))
    client.once()
    receiver = Hall.open(root / "D1")  # what D1's face reads (its own connection)
    stop = threading.Event()
    cred = SyncCredential(url, token("D1"), "H1", "D1")
    syncing = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(root / "D1"), cred, stop), kwargs={"wait": 10.0}, daemon=True)
    syncing.start()
    conn = receiver.core.conn
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token('WEB1')}"},
                       timeout=15)
    first = date.today() + timedelta(days=30)
    days = [d for d in (first + timedelta(days=i) for i in range(400)) if d.weekday() < 5]
    slots = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]  # no hours: all open
    key = sender.cards.read(OP, __import__("devices.emulators.people",
                                           fromlist=["RESIDENT"]).RESIDENT).holder.key
    tickets: list[float] = []
    online: list[float] = []
    desk: list[float] = []

    def appointments() -> int:
        return int(conn.execute("SELECT COUNT(*) FROM appointments").fetchone()[0])

    try:
        for i in range(samples):
            t0 = time.monotonic()
            sender.tickets.take(OP, "newborn")
            client.push()
            until(lambda n=i + 1: conn.execute(  # type: ignore[misc]
                "SELECT COUNT(*) FROM tickets").fetchone()[0] >= n)
            tickets.append((time.monotonic() - t0) * 1000)

            day, at = days[i // len(slots)].isoformat(), slots[i % len(slots)]
            have = appointments()
            t0 = time.monotonic()
            answer = api.post("/v1/appointments", json={
                "service": SERVICE, "day": day, "time": at, "id_number": f"11010119900101{i:04d}"})
            assert answer.status_code == 200, answer.text
            until(lambda n=have + 1: appointments() >= n)  # type: ignore[misc]
            online.append((time.monotonic() - t0) * 1000)

            t0 = time.monotonic()
            sender.appointments.book_slot(OP, SERVICE, day, at, key)
            desk.append((time.monotonic() - t0) * 1000)
    finally:
        stop.set()
        syncing.join(15)
        api.close()
        client.close()
        sender.close()
        receiver.close()
        hub.should_exit = True
        thread.join(15)
        sock.close()
        engine.dispose()
    base = statistics.median(tickets)
    show("ticket (baseline)", tickets)
    show("online booking->desk", online, base)
    show("desk booking via hub", desk, base)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="a few samples: does it run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), 3 if args.smoke else args.samples)


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
