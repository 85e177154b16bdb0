"""Ticket lifecycle and call policy, as pure rules over plain values.

issued → waiting → called → serving → done, with recall (then no-show), transfer (back to
waiting, keeping the issue time and so the place), park/resume and cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hall.config import CallPolicy
from hall.errors import DomainError


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    DONE = "done"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    PARK = "park"
    RESUME = "resume"
    CANCEL = "cancel"


PRIORITIES = ("regular", "elder", "disabled", "military", "pregnant", "appointment")
PRIORITY_NAMES = {
    "regular": "普通",
    "elder": "老年人",
    "disabled": "残疾人",
    "military": "军人/消防",
    "pregnant": "孕妇及携婴",
    "appointment": "预约",
}

ALLOWED: dict[Action, frozenset[Status]] = {
    Action.CALL: frozenset({Status.WAITING}),
    Action.RECALL: frozenset({Status.CALLED}),
    Action.START: frozenset({Status.CALLED}),
    Action.DONE: frozenset({Status.CALLED, Status.SERVING}),
    Action.NO_SHOW: frozenset({Status.CALLED}),
    Action.TRANSFER: frozenset({Status.WAITING, Status.CALLED, Status.SERVING, Status.PARKED}),
    Action.PARK: frozenset({Status.CALLED, Status.SERVING}),
    Action.RESUME: frozenset({Status.PARKED}),
    Action.CANCEL: frozenset({Status.WAITING, Status.CALLED, Status.PARKED}),
}

_STATUS_WORDS = {
    Status.WAITING: "is waiting",
    Status.CALLED: "has been called",
    Status.SERVING: "is being served",
    Status.PARKED: "is parked",
    Status.DONE: "is already done",
    Status.NO_SHOW: "was marked no-show",
    Status.CANCELLED: "was cancelled",
}


# What each action does to a ticket, as the end of "ticket A001 cannot be …".
_DONE_TO = {
    Action.CALL: "called",
    Action.RECALL: "called again",
    Action.START: "started",
    Action.DONE: "marked done",
    Action.NO_SHOW: "marked no-show",
    Action.TRANSFER: "transferred",
    Action.PARK: "parked",
    Action.RESUME: "resumed",
    Action.CANCEL: "cancelled",
}
_STATE_NAMES = {
    Status.WAITING: "waiting",
    Status.CALLED: "called",
    Status.SERVING: "being served",
    Status.PARKED: "parked",
    Status.DONE: "done",
    Status.NO_SHOW: "a no-show",
    Status.CANCELLED: "cancelled",
}


def check(action: Action, status: str, label: str) -> None:
    """Raise a DomainError with the reason when `action` is illegal for a ticket in `status`:
    "ticket A001 cannot be marked done: it is waiting (only a called or served ticket can)"."""
    current = Status(status)
    if current not in ALLOWED[action]:
        names = [_STATE_NAMES[s] for s in Status if s in ALLOWED[action]]
        allowed = ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]
        raise DomainError(
            f"ticket {label} cannot be {_DONE_TO[action]}: it {_STATUS_WORDS[current]} (only "
            f"a ticket that is {allowed} can be)",
            code="illegal_transition",
            params={"action": action.value, "ticket": label, "status": current.value},
        )


@dataclass(frozen=True)
class Candidate:
    ticket_id: str
    issued_ms: int
    priority: bool  # a priority group, or an appointment whose slot has come


def choose(
    oldest: Candidate | None,
    oldest_priority: Candidate | None,
    oldest_regular: Candidate | None,
    *,
    policy: CallPolicy,
    now_ms: int,
    regular_streak: int,
) -> Candidate | None:
    """The next ticket for a window, from the oldest eligible tickets of each kind.

    A ticket past the maximum wait goes first, oldest first; otherwise strict priority, or k
    regular tickets then one priority ticket.
    """
    if oldest is None:
        return None
    if policy.max_wait_minutes and now_ms - oldest.issued_ms >= policy.max_wait_minutes * 60_000:
        return oldest
    if policy.mode == "strict":
        return oldest_priority or oldest_regular
    if oldest_priority is not None and (
        oldest_regular is None or regular_streak >= policy.regular_per_priority
    ):
        return oldest_priority
    return oldest_regular or oldest_priority
