"""Who may emit each event type: the one table, checked at every hop.

Two questions per event:
- **the terminal's role** (how its credential was enrolled: `serve enroll-code … --role
  desk|kiosk|display`): the server knows it from the credential and refuses a type the role may
  not emit. A kiosk stands in a public hall 24 hours a day: it issues tickets, asks for help,
  takes ratings and appointment check-ins (a citizen's own actions) and records its audit and
  its number blocks; it moves no ticket and touches no case. A display emits nothing but its
  audit. A desk emits every type.
- **the actor named in the payload** (`by`, hall/actors.py): every hop, the server and each
  terminal or hub applying a pulled event, checks that this actor's role may emit the type: a
  kiosk's citizen never calls or cancels, and purging personal data or closing a day needs an
  admin (or the local operator holding the keys of a desk). The server also checks that the
  actor a kiosk or display claims is one such a terminal has (no "admin" from a kiosk).

Adding an event type: one line in `RULES` (and its schema in hall/event_schema.py);
tests/hall/test_event_rules.py checks that both tables name every type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hall import event_schema, pad_window
from hall.events import Event, EventType

# rater: a window's rating pad; viewer: reads the figures of its halls (sync/server/figures.py)
# and emits nothing
TERMINAL_ROLES = ("desk", "kiosk", "display", "rater", "viewer")
DEFAULT_ROLE = "desk"

_STAFF = frozenset({"clerk", "supervisor", "admin", "operator", "system"})
_ANYONE = frozenset({"clerk", "supervisor", "admin", "operator", "system", "kiosk", "department",
                     "technician", "none"})
_ADMIN = frozenset({"admin", "operator"})
_DEPARTMENT = frozenset({"department"})  # a department's account (hall/parts.py)
# The actors a kiosk or a display may name: its citizen, its technician, the local operator of
# that PC, its own processes (sync leasing numbers).
_ON_A_KIOSK = frozenset({"kiosk", "technician", "operator", "system", "none", "rater"})
# 差评整改: the supervisor or admin, a department it was handed to, the hall's own escalation.
_FOLLOW_UP = frozenset({"supervisor", "admin", "operator", "system", "department"})


@dataclass(frozen=True)
class Rule:
    terminals: frozenset[str]  # credential roles that may push it
    actors: frozenset[str]  # roles of the `by` actor that may emit it
    needs_actor: bool = False  # an event without `by` (from an old release) is refused


_DESK = frozenset({"desk"})
_KIOSK = frozenset({"desk", "kiosk"})
_ALL = frozenset(TERMINAL_ROLES) - {"viewer"}
T = EventType
RULES: dict[str, Rule] = {
    T.TICKET_ISSUED: Rule(_KIOSK, _ANYONE),
    T.TICKET_CALLED: Rule(_DESK, _STAFF),
    T.TICKET_RECALLED: Rule(_DESK, _STAFF),
    T.TICKET_NO_SHOW: Rule(_DESK, _STAFF),
    T.SERVICE_STARTED: Rule(_DESK, _STAFF),
    T.TICKET_DONE: Rule(_DESK, _STAFF),
    T.TICKET_TRANSFERRED: Rule(_DESK, _STAFF),
    T.TICKET_PARKED: Rule(_DESK, _STAFF),
    T.TICKET_RESUMED: Rule(_DESK, _STAFF),
    T.TICKET_CANCELLED: Rule(_DESK, _STAFF),
    T.TICKET_CALL_WITHDRAWN: Rule(_DESK, _STAFF),
    T.NUMBER_BLOCK_LEASED: Rule(_KIOSK, _ANYONE),
    T.CASE_ACCEPTED: Rule(_DESK, _STAFF),
    T.MATERIALS_DEFERRED: Rule(_DESK, _STAFF),
    T.MATERIALS_SUPPLIED: Rule(_DESK, _STAFF),
    T.CASE_REFUSED: Rule(_DESK, _STAFF),
    # The back office: a department's account decides its parts; a supervisor hands one on.
    T.CASE_STEP_RECEIVED: Rule(_DESK, _STAFF | _DEPARTMENT),
    T.CASE_STEP_DECIDED: Rule(_DESK, _STAFF | _DEPARTMENT),
    T.CASE_STEP_CORRECTED: Rule(_DESK, _STAFF | _DEPARTMENT),
    T.CASE_STEP_REASSIGNED: Rule(_DESK, _STAFF),
    T.CASE_COMPLETED: Rule(_DESK, _STAFF),
    T.PART_ROUTED: Rule(_DESK, _STAFF),
    T.PART_ARRIVED: Rule(_DESK, frozenset({"system"})),  # the destination's hub or station
    T.PART_UPDATE: Rule(_DESK, _STAFF | _DEPARTMENT),
    T.PART_HEARD: Rule(_DESK, frozenset({"system"})),
    T.RESULT_DELIVERED: Rule(_DESK, _STAFF),
    T.RATING_GIVEN: Rule(_KIOSK | {"rater"}, _ANYONE | {"rater"}),
    T.RATING_ASKED: Rule(_DESK, _STAFF),
    T.FOLLOW_UP_STEP: Rule(_DESK, _FOLLOW_UP, needs_actor=True),
    T.WINDOW_CONFIGURED: Rule(_DESK, _STAFF),
    T.AUDIT_RECORDED: Rule(_ALL, _ANYONE),
    T.PERSONAL_DATA_PURGED: Rule(_DESK, _ADMIN, needs_actor=True),
    T.HELP_REQUESTED: Rule(_KIOSK, _ANYONE),
    T.HELP_ANSWERED: Rule(_DESK, _STAFF),
    T.APPOINTMENT_BOOKED: Rule(_KIOSK, _STAFF | {"kiosk"}),  # a citizen books with their card
    T.APPOINTMENT_CHECKED_IN: Rule(_KIOSK, _ANYONE),
    T.APPOINTMENT_CANCELLED: Rule(_DESK, _STAFF),
    T.APPOINTMENT_RESCHEDULED: Rule(_DESK, _STAFF),
    T.APPOINTMENT_MISSED: Rule(_KIOSK, _ANYONE),  # found at a check-in, on a kiosk too
    T.APPOINTMENT_BOOKED_ONLINE: Rule(frozenset(), frozenset({"system"})),  # the platform's own
    T.APPOINTMENT_SHARES_LEASED: Rule(frozenset(), frozenset({"system"})),  # the hub's own
    T.APPOINTMENT_SHARES_RELEASED: Rule(_KIOSK, frozenset({"system"})),  # a terminal's sync
    T.DAY_CLOSED: Rule(_DESK, _ADMIN | {"system"}, needs_actor=True),
    # A clerk changes only their own password; the rest of an account's life is an admin's (or
    # the hub's, for the hall's first admin: `scope` below).
    T.ACCOUNT_CHANGED: Rule(_DESK, _STAFF, needs_actor=True),
    T.HALL_SETTINGS_REQUESTED: Rule(_DESK, frozenset({"supervisor", "admin", "operator"}),
                                    needs_actor=True),
    T.HALL_SETTINGS_PUBLISHED: Rule(_DESK, frozenset({"supervisor", "admin", "operator",
                                                      "system"}), needs_actor=True),
}


def actor_role(payload: Any) -> str | None:
    by = payload.get("by") if isinstance(payload, dict) else None
    role = by.get("role") if isinstance(by, dict) else None
    return role if isinstance(role, str) else None


def refusal(event: Event, terminal_role: str | None = None) -> str | None:
    """Why this event may not be stored or applied (None: it may). `terminal_role`: the role
    of the credential that pushed it, where the hop knows it (the server); a terminal or hub
    applying a pulled event checks the schema and the actor."""
    why = event_schema.problem(event.type, event.payload)
    if why is not None:
        return why
    rule = RULES.get(event.type)
    if rule is None:
        return f"no rule for event type {event.type}"
    if terminal_role is not None and terminal_role not in rule.terminals:
        return (f"forbidden: a {terminal_role} terminal may not emit {event.type} "
                f"(only {', '.join(sorted(rule.terminals))})")
    role = actor_role(event.payload)
    if role is None:
        return f"forbidden: {event.type} names no actor (by)" if rule.needs_actor else None
    if role not in rule.actors:
        return (f"forbidden: {event.type} may not be emitted by a {role} "
                f"(only {', '.join(sorted(rule.actors))})")
    if terminal_role in ("kiosk", "display", "rater") and role not in _ON_A_KIOSK:
        return f"forbidden: a {terminal_role} terminal acting as a {role}"
    pad = pad_window.refusal(event.type, event.payload)  # a pad rates its own window's visits
    if pad is not None:
        return pad
    if event.type == T.ACCOUNT_CHANGED and role not in _ADMIN | {"system"}:
        by = event.payload.get("by") or {}
        if event.payload.get("change") != "password" or by.get("name") != event.payload.get(
                "user"):
            return f"forbidden: a {role} changes only their own password"
    return None
