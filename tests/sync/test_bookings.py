"""预约 online through a real hub on 127.0.0.1 (issue 26): the hub decides the last seat of a slot
for concurrent API bookings (exactly one wins), the hall hears the booking when it syncs, and
the citizen checks in at the terminal by ID card for an appointment ticket."""

from __future__ import annotations

import argparse
import json
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from cli import sync_cmd
from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from hall.terminal_setup import setup_terminal
from sync import credential
from sync.client import SyncClient
from sync.server import db
from sync.server.tables import events
from tests.sync.conftest import RunningServer

HALL, SERVICE = "H1", "enterprise_info_change"
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def hub(tmp_path: Path) -> RunningServer:
    srv = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    yield srv  # type: ignore[misc]
    if srv.thread.is_alive():
        srv.stop()


def _enrolled(folder: Path, terminal: str, hub: RunningServer) -> Path:
    setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(hub.engine, HALL, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub.url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def test_the_hub_sells_the_last_seat_once_and_the_hall_hears_it(
        hub: RunningServer, tmp_path: Path) -> None:
    desk = _enrolled(tmp_path / "d1", "D1", hub)
    api_token = hub.token(HALL, "WEB1")  # the platform's gateway, enrolled as a hall client
    now = datetime.now(ZONE)
    start = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    day, at = start.date().isoformat(), start.strftime("%H:%M")
    url = f"{hub.url}/v1/appointments"
    headers = {"Authorization": f"Bearer {api_token}"}

    def post(id_number: str) -> httpx.Response:
        return httpx.post(url, headers=headers, timeout=15, json={
            "service": SERVICE, "day": day, "time": at, "id_number": id_number})

    first = post(people.RESIDENT.id_number)
    assert first.status_code == 200, first.text
    assert first.json()["appointment"]["status"] == "booked"
    assert post(people.FOREIGN.id_number).status_code == 200
    # the last of 3 seats, asked for by three at once
    numbers = [people.RESIDENT_ELDER.id_number, people.HK_RESIDENT.id_number, "110101199001011237"]
    gate = threading.Barrier(len(numbers))
    answers: list[httpx.Response] = []

    def race(number: str) -> None:
        gate.wait(timeout=10)
        answers.append(post(number))

    threads = [threading.Thread(target=race, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 409, 409], [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"slot_full"}
    past = httpx.post(url, headers=headers, timeout=15, json={
        "service": SERVICE, "day": "2020-01-06", "time": "09:00", "id_number": "x1"})
    assert past.status_code == 409 and past.json()["code"] == "slot_past"
    # the hub's log keeps the keyed hash, never the number
    with hub.engine.connect() as conn:
        payloads = [r.payload for r in conn.execute(select(events.c.payload))]
    assert all(people.RESIDENT.id_number not in p for p in payloads)
    assert sum('"channel":"online"' in p for p in payloads) == 3
    # the hall hears it, and the citizen checks in by card for an appointment ticket
    cred = credential.load(desk)
    with Hall.open(desk) as hall:
        client = SyncClient(hall, cred.server, cred.token, timeout=10)
        try:
            client.once()
        finally:
            client.close()
        assert [(s.booked, s.capacity) for s in hall.appointments.slots(SERVICE, day)
                if s.start == at] == [(3, 3)]
        read = hall.cards.read(Actor.operator("tests"), people.RESIDENT)
        done = hall.appointments.check_in_at(hall.kiosk(), read).value
        assert done.ticket.priority == "appointment" and done.appointment.time == at
    assert json.loads(first.text)["appointment"]["id"] == done.appointment.id


def test_two_terminals_and_the_api_race_for_the_last_seat(hub: RunningServer,
                                                           tmp_path: Path) -> None:
    """Exactly one of two member desks (booking through their hub) and the platform's API
    takes the last seat; every store then counts it once; with the hub away a desk refuses."""
    from hall.errors import DomainError
    from sync.hubcall import attach

    d1_dir, d2_dir = _enrolled(tmp_path / "d1", "D1", hub), _enrolled(tmp_path / "d2", "D2", hub)
    headers = {"Authorization": f"Bearer {hub.token(HALL, 'WEB1')}"}
    day, at = "2031-03-03", "10:00"  # a Monday, far ahead

    def post(id_number: str) -> httpx.Response:
        return httpx.post(f"{hub.url}/v1/appointments", headers=headers, timeout=15, json={
            "service": SERVICE, "day": day, "time": at, "id_number": id_number})

    assert post("110101199001011237").status_code == 200
    assert post("110101199001011253").status_code == 200
    op = Actor.operator("tests")
    with attach(Hall.open(d1_dir)) as d1, attach(Hall.open(d2_dir)) as d2:
        keys = [d.cards.read(op, c).holder.key
                for d, c in ((d1, people.RESIDENT), (d2, people.FOREIGN))]
        gate = threading.Barrier(3)
        won: list[str] = []
        lost: list[str] = []

        def desk(hall: Hall, key: str) -> None:
            gate.wait(timeout=10)
            try:
                hall.appointments.book_slot(op, SERVICE, day, at, key)
                won.append(hall.config.terminal_id)
            except DomainError as exc:
                lost.append(exc.code)

        def api() -> None:
            gate.wait(timeout=10)
            answer = post(people.HK_RESIDENT.id_number)
            if answer.status_code == 200:
                won.append("api")
            else:
                lost.append(answer.json()["code"])

        threads = [threading.Thread(target=desk, args=(d1, keys[0])),
                   threading.Thread(target=desk, args=(d2, keys[1])),
                   threading.Thread(target=api)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(won) == 1 and lost == ["slot_full", "slot_full"], (won, lost)
        for hall in (d1, d2):
            cred = credential.load(hall.data_dir)
            client = SyncClient(hall, cred.server, cred.token, timeout=10)
            try:
                client.once()
            finally:
                client.close()
            assert [s.booked for s in hall.appointments.slots(SERVICE, day)
                    if s.start == at] == [3]
        # a desk moves a booking through the hub: the new seat counted there, the old freed
        mine = next(a for a in d1.appointments.on_day(day) if a.status == "booked")
        moved = d1.appointments.reschedule(op, mine.id, day, "10:30").value
        assert (moved.time, moved.status) == ("10:30", "booked")
        assert d1.appointments.get(mine.id).status == "cancelled"
        hub.stop()
        with pytest.raises(DomainError) as away:
            d1.appointments.book_slot(op, SERVICE, day, "11:00", keys[0])
        assert away.value.code == "hub_unreachable"
