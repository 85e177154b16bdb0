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
    assert hall.tickets.take(OP, "newborn").value.day == "2026-11-23"
    clock.advance(minutes=45)
    assert hall.tickets.take(OP, "newborn").value.number == "A001"


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
