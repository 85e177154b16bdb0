"""预约 on the central platform (issue 26): the citizen books online for a hall while the hall's
uplink is down (the fault proxy between the hub and the platform); the applicant is sealed for
the hall, so the platform's log holds no ID number; the booking reaches the hub and a desk when
the uplink is back, and the citizen checks in there by card; a booking cancelled online is
cancelled in the hall. The platform sells only its share of a slot (`online_seats`), the hub
the rest: one slot is never sold twice, whichever side is cut off."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from hall.security.access import hash_secret
from sync import credential
from sync.client import SyncClient
from sync.server import authority, bookings, db, directory
from sync.server.log import get_meta
from sync.server.tables import events
from tests.sync.conftest import RunningServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_bookings import _enrolled

HALL, SERVICE, PW = "H1", "enterprise_info_change", "platform-pass-1"
ZONE = ZoneInfo("Asia/Shanghai")
OP = Actor.operator("tests")


def _sync(folder: Path) -> None:
    cred = credential.load(folder)
    with Hall.open(folder) as hall:
        client = SyncClient(hall, cred.server, cred.token, timeout=10)
        try:
            client.once()
        finally:
            client.close()


def _until(check, seconds: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    """Bounded (a loaded CI machine runs other servers beside these); says which step."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not reached in time: {check.__code__.co_firstlineno}"
        time.sleep(0.1)


def _statuses(folder: Path, day: str) -> dict[str, str]:
    with Hall.open(folder) as hall:
        return {a.id: a.status for a in hall.appointments.on_day(day)}


def test_booked_on_the_platform_while_the_uplink_is_down(tmp_path: Path) -> None:
    central = RunningServer(tmp_path / "central", db.database_url(tmp_path / "central", None),
                            role="central")
    hub_token = central.token(HALL, "HUB", hub=True)
    directory.put_hall(central.engine, HALL, "测试政务服务中心", "county")  # listed: key pinned
    link = FaultProxy(central.port)
    link.__enter__()
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None), "hub", {
        "server": link.url, "token": hub_token, "hall": HALL, "hub": "HUB", "wait": 0.5,
        "timeout": 2.0, "cap": 0.5, "idle": 0.3})
    try:
        _run(central, hub, hub_token, link, tmp_path)
    finally:
        hub.stop()
        link.__exit__(None, None, None)
        central.stop()


