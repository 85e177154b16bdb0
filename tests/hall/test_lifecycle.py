"""Ticket lifecycle: legal moves, illegal ones refused with a reason, nothing half-written."""

from __future__ import annotations

import pytest

from hall.config import CallPolicy
from hall.errors import DomainError
from hall.service import HallService


def event_count(hall: HallService) -> int:
    return int(hall.store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def test_issue_call_serve_done(hall: HallService, clock) -> None:
    t = hall.take_ticket("newborn")
    assert (t.number, t.status, t.ahead) == ("A001", "waiting", 0)
    clock.advance(60)
    called = hall.call_next("1")
    assert (called.id, called.status, called.window) == (t.id, "called", "1")
    assert hall.start(t.id).status == "serving"
    assert hall.done(t.id).status == "done"


def test_illegal_transition_is_refused_and_writes_nothing(hall: HallService) -> None:
    t = hall.take_ticket("newborn")
    before = event_count(hall)
    with pytest.raises(DomainError, match="cannot recall ticket A001: it is waiting"):
        hall.recall(t.id)
    with pytest.raises(DomainError, match="cannot done"):
        hall.done(t.id)
    assert event_count(hall) == before
    assert hall.ticket(t.id).status == "waiting"


def test_nothing_waiting(hall: HallService) -> None:
    with pytest.raises(DomainError) as err:
        hall.call_next("1")
    assert err.value.code == "nothing_waiting"


def test_recall_limit_then_no_show(make_hall) -> None:
    hall = make_hall(policy=CallPolicy(recall_limit=2))
    t = hall.take_ticket("newborn")
    hall.call_next("1")
    assert hall.recall(t.id).recalls == 1
    assert hall.recall(t.id).recalls == 2
    assert hall.recall(t.id).status == "no_show"


def test_window_holds_one_ticket_at_a_time(hall: HallService) -> None:
    hall.take_ticket("newborn")
    hall.take_ticket("newborn")
    hall.call_next("1")
    with pytest.raises(DomainError, match="window 1 still holds A001"):
        hall.call_next("1")
    assert hall.call_next("2").number == "A002"


def test_transfer_keeps_its_place(hall: HallService, clock) -> None:
    first = hall.take_ticket("newborn")
    clock.advance(10)
    hall.take_ticket("retirement")
    clock.advance(10)
    hall.call_next("1")
    moved = hall.transfer(first.id, service_id="retirement")
    assert (moved.status, moved.service, moved.issued_at) == ("waiting", "retirement",
                                                               first.issued_at)
    assert hall.call_next("2").id == first.id  # still ahead of the later retirement ticket


def test_transfer_to_window_only_that_window_calls_it(hall: HallService) -> None:
    t = hall.take_ticket("newborn")
    hall.call_next("1")
    hall.transfer(t.id, window="3")
    with pytest.raises(DomainError):
        hall.call_next("2")
    assert hall.call_next("3").id == t.id


def test_park_and_resume(hall: HallService) -> None:
    t = hall.take_ticket("newborn")
    hall.call_next("1")
    assert hall.park(t.id).status == "parked"
    hall.take_ticket("newborn")
    hall.call_next("1")  # the window serves someone else meanwhile
    with pytest.raises(DomainError, match="still holds"):
        hall.resume(t.id)
    hall.done("A002")
    resumed = hall.resume(t.id)
    assert (resumed.status, resumed.window) == ("called", "1")


def test_cancel(hall: HallService) -> None:
    t = hall.take_ticket("newborn")
    assert hall.cancel(t.number).status == "cancelled"
    with pytest.raises(DomainError):
        hall.call_next("1")


def test_unknown_service_and_ticket(hall: HallService) -> None:
    with pytest.raises(DomainError, match="no service 'nope'"):
        hall.take_ticket("nope")
    with pytest.raises(DomainError, match="no ticket"):
        hall.done("Z999")
    assert event_count(hall) == 0


def test_call_a_given_ticket(hall: HallService) -> None:
    first = hall.take_ticket("newborn")
    second = hall.take_ticket("newborn")
    called = hall.call_ticket(second.id, "4", decided_by="hub")
    assert (called.id, called.window, called.status) == (second.id, "4", "called")
    with pytest.raises(DomainError, match="window 4 still holds"):
        hall.call_ticket(first.id, "4")
    with pytest.raises(DomainError, match="cannot call ticket A002"):
        hall.call_ticket(second.id, "5")
