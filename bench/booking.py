"""How fast an online booking (issue 26) is visible on a desk, through a real hub on 127.0.0.1,
against a ticket taken on another terminal over the same path (the baseline):

1. ticket: a ticket taken on D2 and pushed -> D1's sync thread (long-poll) has it;
2. online booking: POST /v1/appointments on the hub (the hub decides the seat from its log)
   -> D1's sync thread has the appointment;
3. desk booking: D2 books through the hub (HubBooking: the request, then its pull) -> back;
4. platform booking: the central platform books (sealed for the hall) -> its hub pulls and
   adopts it -> D1's sync thread has it (hub, platform and D1 as in a province).

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


def platform_run(root: Path, samples: int) -> None:
    """4. platform booking: POST /v1/appointments on the central platform (the applicant
    sealed for the hall) -> the hub pulls it over its upstream and adopts it -> D1 has it."""
    import httpx

    from bench.hub_pair import hub_pair, show, until
    from hall.security.access import hash_secret
    from sync.credential import SyncCredential, save
    from sync.server import authority, bookings, db
    from sync.server.run import bound_socket, build, server

    app = build(root / "central", None, "central")
    sock = bound_socket()
    central = server(app, "127.0.0.1", sock.getsockname()[1])
    thread = threading.Thread(target=central.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not central.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    engine = app.state.sync.engine
    hub_token = db.enroll(engine, db.new_enroll_code(engine, "H1", "HUB", hub=True))[1]
    (root / "hub").mkdir(parents=True)
    save(root / "hub", SyncCredential(url, str(hub_token), "H1", "HUB"), "upstream.json")
    portal = db.enroll(engine, db.new_enroll_code(engine, "H1", "PORTAL"))[1]

    def root_account(hub_engine: object) -> None:
        authority.add_user(hub_engine, "H1", "root", "admin", hash_secret("bench-pass-1"))  # type: ignore[arg-type]

    def settings(pair: object) -> None:  # the platform's share of each slot, via the hub
        sender = pair.sender  # type: ignore[attr-defined]
        admin = sender.accounts.sign_in("root", "bench-pass-1")
        sender.settings.request(admin, {"booking": {"seats": 400, "walk_in_share": 0,
                                                    "online_seats": 200}})
        pair.client.push()  # type: ignore[attr-defined]

    online: list[float] = []
    try:
        with hub_pair(root, before_terminals=root_account, before_receiver=settings,
                      upstream=url) as pair, httpx.Client(base_url=url, timeout=15) as api:
            api.post("/v1/appointments/hall-key", headers={"Authorization": f"Bearer {hub_token}"},
                     json={"public_key": bookings.hall_public_key(root / "hub")})

            def published() -> bool:
                with engine.connect() as c:
                    return bool(c.exec_driver_sql("SELECT COUNT(*) FROM events WHERE type = "
                                                  "'HallSettingsPublished'").scalar())

            until(published, 60)
            day = (date.today() + timedelta(days=30)).isoformat()
            conn = pair.conn
            for i in range(samples):
                have = conn.execute("SELECT COUNT(*) FROM appointments").fetchone()[0]
                t0 = time.monotonic()
                answer = api.post("/v1/appointments", headers={
                    "Authorization": f"Bearer {portal}"}, json={
                    "service": SERVICE, "day": day, "time": "10:00",
                    "id_number": f"11010119900101{i:04d}"})
                assert answer.status_code == 200, answer.text
                until(lambda n=have + 1: conn.execute(  # type: ignore[misc]
                    "SELECT COUNT(*) FROM appointments").fetchone()[0] >= n)
                online.append((time.monotonic() - t0) * 1000)
    finally:
        central.should_exit = True
        thread.join(15)
        sock.close()
        engine.dispose()
    show("platform booking->desk", online)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="a few samples: does it run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "hub-path", 3 if args.smoke else args.samples)
        platform_run(Path(tmp) / "platform-path", 3 if args.smoke else args.samples)


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