def _run(central: RunningServer, hub: RunningServer, hub_token: str, link: FaultProxy,
         tmp_path: Path) -> None:
    api = {"Authorization": f"Bearer {central.token(HALL, 'PORTAL')}"}  # the 政务服务网's
    # the hub's link registers the hall's public key with the platform by itself, on its
    # first round: the one the hall's terminals seal with
    held = bookings.hall_public_key(hub.data_dir)

    def registered() -> bool:
        with central.engine.connect() as conn:
            return get_meta(conn, "hall_public:" + HALL) == held

    _until(registered)
    # and pinned in the platform's directory (issue 24), which the platform seals for first
    assert [h["public_key"] for h in directory.read(central.engine)["halls"]] == [held]
    refused = httpx.post(f"{central.url}/v1/appointments/hall-key", headers=api, timeout=10,
                         json={"public_key": bookings.hall_public_key(tmp_path)})
    assert refused.status_code == 403  # only the hall's hub
    # the platform sells one seat of each slot out of the box (`online_seats` unset); the
    # hall's settings reach it through the hub
    authority.add_user(hub.engine, HALL, "root", "admin", hash_secret(PW))
    desk = _enrolled(tmp_path / "d1", "D1", hub)
    _sync(desk)
    with Hall.open(desk) as hall:
        root = hall.accounts.sign_in("root", PW)
        hall.settings.request(root, {"booking": {"late_min": 30}})
    _sync(desk)

    def published() -> bool:
        with central.engine.connect() as conn:
            return conn.execute(select(events.c.pos).where(
                events.c.type == "HallSettingsPublished")).first() is not None

    _until(published)
    now = datetime.now(ZONE)
    start = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    day, at = start.date().isoformat(), start.strftime("%H:%M")
    later = "23:30" if at != "23:30" else "23:00"

    def book(id_number: str, when: str = at) -> httpx.Response:
        return httpx.post(f"{central.url}/v1/appointments", headers=api, timeout=10, json={
            "service": SERVICE, "day": day, "time": when, "id_number": id_number})

    link.down = True  # the hall's uplink is cut: the citizen books on the platform all the same
    _until(lambda: hub.upstream is not None and not hub.upstream.online)
    first = book(people.RESIDENT.id_number)
    assert first.status_code == 200, first.text
    booked = first.json()["appointment"]
    assert (booked["day"], booked["time"], booked["status"]) == (day, at, "booked")
    full = book(people.FOREIGN.id_number)  # the platform's one seat of the slot is sold
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    gone = book(people.FOREIGN.id_number, later).json()["appointment"]
    cancel = httpx.post(f"{central.url}/v1/appointments/{gone['id']}/cancel", headers=api,
                        timeout=10)
    assert cancel.status_code == 200 and cancel.json()["appointment"]["status"] == "cancelled"
    again = httpx.post(f"{central.url}/v1/appointments/{gone['id']}/cancel", headers=api,
                       timeout=10)
    assert again.status_code == 409 and again.json()["code"] == "appointment_closed"
    # meanwhile the hub sells its own seats of that slot: 3 bookable, 1 the platform's -> 2
    hub_api = {"Authorization": f"Bearer {hub.token(HALL, 'WEB1')}"}
    sold = [httpx.post(f"{hub.url}/v1/appointments", headers=hub_api, timeout=10, json={
        "service": SERVICE, "day": day, "time": at, "id_number": n}).status_code
        for n in (people.RESIDENT_ELDER.id_number, people.HK_RESIDENT.id_number,
                  "110101199001011237")]
    assert sold == [200, 200, 409]
    _sync(desk)
    assert booked["id"] not in _statuses(desk, day)  # not in the hall while the link is down
    # the platform's log holds the applicant sealed for the hall, never the number
    with central.engine.connect() as conn:
        payloads = [r.payload for r in conn.execute(select(events.c.payload))]
    assert all(people.RESIDENT.id_number not in p for p in payloads)
    assert sum('"holder_sealed":"ts2:x25519:' in p for p in payloads) == 2
    link.down = False  # back: the hub pulls the booking and the cancel, and books it

    def hub_has(kind: str) -> int:
        with hub.engine.connect() as conn:
            return len(conn.execute(select(events.c.pos).where(events.c.type == kind)).all())

    # the cancelled one came down with its cancel: never booked in the hall
    _until(lambda: hub_has("AppointmentBookedOnline") == 2 and hub_has("AppointmentBooked") == 3)
    _sync(desk)
    assert _statuses(desk, day).get(booked["id"]) == "booked", _statuses(desk, day)
    assert gone["id"] not in _statuses(desk, day)
    with Hall.open(desk) as hall:
        assert [s.booked for s in hall.appointments.slots(SERVICE, day) if s.start == at] == [3]
        read = hall.cards.read(OP, people.RESIDENT)
        done = hall.appointments.check_in_at(hall.kiosk(), read).value
    assert done.appointment.id == booked["id"] and done.ticket.priority == "appointment"
    # adopted once, however often the hub pulls
    with hub.engine.connect() as conn:
        adopted = [r.payload for r in conn.execute(select(events.c.payload).where(
            events.c.type == "AppointmentBooked")) if booked["id"] in r.payload]
    assert len(adopted) == 1 and '"channel":"platform"' in adopted[0]
    # the link up: booked online, in the hall within moments; cancelled online, freed there
    third = book(people.HK_RESIDENT.id_number, later).json()["appointment"]
    _until(lambda: _sync(desk) is None and third["id"] in _statuses(desk, day))
    out = httpx.post(f"{central.url}/v1/appointments/{third['id']}/cancel", headers=api,
                     timeout=10)
    assert out.status_code == 200, out.text
    _until(lambda: _sync(desk) is None and _statuses(desk, day)[third["id"]] == "cancelled")
    # a new hall pair: the link registers the new public key itself (the directory keeps the
    # pinned one: only the platform's operator changes that)
    from hall.security import keys, sealbox

    keys.create(hub.data_dir, keys.HALL_PRIVATE, sealbox.generate().private, replace=True)
    held = bookings.hall_public_key(hub.data_dir)
    _until(registered)
