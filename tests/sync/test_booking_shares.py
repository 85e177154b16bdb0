"""Seat shares (预约, issue 26): a member terminal leases a share of a day's slots from its hub;
cut off from the hub (the fault proxy between them) it books from that share and from nothing
more; the hub meanwhile sells only the seats not leased; when the link is back every store
counts the slot's seats once — none sold twice."""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx
import pytest

from cli import sync_cmd
from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from hall.errors import DomainError
from hall.terminal_setup import setup_terminal
from sync import credential
from sync.client import SyncClient
from sync.hubcall import attach
from sync.server import db
from tests.sync.conftest import RunningServer
from tests.sync.faultproxy import FaultProxy

HALL, SERVICE = "H1", "enterprise_info_change"
OP = Actor.operator("tests")
DAY, AT = "2031-03-03", "10:00"  # a Monday far ahead; no hours set: every slot open


def _enrolled(folder: Path, terminal: str, hub: RunningServer, url: str) -> Path:
    setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(hub.engine, HALL, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def _sync(hall: Hall) -> None:
    cred = credential.load(hall.data_dir)
    client = SyncClient(hall, cred.server, cred.token, timeout=5)
    try:
        client.once()
    finally:
        client.close()


def _booked(hall: Hall) -> int:
    return next(s.booked for s in hall.appointments.slots(SERVICE, DAY) if s.start == AT)


def test_a_terminal_books_from_its_share_while_the_hub_is_away(tmp_path: Path) -> None:
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    try:
        with FaultProxy(hub.port) as link:
            d1 = attach(Hall.open(_enrolled(tmp_path / "d1", "D1", hub, link.url)))
            d2 = attach(Hall.open(_enrolled(tmp_path / "d2", "D2", hub, hub.url)))
            try:
                _run(hub, link, d1, d2)
            finally:
                d1.close()
                d2.close()
    finally:
        hub.stop()


def _run(hub: RunningServer, link: FaultProxy, d1: Hall, d2: Hall) -> None:
    api = {"Authorization": f"Bearer {hub.token(HALL, 'WEB1')}"}

    def online(id_number: str) -> httpx.Response:
        return httpx.post(f"{hub.url}/v1/appointments", headers=api, timeout=10, json={
            "service": SERVICE, "day": DAY, "time": AT, "id_number": id_number})

    shares = d1.appointments.lease_shares(SERVICE, DAY, 1)  # one seat of every slot that day
    assert shares[AT] == 1 and len(shares) == 48  # no hours: 48 slots of 30 min
    assert d1.appointments.lease_shares(SERVICE, DAY, 1)[AT] == 1  # topped up, not doubled
    # the hub sells the rest: 3 bookable seats, 1 leased to D1 -> 2
    assert [online(n).status_code for n in ("110101199001011237", "110101199001011253")] == [
        200, 200]
    full = online(people.HK_RESIDENT.id_number)
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    keys = [d1.cards.read(OP, c).holder.key for c in (people.RESIDENT, people.FOREIGN)]
    link.down = True  # D1 is cut off from its hub
    mine = d1.appointments.book_slot(OP, SERVICE, DAY, AT, keys[0]).value
    assert mine.status == "booked"
    with pytest.raises(DomainError) as used:  # the share is one seat: no second
        d1.appointments.book_slot(OP, SERVICE, DAY, AT, keys[1])
    assert used.value.code == "hub_unreachable" and used.value.params["share"] == 1
    with pytest.raises(DomainError) as none:  # a slot of another day: no share at all
        d1.appointments.book_slot(OP, SERVICE, "2031-03-04", AT, keys[1])
    assert none.value.code == "hub_unreachable"
    link.down = False  # back: the booking goes up, the seats are counted once everywhere
    _sync(d1)
    _sync(d2)
    _sync(d1)
    assert _booked(d1) == _booked(d2) == 3
    again = online(people.RESIDENT_ELDER.id_number)
    assert again.status_code == 409 and again.json()["code"] == "slot_full"
    with pytest.raises(DomainError) as hub_full:  # through the hub, too
        d2.appointments.book_slot(OP, SERVICE, DAY, AT,
                                  d2.cards.read(OP, people.RESIDENT_ELDER).holder.key)
    assert hub_full.value.code == "slot_full"
    assert d2.appointments.get(mine.id).status == "booked"


def _round(hall: Hall, release_min: int | None = None) -> None:
    """One sync round as the terminal's loop makes it (sync/client.py `once`)."""
    cred = credential.load(hall.data_dir)
    client = SyncClient(hall, cred.server, cred.token, timeout=5)
    if release_min is not None:
        client.share_release_min = release_min
    try:
        client.once()
    finally:
        client.close()


def test_the_sync_round_leases_shares_and_gives_unused_seats_back(tmp_path: Path) -> None:
    """Nobody calls lease_shares: the round asks for today's and tomorrow's shares; the
    terminal books offline from it; a seat not used goes back and the hub sells it again."""
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    try:
        with FaultProxy(hub.port) as link:
            d1 = attach(Hall.open(_enrolled(tmp_path / "d1", "D1", hub, link.url)))
            d2 = attach(Hall.open(_enrolled(tmp_path / "d2", "D2", hub, hub.url)))
            try:
                _rounds(hub, link, d1, d2)
            finally:
                d1.close()
                d2.close()
    finally:
        hub.stop()


def _rounds(hub: RunningServer, link: FaultProxy, d1: Hall, d2: Hall) -> None:
    from datetime import date, timedelta

    api = {"Authorization": f"Bearer {hub.token(HALL, 'WEB1')}"}
    day = (date.fromisoformat(d1.core.today()) + timedelta(days=1)).isoformat()  # tomorrow
    people_ids = iter(f"1101011990010{n:04d}" for n in range(1000, 1100))

    def online(at: str) -> int:
        """Online bookings of a slot the hub takes until it says slot_full."""
        for took in range(10):
            r = httpx.post(f"{hub.url}/v1/appointments", headers=api, timeout=10, json={
                "service": SERVICE, "day": day, "time": at, "id_number": next(people_ids)})
            if r.status_code == 409:
                assert r.json()["code"] == "slot_full"
                return took
            assert r.status_code == 200, r.text
        raise AssertionError("the hub never said slot_full")

    def booked(hall: Hall, at: str) -> int:
        return next(s.booked for s in hall.appointments.slots(SERVICE, day) if s.start == at)

    _round(d1)
    _round(d2)
    keys = [d1.cards.read(OP, c).holder.key for c in (people.RESIDENT, people.FOREIGN)]
    link.down = True  # D1 cut off: it books from the share its round leased, and no further
    mine = d1.appointments.book_slot(OP, SERVICE, day, AT, keys[0]).value
    assert mine.status == "booked"
    with pytest.raises(DomainError) as used:
        d1.appointments.book_slot(OP, SERVICE, day, AT, keys[1])
    assert used.value.code == "hub_unreachable" and used.value.params["share"] == 1
    link.down = False
    _round(d1)
    sold = online(AT)  # what the hub sells beside D1's and D2's shares
    capacity = next(s.capacity for s in d1.appointments.slots(SERVICE, day) if s.start == AT)
    assert sold == capacity - 2  # no platform seats out of the box on a hub without an upstream
    # D2's own booking through the hub takes its share when the slot is otherwise full
    elder = d2.cards.read(OP, people.RESIDENT_ELDER).holder.key
    other = "11:00"
    online(other)
    assert d2.appointments.book_slot(OP, SERVICE, day, other, elder).value.status == "booked"
    with pytest.raises(DomainError) as full:
        d2.appointments.book_slot(OP, SERVICE, day, other, keys[1])
    assert full.value.code == "slot_full"
    # D2's share of AT is unused: its round gives it back (the slot "near": a horizon of two
    # days here), and the hub sells that seat again
    assert online(AT) == 0
    _round(d2, release_min=2 * 24 * 60)
    assert online(AT) == 1
    _round(d1)
    _round(d2)
    _round(d1)
    assert booked(d1, AT) == booked(d2, AT) == capacity
    assert booked(d1, other) == booked(d2, other) == capacity - 1  # D1's share there unused
