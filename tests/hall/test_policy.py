"""Call policy: strict, interleaved k:1, maximum wait, appointments, window service sets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hall.config import CallPolicy
from hall.errors import DomainError


def serve_all(hall, window: str = "1") -> list[str]:
    out = []
    while True:
        try:
            t = hall.call_next(window)
        except DomainError:
            return out
        out.append(t.number)
        hall.done(t.id)


def issue(hall, clock, kinds: str) -> None:
    for k in kinds:
        hall.take_ticket("newborn", "elder" if k == "P" else "regular")
        clock.advance(5)


def test_strict_priority(make_hall, clock) -> None:
    hall = make_hall(policy=CallPolicy(mode="strict", max_wait_minutes=0))
    issue(hall, clock, "RRPRP")
    assert serve_all(hall) == ["A003", "A005", "A001", "A002", "A004"]


def test_interleave_two_regular_then_one_priority(make_hall, clock) -> None:
    hall = make_hall(policy=CallPolicy(mode="interleave", regular_per_priority=2,
                                       max_wait_minutes=0))
    issue(hall, clock, "RRRRPPP")
    assert serve_all(hall) == ["A001", "A002", "A005", "A003", "A004", "A006", "A007"]


def test_max_wait_goes_first(make_hall, clock) -> None:
    hall = make_hall(policy=CallPolicy(mode="strict", max_wait_minutes=30))
    hall.take_ticket("newborn")  # regular, will wait long
    clock.advance(minutes=31)
    hall.take_ticket("newborn", "elder")
    assert hall.call_next("1").number == "A001"


def test_appointment_is_priority_from_its_slot(make_hall, clock) -> None:
    hall = make_hall(policy=CallPolicy(mode="strict", max_wait_minutes=0,
                                       appointment_early_minutes=10))
    hall.take_ticket("newborn")
    hall.take_ticket("newborn", "appointment", appointment_at=clock.now + timedelta(minutes=30))
    assert hall.call_next("1").number == "A001"  # slot not yet come: no precedence
    hall.done("A001")
    hall.take_ticket("newborn")
    clock.advance(minutes=25)
    assert hall.call_next("1").number == "A002"


def test_window_serves_its_services_only(hall) -> None:
    hall.configure_window("3", ["restaurant_opening"])
    hall.take_ticket("newborn")
    with pytest.raises(DomainError, match="nothing waiting for window 3"):
        hall.call_next("3")
    hall.take_ticket("restaurant_opening")
    assert hall.call_next("3").number == "B001"
    with pytest.raises(DomainError, match="no service"):
        hall.configure_window("4", ["nope"])
