"""Numbers: series per group, reset at the hall's local midnight, leases and the fallback series."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hall.events import EventType
from hall.service import HallService


def test_series_per_service_group(hall: HallService) -> None:
    assert hall.take_ticket("newborn").number == "A001"
    assert hall.take_ticket("retirement").number == "A002"  # same group, same series
    assert hall.take_ticket("restaurant_opening").number == "B001"
    assert hall.take_ticket("hukou_transfer").number == "C001"


def test_daily_reset_at_local_midnight(hall: HallService, clock) -> None:
    clock.now = datetime(2026, 11, 23, 23, 59, 59, 900_000, tzinfo=ZoneInfo("Asia/Shanghai"))
    late = hall.take_ticket("newborn")
    clock.advance(1.1)  # 00:00:01 the next day
    called = hall.call_next("1")
    assert called.id == late.id and called.day == "2026-11-23"  # the same ticket, its own day
    assert hall.take_ticket("newborn").number == "A001"  # a new day starts at 1
    assert hall.take_ticket("newborn").day == "2026-11-24"


def test_midnight_is_the_halls_not_utc(make_hall, clock) -> None:
    hall = make_hall(timezone="Asia/Urumqi")  # UTC+6
    clock.now = datetime(2026, 11, 23, 17, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Urumqi
    assert hall.take_ticket("newborn").day == "2026-11-23"
    clock.advance(minutes=45)
    assert hall.take_ticket("newborn").number == "A001"


def test_member_without_lease_uses_fallback_series(make_hall) -> None:
    hall = make_hall(numbering="member", short_code="K3")
    assert hall.take_ticket("newborn").number == "A-K3-001"
    assert hall.take_ticket("newborn").number == "A-K3-002"


def test_member_issues_from_leased_block_then_falls_back(make_hall) -> None:
    hall = make_hall(numbering="member", short_code="K3")
    with hall.write() as conn:
        hall.emit(conn, EventType.NUMBER_BLOCK_LEASED,
                  {"day": hall.today(), "series": "A", "first": 41, "last": 42})
    assert [hall.take_ticket("newborn").number for _ in range(3)] == ["A041", "A042", "A-K3-001"]


def test_numbers_never_reused_after_rebuild(hall: HallService) -> None:
    from hall.store.projections import rebuild

    for _ in range(3):
        hall.take_ticket("newborn")
    with hall.write() as conn:
        rebuild(conn)
    assert hall.take_ticket("newborn").number == "A004"
