"""预约 (issue 26): slots from the hall's hours and booking setting, booking to the last seat,
a past slot, cancel and reschedule, the check-in window (early, on time and called ahead of a
walk-in, late as a walk-in), no-shows at the window's end; and the exact CLI."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError, ConfigError, DomainError
from hall.terminal_setup import setup_terminal
from tests.hall.test_cli import cli

ZONE = ZoneInfo("Asia/Shanghai")
OP = Actor.operator("tests")
SERVICE = "enterprise_info_change"
HOURS: dict[str, Any] = {
    "week": {d: ["08:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")},
    "lunch": {"from": "12:00", "to": "13:30", "open": False},
    "special": {"2026-12-14": "closed"},
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture
def hall_at(tmp_path: Path) -> Any:
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1", standalone=True)
    wall = [at("2026-12-08T08:00")]  # a Tuesday, before opening
    hall = Hall.open(folder, wall=lambda: wall[0])
    admin = hall.accounts.add(None, "admin", "admin", "admin-pass-1").value
    hall.settings.request(admin, {"hours": HOURS})
    try:
        yield hall, wall, admin
    finally:
        hall.close()


def holders(hall: Hall) -> list[str]:
    cards = [people.RESIDENT, people.RESIDENT_ELDER, people.FOREIGN, people.HK_RESIDENT]
    return [hall.cards.read(OP, c).holder.key for c in cards]


def test_slots_follow_the_hours_and_the_setting(hall_at: Any) -> None:
    hall, _wall, admin = hall_at
    found = hall.appointments.slots(SERVICE, "2026-12-08")
    starts = [s.start for s in found]
    # 08:30-12:00 and 13:30-17:30 in slots of 30 min; the lunch break none
    assert starts[:2] == ["08:30", "09:00"] and "12:00" not in starts and "13:30" in starts
    assert len(found) == 7 + 8 and found[-1].end == "17:30"
    assert {(s.capacity, s.booked) for s in found} == {(3, 0)}  # 4 seats, a quarter walk-in
    assert hall.appointments.slots(SERVICE, "2026-12-14") == []  # a holiday
    assert hall.appointments.slots(SERVICE, "2026-12-12") == []  # a Saturday
    hall.settings.request(admin, {"booking": {
        "slot_min": 60, "seats": 6, "walk_in_share": 0.5, "off": ["newborn"],
        "services": {SERVICE: {"slot_min": 20, "walk_in_share": 0}}}})
    own = hall.appointments.slots(SERVICE, "2026-12-08")
    assert own[0].start == "08:30" and own[0].end == "08:50" and own[0].capacity == 6
    other = hall.appointments.slots("retirement", "2026-12-08")
    assert other[0].end == "09:30" and other[0].capacity == 3
    assert hall.appointments.slots("newborn", "2026-12-08") == []
    with pytest.raises(ConfigError) as bad:
        hall.settings.request(admin, {"booking": {"seats": -1}})
    assert bad.value.params["key"] == "booking.seats"


def test_the_last_seat_is_sold_once_and_a_cancel_frees_it(hall_at: Any) -> None:
    hall, wall, _admin = hall_at
    keys = holders(hall)
    book = hall.appointments.book_slot
    done = [book(OP, SERVICE, "2026-12-08", "10:00", k).value for k in keys[:3]]
    assert {a.status for a in done} == {"booked"} and done[0].time == "10:00"
    with pytest.raises(DomainError) as full:
        book(OP, SERVICE, "2026-12-08", "10:00", keys[3])
    assert full.value.code == "slot_full"
    assert hall.appointments.slots(SERVICE, "2026-12-08")[3].booked == 3
    hall.appointments.cancel(OP, done[0].id)
    assert book(OP, SERVICE, "2026-12-08", "10:00", keys[3]).value.status == "booked"
    with pytest.raises(DomainError) as closed:
        hall.appointments.cancel(OP, done[0].id)
    assert closed.value.code == "appointment_closed"
    moved = hall.appointments.reschedule(OP, done[1].id, "2026-12-09", "14:00").value
    assert (moved.day, moved.time) == ("2026-12-09", "14:00")
    for bad_time, code in (("10:10", "no_slot"), ("12:30", "no_slot")):
        with pytest.raises(DomainError) as refused:
            book(OP, SERVICE, "2026-12-08", bad_time, keys[0])
        assert refused.value.code == code
    wall[0] = at("2026-12-08T11:00")
    with pytest.raises(DomainError) as past:
        book(OP, SERVICE, "2026-12-08", "10:00", keys[0])
    assert past.value.code == "slot_past"


def test_two_writers_on_one_store_sell_the_last_seat_once(tmp_path: Path) -> None:
    """Two connections to one store (the desk's UI and its CLI) racing for the last seat: the
    count and the booking are one BEGIN IMMEDIATE transaction, so exactly one wins."""
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1", standalone=True)
    wall = at("2026-12-08T08:00")
    with Hall.open(folder, wall=lambda: wall) as first, \
            Hall.open(folder, wall=lambda: wall) as second:
        keys = holders(first)
        first.settings.request(first.accounts.add(None, "admin", "admin", "admin-pass-1").value,
                               {"booking": {"seats": 1, "walk_in_share": 0}})
        for round_ in range(6):
            time_text = f"{10 + round_:02d}:00"
            gate = threading.Barrier(2)
            won: list[str] = []
            lost: list[str] = []

            def race(hall: Hall, key: str, time_text: str = time_text,
                     gate: threading.Barrier = gate, won: list[str] = won,
                     lost: list[str] = lost) -> None:
                gate.wait(timeout=10)
                try:
                    hall.appointments.book_slot(OP, SERVICE, "2026-12-08", time_text, key)
                    won.append(key)
                except DomainError as exc:
                    lost.append(exc.code)

            threads = [threading.Thread(target=race, args=(h, k))
                       for h, k in ((first, keys[0]), (second, keys[1]))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert len(won) == 1 and lost == ["slot_full"], (won, lost)


def test_check_in_window_early_on_time_late_and_no_show(hall_at: Any) -> None:
    hall, wall, _admin = hall_at
    keys = holders(hall)
    reads = [hall.cards.read(OP, c) for c in (people.RESIDENT, people.RESIDENT_ELDER,
                                              people.FOREIGN)]
    book = hall.appointments.book_slot
    on_time = book(OP, SERVICE, "2026-12-08", "10:00", keys[0]).value
    book(OP, SERVICE, "2026-12-08", "09:00", keys[1])
    missed = book(OP, SERVICE, "2026-12-08", "09:00", keys[2]).value
    kiosk = hall.kiosk()
    wall[0] = at("2026-12-08T08:35")  # the desk's "due in the next half hour"
    assert {a.id for a in hall.appointments.due(30)} == {missed.id} | {
        a.id for a in hall.appointments.on_day("2026-12-08") if a.time == "09:00"}
    assert on_time.id not in {a.id for a in hall.appointments.due(30)}
    # 09:00 booked; at 08:20 it is too early (check-in opens 30 min before): come back 08:30
    wall[0] = at("2026-12-08T08:20")
    with pytest.raises(DomainError) as early:
        hall.appointments.check_in_at(kiosk, reads[1])
    assert early.value.code == "too_early" and early.value.params["come_back_at"] == "08:30"
    # 09:45: holder 1 is 45 min late: a walk-in ticket and a plain sentence
    wall[0] = at("2026-12-08T09:45")
    late = hall.appointments.check_in_at(kiosk, reads[1]).value
    assert late.late and late.ticket.priority == "regular" and "walk-in" in (late.note or "")
    assert late.appointment.status == "late"
    walk_ins = [hall.tickets.take(kiosk, SERVICE).value.id for _ in range(2)]
    # 09:50: holder 0 on time for 10:00: an appointment ticket, called ahead of the walk-ins
    wall[0] = at("2026-12-08T09:50")
    done = hall.appointments.check_in_at(kiosk, reads[0]).value
    assert not done.late and done.ticket.priority == "appointment"
    assert done.appointment.id == on_time.id and done.appointment.status == "checked_in"
    # the slot has come: the hall's policy (2 regular, then one priority) calls it ahead of
    # the third walk-in, who came before it
    wall[0] = at("2026-12-08T10:00")
    order = []
    for _ in range(4):
        called = hall.tickets.call_next(OP, "1").value
        order.append(called.id)
        hall.tickets.done(OP, called.id)
    assert order == [late.ticket.id, walk_ins[0], done.ticket.id, walk_ins[1]]
    with pytest.raises(DomainError) as none:
        hall.appointments.check_in_at(kiosk, reads[0])
    assert none.value.code == "no_appointment"
    # holder 2 never came: past 09:30 the 09:00 booking is a no-show, recorded once
    assert hall.appointments.record_no_shows(OP).value == [missed.id]
    assert hall.appointments.record_no_shows(OP).value == []
    assert hall.appointments.get(missed.id).status == "no_show"
    assert [a.status for a in hall.appointments.on_day("2026-12-08")] == [
        "late", "no_show", "checked_in"]


def test_no_shows_by_the_clock_and_the_days_booking_figures(hall_at: Any) -> None:
    """The sweep a desk's timer runs says when the next no-show is due; at that moment (and
    not before) it records it; `stats` counts booked, checked in, no-shows and walk-ins."""
    hall, wall, _admin = hall_at
    keys = holders(hall)
    book = hall.appointments.book_slot
    book(OP, SERVICE, "2026-12-08", "09:00", keys[0])
    gone = book(OP, SERVICE, "2026-12-08", "09:00", keys[1]).value
    book(OP, SERVICE, "2026-12-08", "10:00", keys[2])
    cancelled = book(OP, SERVICE, "2026-12-08", "10:00", keys[3]).value
    hall.appointments.cancel(OP, cancelled.id)
    first = hall.appointments.sweep_no_shows(OP).value
    assert first.missed == () and first.next_at == at("2026-12-08T09:30")  # 09:00 + 30 min
    kiosk = hall.kiosk()
    wall[0] = at("2026-12-08T08:50")
    hall.appointments.check_in_at(kiosk, hall.cards.read(OP, people.RESIDENT))
    hall.tickets.take(kiosk, SERVICE)
    hall.tickets.take(kiosk, SERVICE)
    wall[0] = at("2026-12-08T09:29:59")
    assert hall.appointments.sweep_no_shows(OP).value.missed == ()
    wall[0] = first.next_at
    assert hall.appointments.sweep_no_shows(OP).value.missed == ()  # the window's last moment
    wall[0] = at("2026-12-08T09:30:01")
    swept = hall.appointments.sweep_no_shows(OP)
    assert swept.value.missed == (gone.id,) and swept.changes.appointments
    assert swept.value.next_at == at("2026-12-08T10:30")
    for _ in range(3):  # all three called at once: the same wait for booked and walk-ins
        hall.tickets.done(OP, hall.tickets.call_next(OP, "1").value.id)
    figures = hall.stats.day(OP, "2026-12-08").to_json()["bookings"]
    assert figures["booked"] == 3 and figures["checked_in"] == 1 and figures["no_shows"] == 1
    assert figures["open"] == 1 and figures["cancelled"] == 1 and figures["late"] == 0
    assert figures["walk_in_share"] == round(2 / 3, 3)
    assert figures["wait_avg_s"] == {"appointment": 40 * 60 + 1, "walk_in": 40 * 60 + 1}


def test_a_citizen_books_at_the_kiosk_for_the_card_they_hold(hall_at: Any) -> None:
    hall, _wall, _admin = hall_at
    session = hall.kiosk_session()
    read = session.cards.read(people.RESIDENT)
    booked = session.appointments.book_own(SERVICE, "2026-12-09", "14:00", read).value
    assert (booked.day, booked.time, booked.status) == ("2026-12-09", "14:00", "booked")
    assert [a.id for a in hall.appointments.of_holder(read.holder.key, "2026-12-09")] == [
        booked.id]
    with pytest.raises(DomainError) as twice:
        session.appointments.book_own(SERVICE, "2026-12-09", "14:00", read)
    assert twice.value.code == "already_booked"
    with pytest.raises(AccessError):  # the kiosk books only for the card in front of it
        session.appointments.book_slot(SERVICE, "2026-12-09", "14:00", "0" * 64)


# -- the command line (real time: days far from today) ---------------------------------------------
def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, Any]:
    """The CLI in this process (each subprocess start costs seconds on a loaded machine; one
    call below goes through main.py to prove the real entry point)."""
    from cli import main

    capsys.readouterr()
    code = main([*args, "--data-dir", str(data), "--json"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    return code, json.loads(lines[0])


def test_cli_slots_book_full_past_cancel_list_check_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from devices.emulators.id_reader import IdReaderEmulator

    setup_terminal(tmp_path, "SY-ZW01", "D1", standalone=True, timezone="Asia/Shanghai")
    day, book = "2030-01-07", ("appointment", "book", "--service", SERVICE)
    code, out = run(capsys, tmp_path, "appointment", "slots", "--service", SERVICE, "--day", day)
    assert code == 0 and out["slots"][0] == {"start": "00:00", "end": "00:30", "capacity": 3,
                                              "booked": 0}
    with Hall.open(tmp_path) as hall:  # one seat a slot, none held back
        admin = hall.accounts.add(None, "admin", "admin", "admin-pass-1").value
        hall.settings.request(admin, {"booking": {"seats": 1, "walk_in_share": 0}})
    with IdReaderEmulator(people.RESIDENT_ELDER) as reader:
        code, out, _ = cli(tmp_path, *book, "--day", day, "--time", "09:00", "--id-reader",
                           reader.path)
    assert code == 0, out
    assert set(out["appointment"]) == {"id", "service", "day", "time", "status"}
    assert (out["appointment"]["time"], out["appointment"]["status"]) == ("09:00", "booked")
    first = out["appointment"]["id"]
    with IdReaderEmulator(people.FOREIGN) as reader:
        code, out = run(capsys, tmp_path, *book, "--day", day, "--time", "09:00",
                        "--id-reader", reader.path)
        assert code == 3 and out["error"] == "slot_full"
        code, out = run(capsys, tmp_path, *book, "--day", "2020-01-06", "--time", "09:00",
                        "--id-reader", reader.path)
        assert code == 3 and out["error"] == "slot_past"
    code, out = run(capsys, tmp_path, "appointment", "slots", "--service", SERVICE, "--day",
                    "bad")
    assert code == 2
    code, out = run(capsys, tmp_path, *book, "--day", day, "--time", "09:00")
    assert code == 2  # a card reader is required
    code, out = run(capsys, tmp_path, "appointment", "cancel", "--appointment", first)
    assert code == 0 and out["appointment"]["status"] == "cancelled"
    code, out = run(capsys, tmp_path, "appointment", "list", "--day", day)
    assert [a["status"] for a in out["appointments"]] == ["cancelled"]
    with IdReaderEmulator(people.RESIDENT) as reader:
        code, out = run(capsys, tmp_path, "appointment", "check-in", "--id-reader", reader.path)
        assert code == 3 and out["error"] == "no_appointment"
        # today, the slot running now: checked in on time, an appointment ticket
        now = datetime.now(ZONE)
        start = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
        code, out = run(capsys, tmp_path, *book, "--day", start.date().isoformat(), "--time",
                        start.strftime("%H:%M"), "--id-reader", reader.path)
        assert code == 0, out
        code, out = run(capsys, tmp_path, "appointment", "check-in", "--id-reader", reader.path)
    assert code == 0, out
    assert out["ticket"]["priority"] == "appointment"
    assert out["appointment"]["status"] == "checked_in"
