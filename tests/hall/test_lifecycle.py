"""Ticket lifecycle: legal moves, illegal ones refused with a reason, nothing half-written."""

from __future__ import annotations

import pytest

from hall.app import Hall
from hall.config import CallPolicy
from hall.errors import DomainError
from tests.conftest import OP


def event_count(hall: Hall) -> int:
    return int(hall.core.store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])


def test_issue_call_serve_done(hall: Hall, clock) -> None:
    t = hall.tickets.take(OP, "newborn").value
    assert (t.number, t.status, t.ahead) == ("A001", "waiting", 0)
    clock.advance(60)
    called = hall.tickets.call_next(OP, "1").value
    assert (called.id, called.status, called.window) == (t.id, "called", "1")
    assert hall.tickets.start(OP, t.id).value.status == "serving"
    assert hall.tickets.done(OP, t.id).value.status == "done"


def test_illegal_transition_is_refused_and_writes_nothing(hall: Hall) -> None:
    t = hall.tickets.take(OP, "newborn").value
    before = event_count(hall)
    with pytest.raises(DomainError, match="ticket A001 cannot be called again: it is waiting"):
        hall.tickets.recall(OP, t.id)
    with pytest.raises(DomainError, match="cannot be marked done"):
        hall.tickets.done(OP, t.id)
    assert event_count(hall) == before
    assert hall.tickets.get(t.id).status == "waiting"


def test_nothing_waiting(hall: Hall) -> None:
    with pytest.raises(DomainError) as err:
        hall.tickets.call_next(OP, "1")
    assert err.value.code == "nothing_waiting"


def test_recall_limit_then_no_show(make_hall) -> None:
    hall = make_hall(policy=CallPolicy(recall_limit=2))
    t = hall.tickets.take(OP, "newborn").value
    hall.tickets.call_next(OP, "1")
    assert hall.tickets.recall(OP, t.id).value.recalls == 1
    assert hall.tickets.recall(OP, t.id).value.recalls == 2
    assert hall.tickets.recall(OP, t.id).value.status == "no_show"


def test_window_holds_one_ticket_at_a_time(hall: Hall) -> None:
    hall.tickets.take(OP, "newborn")
    hall.tickets.take(OP, "newborn")
    hall.tickets.call_next(OP, "1")
    with pytest.raises(DomainError, match="window 1 still holds A001"):
        hall.tickets.call_next(OP, "1")
    assert hall.tickets.call_next(OP, "2").value.number == "A002"


def test_transfer_keeps_its_place(hall: Hall, clock) -> None:
    first = hall.tickets.take(OP, "newborn").value
    clock.advance(10)
    hall.tickets.take(OP, "retirement")
    clock.advance(10)
    hall.tickets.call_next(OP, "1")
    moved = hall.tickets.transfer(OP, first.id, service_id="retirement").value
    assert (moved.status, moved.service, moved.issued_at) == ("waiting", "retirement",
                                                               first.issued_at)
    assert hall.tickets.call_next(OP, "2").value.id == first.id  # still ahead of the later retirement ticket


def test_transfer_to_window_only_that_window_calls_it(hall: Hall) -> None:
    t = hall.tickets.take(OP, "newborn").value
    hall.tickets.call_next(OP, "1")
    hall.tickets.transfer(OP, t.id, window="3")
    with pytest.raises(DomainError):
        hall.tickets.call_next(OP, "2")
    assert hall.tickets.call_next(OP, "3").value.id == t.id


def test_park_and_resume(hall: Hall) -> None:
    t = hall.tickets.take(OP, "newborn").value
    hall.tickets.call_next(OP, "1")
    assert hall.tickets.park(OP, t.id).value.status == "parked"
    hall.tickets.take(OP, "newborn")
    hall.tickets.call_next(OP, "1")  # the window serves someone else meanwhile
    with pytest.raises(DomainError, match="still holds"):
        hall.tickets.resume(OP, t.id)
    hall.tickets.done(OP, "A002")
    resumed = hall.tickets.resume(OP, t.id).value
    assert (resumed.status, resumed.window) == ("called", "1")


def test_cancel(hall: Hall) -> None:
    t = hall.tickets.take(OP, "newborn").value
    assert hall.tickets.cancel(OP, t.number).value.status == "cancelled"
    with pytest.raises(DomainError):
        hall.tickets.call_next(OP, "1")


def test_unknown_service_and_ticket(hall: Hall) -> None:
    with pytest.raises(DomainError, match="no service 'nope'"):
        hall.tickets.take(OP, "nope")
    with pytest.raises(DomainError, match="no ticket"):
        hall.tickets.done(OP, "Z999")
    assert event_count(hall) == 0


def test_call_a_given_ticket(hall: Hall) -> None:
    first = hall.tickets.take(OP, "newborn").value
    second = hall.tickets.take(OP, "newborn").value
    called = hall.tickets.call_ticket(OP, second.id, "4", decided_by="hub").value
    assert (called.id, called.window, called.status) == (second.id, "4", "called")
    with pytest.raises(DomainError, match="window 4 still holds"):
        hall.tickets.call_ticket(OP, first.id, "4")
    with pytest.raises(DomainError, match="ticket A002 cannot be called"):
        hall.tickets.call_ticket(OP, second.id, "5")


def test_ahead_counts_the_window_group(hall: Hall) -> None:
    """A retirement ticket waits before a newborn one: both are series A (one line of people for
    the same windows), so the newborn ticket has one ahead; another group's ticket does not count."""
    hall.tickets.take(OP, "enterprise_info_change")  # series B
    hall.tickets.take(OP, "retirement")  # series A
    taken = hall.tickets.take(OP, "newborn").value
    assert taken.ahead == 1
    assert hall.tickets.get(taken.number).ahead == 1
    assert hall.views.place_in_line(taken.number).ahead == 1
