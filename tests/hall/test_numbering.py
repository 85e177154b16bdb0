"""Numbers: series per group, reset at the hall's local midnight, leases and the fallback series."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hall.app import Hall
from hall.core import Core
from hall.events import EventType
from tests.conftest import OP


def test_series_per_service_group(hall: Hall) -> None:
    assert hall.tickets.take(OP, "newborn").value.number == "A001"
    assert hall.tickets.take(OP, "retirement").value.number == "A002"  # same group, same series
    assert hall.tickets.take(OP, "restaurant_opening").value.number == "B001"
    assert hall.tickets.take(OP, "hukou_transfer").value.number == "C001"


def test_daily_reset_at_local_midnight(hall: Hall, clock) -> None:
    clock.now = datetime(2026, 11, 23, 23, 59, 59, 900_000, tzinfo=ZoneInfo("Asia/Shanghai"))
    late = hall.tickets.take(OP, "newborn").value
    clock.advance(1.1)  # 00:00:01 the next day
    called = hall.tickets.call_next(OP, "1").value
    assert called.id == late.id and called.day == "2026-11-23"  # the same ticket, its own day
    assert hall.tickets.take(OP, "newborn").value.number == "A001"  # a new day starts at 1
    assert hall.tickets.take(OP, "newborn").value.day == "2026-11-24"


def test_midnight_is_the_halls_not_utc(make_hall, clock) -> None:
    hall = make_hall(timezone="Asia/Urumqi")  # UTC+6
    clock.now = datetime(2026, 11, 23, 17, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Urumqi
    late = hall.tickets.take(OP, "newborn").value
    assert late.day == "2026-11-23"
    hall.tickets.cancel(OP, late.id)  # the day's queue is empty
    clock.advance(minutes=45)
    first = hall.tickets.take(OP, "newborn").value
    assert (first.number, first.day) == ("A001", "2026-11-24")


def test_a_day_left_waiting_carries_its_numbers_over(make_hall, clock) -> None:
    """A001 of yesterday still waits (and is still called): today's first ticket is not a second
    A001 but continues after yesterday's last; a day whose queue was emptied starts at 001."""
    hall = make_hall()
    clock.now = datetime(2026, 11, 23, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    left = [hall.tickets.take(OP, "newborn").value for _ in range(3)]
    hall.tickets.take(OP, "restaurant_opening")  # B001
    hall.tickets.cancel(OP, "B001")
    clock.advance(hours=17)  # 09:00 the next day
    today = hall.tickets.take(OP, "newborn").value
    assert (today.number, today.day) == ("A004", "2026-11-24")
    assert hall.tickets.take(OP, "restaurant_opening").value.number == "B001"  # B closed
    listed = [(t.number, t.day) for t in hall.tickets.list()]
    assert listed[:3] == [(t.number, "2026-11-23") for t in left]  # yesterday's, still waiting


def test_a_timezone_set_back_keeps_the_day_and_its_numbers(make_hall, clock) -> None:
    """Asia/Shanghai to America/Los_Angeles at 09:00 (17:00 yesterday there): the hall stays on
    the day its tickets were issued; no second A001, and A001-A003 are still called."""
    import dataclasses

    hall = make_hall()
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for _ in range(3):
        hall.tickets.take(OP, "newborn")
    hall.core.config = dataclasses.replace(hall.core.config, timezone="America/Los_Angeles")
    hall.core.zone = hall.core.config.zone
    assert hall.today() == "2026-11-23"
    after = hall.tickets.take(OP, "newborn").value
    assert (after.number, after.day) == ("A004", "2026-11-23")
    assert [t.number for t in hall.tickets.list()] == ["A001", "A002", "A003", "A004"]
    assert hall.tickets.call_next(OP, "1").value.number == "A001"
    clock.advance(hours=24)  # 09:00 the next day in Shanghai: 17:00 on the 23rd in Los Angeles
    assert hall.today() == "2026-11-23"
    clock.advance(hours=8)  # midnight in Los Angeles: the 24th begins there
    assert hall.today() == "2026-11-24"
    assert hall.tickets.take(OP, "newborn").value.number == "A005"  # A002-A004 still wait


def test_member_without_lease_uses_fallback_series(make_hall) -> None:
    hall = make_hall(numbering="member", short_code="K3")
    assert hall.tickets.take(OP, "newborn").value.number == "A-K3-001"
    assert hall.tickets.take(OP, "newborn").value.number == "A-K3-002"


def test_member_issues_from_leased_block_then_falls_back(make_hall) -> None:
    hall = make_hall(numbering="member", short_code="K3")
    with hall.core.write() as conn:
        hall.core.emit(conn, EventType.NUMBER_BLOCK_LEASED,
                  {"day": hall.today(), "series": "A", "first": 41, "last": 42}, OP)
    assert [hall.tickets.take(OP, "newborn").value.number for _ in range(3)] == ["A041", "A042", "A-K3-001"]


def test_numbers_never_reused_after_rebuild(hall: Hall) -> None:
    from hall.store.projections import rebuild

    for _ in range(3):
        hall.tickets.take(OP, "newborn")
    with hall.core.write() as conn:
        rebuild(conn)
    assert hall.tickets.take(OP, "newborn").value.number == "A004"


def test_another_terminals_lease_is_never_ours(make_hall) -> None:
    """A lease pulled from another terminal's log must not become numbers we issue, not even
    after a rebuild replays it."""
    from hall.events import Event
    from hall.store.eventlog import insert
    from hall.store.projections import apply, rebuild

    hall = make_hall(numbering="member", short_code="K3")
    foreign = Event("01900000-0000-7000-8000-000000000001", "H1", "K7", 1, 1 << 16,
                    EventType.NUMBER_BLOCK_LEASED,
                    {"day": hall.today(), "series": "A", "first": 1, "last": 50})
    with hall.core.write() as conn:
        insert(conn, foreign)
        apply(conn, foreign)
    assert hall.tickets.take(OP, "newborn").value.number == "A-K3-001"
    with hall.core.write() as conn:
        rebuild(conn)
    assert hall.tickets.take(OP, "newborn").value.number == "A-K3-002"


def test_store_of_another_terminal_is_refused(tmp_path, clock) -> None:
    import pytest

    from hall.catalog import load_catalog
    from hall.config import TerminalConfig
    from hall.errors import StoreError
    from hall.store import Store

    store = Store.open(tmp_path)
    Hall(Core(store, TerminalConfig("H1", "K3"), load_catalog(), wall=clock))
    with pytest.raises(StoreError, match="belongs to terminal K3 of hall H1"):
        Hall(Core(store, TerminalConfig("H1", "K9"), load_catalog(), wall=clock))
    store.close()


# -- shared numbers (issue 10): both tickets kept, labelled apart, the same way everywhere -------

def _issued(terminal: str, seq: int, number: int, minute: int, series: str = "A") -> object:
    from hall.events import Event

    return Event(f"01900000-0000-7000-8000-{terminal[-2:]}{seq:010d}", "H1", terminal, seq,
                 (1 << 16) * (minute + 1), EventType.TICKET_ISSUED, {
                     "ticket_id": f"t-{terminal}-{seq}", "service_id": "newborn",
                     "series": series, "number": number,
                     "label": f"{series}{number:03d}", "day": "2026-11-23", "priority": "regular",
                     "issued_at": f"2026-11-23T09:{minute:02d}:00+08:00"})


def test_a_shared_number_gets_the_same_labels_in_any_arrival_order(make_hall) -> None:
    import itertools

    from hall.store.eventlog import insert
    from hall.store.projections import apply, rebuild

    # T1 and T2 (standalone stations) and T3 all issued A001; T2 twice A002 would be a bug,
    # but even then the labels stay apart.
    events = [_issued("K1", 1, 1, 5), _issued("K2", 1, 1, 3), _issued("K3", 7, 1, 3),
              _issued("K2", 2, 2, 4), _issued("K1", 2, 2, 6)]
    seen = []
    for i, order in enumerate(itertools.permutations(events)):
        if i % 7:  # 120 orders; every seventh keeps the test quick and still mixes them well
            continue
        hall = make_hall(f"p{i}", terminal_id="K9")
        with hall.core.write() as conn:
            for e in order:
                insert(conn, e)
                apply(conn, e)
        labels = dict(hall.core.store.conn.execute("SELECT ticket_id, label FROM tickets"))
        with hall.core.write() as conn:
            rebuild(conn)
        assert dict(hall.core.store.conn.execute("SELECT ticket_id, label FROM tickets")) == labels
        seen.append(labels)
    assert all(s == seen[0] for s in seen)
    assert seen[0] == {"t-K2-1": "A001", "t-K3-7": "A001·K3", "t-K1-1": "A001·K1",
                       "t-K2-2": "A002", "t-K1-2": "A002·K1"}  # earliest issued keeps it


def test_a_shared_number_is_found_by_either_label_and_by_the_printed_number(make_hall) -> None:
    from hall.store.eventlog import insert
    from hall.store.projections import apply

    hall = make_hall(terminal_id="K9")
    with hall.core.write() as conn:
        for e in (_issued("K1", 1, 1, 5), _issued("T2", 1, 1, 3)):
            insert(conn, e)
            apply(conn, e)
    assert hall.tickets.get("A001").id == "t-T2-1" and hall.tickets.get("A001").shared_with == ("A001·K1",)
    for typed in ("A001·K1", "A001.K1", "a001.k1", " A001·K1 "):
        found = hall.tickets.get(typed)
        assert found.id == "t-K1-1" and found.printed == "A001"
        assert found.to_json()["printed"] == "A001"
    called = [hall.tickets.call_next(OP, "1").value.number, hall.tickets.call_next(OP, "2").value.number]
    assert called == ["A001", "A001·K1"]  # both callable, in the order they were issued


def test_a_lease_skips_numbers_already_held(make_hall) -> None:
    """A standalone station that joins: its plain numbers (and those it pulled) are not issued
    again from the hub's block."""
    from dataclasses import replace

    hall = make_hall(numbering="standalone")
    assert [hall.tickets.take(OP, "newborn").value.number for _ in range(3)] == ["A001", "A002", "A003"]
    hall.core.config = replace(hall.config, numbering="member")  # enrolled with a hub
    with hall.core.write() as conn:
        hall.core.emit(conn, EventType.NUMBER_BLOCK_LEASED,
                  {"day": hall.today(), "series": "A", "first": 1, "last": 4}, OP)
    assert [hall.tickets.take(OP, "newborn").value.number for _ in range(2)] == ["A004", "A-K3-001"]


def test_fallback_series_of_distinct_terminals_never_meet() -> None:
    from hall.config import TerminalConfig, default_short_code, legacy_short_code
    from hall.numbering import fallback_series, parse_label, plain_label

    ids = ["DESK01", "KIOSK01", "K3", "k3", "A-1", "A", "K-3", "K_3"]
    series = {fallback_series("A", TerminalConfig("H1", t, short_code=default_short_code(t))
                              .fallback_code) for t in ids}
    assert len(series) == len(ids)
    assert legacy_short_code("DESK01") == legacy_short_code("KIOSK01") == "SK01"  # the old bug
    for s in series:
        assert parse_label(plain_label(s, 7)) == (s, 7)
    assert parse_label("a012") == ("A", 12) and parse_label("A001·K1") is None
