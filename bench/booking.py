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
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from devices.emulators import people  # noqa: E402
from hall.actors import Actor  # noqa: E402

OP = Actor.operator("bench")
SERVICE = "enterprise_info_change"


def run(root: Path, samples: int) -> None:
    import httpx

    from bench.hub_pair import hub_pair, show, until

    with hub_pair(root, attach_sender=True) as pair:
        sender, client, conn = pair.sender, pair.client, pair.conn
        api = httpx.Client(base_url=pair.url, timeout=15,
                           headers={"Authorization": f"Bearer {pair.token('WEB1')}"})
        first = date.today() + timedelta(days=30)
        days = [d for d in (first + timedelta(days=i) for i in range(400)) if d.weekday() < 5]
        slots = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]  # no hours: open
        key = sender.cards.read(OP, people.RESIDENT).holder.key
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
                    "service": SERVICE, "day": day, "time": at,
                    "id_number": f"11010119900101{i:04d}"})
                assert answer.status_code == 200, answer.text
                until(lambda n=have + 1: appointments() >= n)  # type: ignore[misc]
                online.append((time.monotonic() - t0) * 1000)

                t0 = time.monotonic()
                sender.appointments.book_slot(OP, SERVICE, day, at, key)
                desk.append((time.monotonic() - t0) * 1000)
        finally:
            api.close()
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
