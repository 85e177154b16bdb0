"""Call policy: strict, interleaved k:1, maximum wait, appointments, window service sets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hall.config import CallPolicy
from hall.errors import DomainError
from tests.conftest import OP


def serve_all(hall, window: str = "1") -> list[str]:
    out = []
    while True:
        try:
            t = hall.tickets.call_next(OP, window).value
        except DomainError:
            return out
        out.append(t.number)
        hall.tickets.done(OP, t.id)


def issue(hall, clock, kinds: str) -> None:
    for k in kinds:
        hall.tickets.take(OP, "newborn", "elder" if k == "P" else "regular")
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
    hall.tickets.take(OP, "newborn")  # regular, will wait long
    clock.advance(minutes=31)
    hall.tickets.take(OP, "newborn", "elder")
    assert hall.tickets.call_next(OP, "1").value.number == "A001"


def test_appointment_is_priority_from_its_slot(make_hall, clock) -> None:
    hall = make_hall(policy=CallPolicy(mode="strict", max_wait_minutes=0,
                                       appointment_early_minutes=10))
    hall.tickets.take(OP, "newborn")
    hall.tickets.take(OP, "newborn", "appointment", appointment_at=clock.now + timedelta(minutes=30))
    assert hall.tickets.call_next(OP, "1").value.number == "A001"  # slot not yet come: no precedence
    hall.tickets.done(OP, "A001")
    hall.tickets.take(OP, "newborn")
    clock.advance(minutes=25)
    assert hall.tickets.call_next(OP, "1").value.number == "A002"


def test_window_serves_its_services_only(hall) -> None:
    hall.windows.configure(OP, "3", ["restaurant_opening"])
    hall.tickets.take(OP, "newborn")
    with pytest.raises(DomainError, match="nothing waiting for window 3"):
        hall.tickets.call_next(OP, "3")
    hall.tickets.take(OP, "restaurant_opening")
    assert hall.tickets.call_next(OP, "3").value.number == "B001"
    with pytest.raises(DomainError, match="no service"):
        hall.windows.configure(OP, "4", ["nope"])
