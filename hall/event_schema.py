"""One payload schema per event type, checked at every hop.

The server checks a pushed event with it, and a terminal and a hub check every pulled event with
it before they store or project it: no hop trusts the one before it (one stolen or buggy
terminal must not stop, corrupt or confuse a whole hall). A payload that fails is refused with a
reason (`problem` returns it), never half-applied.

Plain Python on purpose: this runs on the hot path of every push and every pull (pydantic costs
~60 ms to import, and hall/ stays free of the server's libraries).

Each type lists its fields: required ones (hall/events.py `REQUIRED_KEYS` names them too) and
the optional ones the hall writes. Fields a type does not list are allowed (a newer release may
add some) but checked as generic JSON: bounded size and depth, every string free of NUL, bidi
controls, non-characters and lone surrogates. Adding an event type: one entry in `SCHEMAS` (and
one in hall/event_rules.py for who may emit it); tests/hall/test_event_schema.py checks that
every type has both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from hall.events import REQUIRED_KEYS, EventType

Check = Callable[[Any], str | None]  # None: fine; else what is wrong

MAX_INT = 2**63 - 1  # what SQLite and PostgreSQL bigint hold
MAX_NUMBER = 1_000_000  # ticket numbers of a series in a day (the server's lease limit too)
MAX_TEXT = 65_536  # a sealed free text or an unlisted string
MAX_ITEMS = 1_000  # entries of a list or object in a payload
MAX_DEPTH = 16

# Characters that change how text around them is shown or stored: bidi overrides and isolates
# (a label shown reversed), NUL (PostgreSQL text holds none), the BOM and zero-width marks.
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _bad_char(text: str, *, controls: bool) -> str | None:
    """Why a string may not be shown or stored as it is; `controls`: refuse every control and
    format character (names, labels, windows), not only the dangerous ones (free text)."""
    if text.isascii():  # the common case (ids, times, sealed tokens): one scan in C
        if "\x00" in text:
            return "NUL"
        found = _ASCII_CONTROL.search(text) if controls else None
        return None if found is None else f"control character U+{ord(found.group()):04X}"
    for ch in text:
        o = ord(ch)
        if ch == "\x00":
            return "NUL"
        if ch in _BIDI:
            return f"bidi control U+{o:04X}"
        if 0xD800 <= o <= 0xDFFF:
            return f"lone surrogate U+{o:04X}"
        if 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE:
            return f"non-character U+{o:04X}"
        if controls and unicodedata.category(ch) in ("Cc", "Cf"):
            return f"control character U+{o:04X}"
    return None


def text(max_len: int = MAX_TEXT, *, min_len: int = 0, pattern: str | None = None,
         controls: bool = False) -> Check:
    rx = re.compile(pattern) if pattern else None

    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return f"a string, not {type(v).__name__}"
        if not min_len <= len(v) <= max_len:
            return f"{min_len}-{max_len} characters, not {len(v)}"
        bad = _bad_char(v, controls=controls)
        if bad:
            return f"holds a {bad}"
        if rx is not None and not rx.fullmatch(v):
            return f"not of the form {pattern}"
        return None
    return check


def name(max_len: int = 64) -> Check:
    """A short name people read (a label, a series, a masked name): no control at all."""
    return text(max_len, min_len=1, controls=True)


def integer(lo: int = 0, hi: int = MAX_INT) -> Check:
    def check(v: Any) -> str | None:
        if type(v) is not int:  # not bool, not 1.0
            return f"an integer, not {type(v).__name__}"
        if not lo <= v <= hi:
            return f"within {lo}..{hi}"
        return None
    return check


def boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"true or false, not {type(v).__name__}"


def one_of(*values: str) -> Check:
    def check(v: Any) -> str | None:
        return None if v in values and isinstance(v, str) else f"one of {', '.join(values)}"
    return check


def optional(inner: Check) -> Check:
    def check(v: Any) -> str | None:
        return None if v is None else inner(v)
    return check


def list_of(inner: Check, max_items: int = MAX_ITEMS) -> Check:
    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return f"a list, not {type(v).__name__}"
        if len(v) > max_items:
            return f"at most {max_items} entries"
        for i, item in enumerate(v):
            why = inner(item)
            if why:
                return f"[{i}]: {why}"
        return None
    return check


def obj(fields: Mapping[str, Check], required: frozenset[str] = frozenset()) -> Check:
    """An object with these fields typed (others checked as generic JSON)."""
    def check(v: Any) -> str | None:
        if not isinstance(v, dict):
            return f"an object, not {type(v).__name__}"
        return _fields(v, fields, required)
    return check


def _day(v: Any) -> str | None:
    if not isinstance(v, str) or len(v) != 10 or not v.isascii():
        return "a day YYYY-MM-DD"
    try:
        date.fromisoformat(v)
    except ValueError:
        return "a day YYYY-MM-DD"
    return None


def _moment(v: Any) -> str | None:
    """A wall time with its offset, as the hall writes them (2026-11-23T09:05:01.120+08:00)."""
    if not isinstance(v, str) or not 10 <= len(v) <= 40 or not v.isascii():
        return "an ISO time with offset"
    try:
        moment = datetime.fromisoformat(v)
    except ValueError:
        return "an ISO time with offset"
    if moment.tzinfo is None or not 1970 <= moment.year <= 9998:
        return "an ISO time with offset, 1970-9998"
    return None


def _day_or_moment(v: Any) -> str | None:
    return None if _day(v) is None or _moment(v) is None else "a day or an ISO time with offset"


def generic(v: Any, depth: int = 0) -> str | None:
    """Any JSON value within bounds, every string (and key) clean."""
    if depth > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH}"
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int):
        return None if -MAX_INT - 1 <= v <= MAX_INT else "an integer beyond 64 bits"
    if isinstance(v, float):
        return None if v == v and abs(v) != float("inf") else "not a finite number"
    if isinstance(v, str):
        return TEXT(v)
    if isinstance(v, list):
        if len(v) > MAX_ITEMS:
            return f"at most {MAX_ITEMS} entries"
        for i, item in enumerate(v):
            why = generic(item, depth + 1)
            if why:
                return f"[{i}]: {why}"
        return None
    if isinstance(v, dict):
        if len(v) > MAX_ITEMS:
            return f"at most {MAX_ITEMS} entries"
        for k, item in v.items():
            why = (KEY(k) and f"key: {KEY(k)}") or generic(item, depth + 1)
            if why:
                return f"{_shown(k)}: {why}"
        return None
    return f"not JSON ({type(v).__name__})"


def _shown(key: Any) -> str:
    return key[:40].encode("ascii", "backslashreplace").decode() if isinstance(key, str) else "?"


def _fields(v: dict[str, Any], fields: Mapping[str, Check], required: frozenset[str]) -> str | None:
    missing = sorted(required - v.keys())
    if missing:
        return f"missing {', '.join(missing)}"
    if len(v) > MAX_ITEMS:
        return f"at most {MAX_ITEMS} fields"
    for key, value in v.items():
        check = fields.get(key)
        why = check(value) if check is not None else (
            (KEY(key) and f"key: {KEY(key)}") or generic(value, 1))
        if why:
            return f"{_shown(key)}: {why}"
    return None


# -- the field types of the hall ------------------------------------------------------------------
TEXT = text()
KEY = text(128, min_len=1, controls=True)
ID = text(64, min_len=1, pattern=r"[A-Za-z0-9][A-Za-z0-9_.:~-]*")  # UUIDs, case numbers, keys
WINDOW = text(16, min_len=1, pattern=r"[A-Za-z0-9_-]+")  # hall/windows.py check_window_name
SERIES = text(40, min_len=1, pattern=r"[A-Za-z][A-Za-z0-9_~-]*")  # A, A-K3, A-K3~1
LABEL = text(48, min_len=1, pattern=r"[A-Za-z][A-Za-z0-9_~-]*")  # A001, A-K3-001, A001-2
NUMBER = integer(1, MAX_NUMBER)
DAY: Check = _day
AT: Check = _moment
NAME = name()
SEALED = text()  # a sealed token (or, from older releases, masked text): bounded and clean
BY = obj({"kind": one_of("account", "kiosk", "operator", "system", "nobody"),
          "name": text(128, controls=True), "role": name(32), "window": optional(WINDOW),
          "department": optional(text(200, controls=True))},
         frozenset({"kind", "name", "role"}))
COUNT = integer(0, 10_000_000)
_COMMON: dict[str, Check] = {"by": BY}

T = EventType
_TICKET_MOVE = {"ticket_id": ID, "at": AT}
SCHEMAS: dict[str, dict[str, Check]] = {
    T.TICKET_ISSUED: {
        "ticket_id": ID, "service_id": ID, "series": SERIES, "number": NUMBER, "label": LABEL,
        "day": DAY, "priority": name(32), "issued_at": AT, "leased": boolean,
        "appointment_at": optional(AT), "window": optional(WINDOW), "holder": optional(
            obj({"kind": name(32), "verified": boolean, "key": optional(text(128))}))},
    T.TICKET_CALLED: {"ticket_id": ID, "window": WINDOW, "called_at": AT,
                      "as_priority": boolean, "decided_by": name(16)},
    T.TICKET_RECALLED: {**_TICKET_MOVE, "window": optional(WINDOW), "count": COUNT},
    T.TICKET_NO_SHOW: {**_TICKET_MOVE, "reason": name(64)},
    T.SERVICE_STARTED: {**_TICKET_MOVE, "window": optional(WINDOW)},
    T.TICKET_DONE: {**_TICKET_MOVE, "window": optional(WINDOW)},
    T.TICKET_TRANSFERRED: {**_TICKET_MOVE, "service_id": ID, "target_window": optional(WINDOW)},
    T.TICKET_PARKED: {**_TICKET_MOVE, "window": optional(WINDOW)},
    T.TICKET_RESUMED: {**_TICKET_MOVE, "window": WINDOW},
    T.TICKET_CANCELLED: {**_TICKET_MOVE, "window": optional(WINDOW)},
    T.TICKET_CALL_WITHDRAWN: {**_TICKET_MOVE, "window": WINDOW, "reason": text(200),
                              "target_window": optional(WINDOW),
                              "regular_streak": optional(COUNT)},
    T.NUMBER_BLOCK_LEASED: {"day": DAY, "series": SERIES, "first": NUMBER, "last": NUMBER},
    T.CASE_ACCEPTED: {
        "case_id": ID, "case_number": ID, "service_id": ID, "ticket_id": optional(ID),
        "applicant": obj({}), "materials": list_of(obj({"name": text(200)})),
        "at": AT, "steps": list_of(obj({"step": integer(1, 1000)})), "promised": optional(DAY),
        "assisted": boolean, "note": SEALED},
    T.MATERIALS_DEFERRED: {"case_id": ID, "material": text(200, min_len=1), "promise": SEALED,
                           "due": optional(DAY)},
    T.MATERIALS_SUPPLIED: {"case_id": ID, "material": text(200, min_len=1), "at": AT},
    T.CASE_REFUSED: {"case_id": ID, "case_number": ID, "service_id": ID,
                     "ticket_id": optional(ID), "applicant": obj({}),
                     "reasons": list_of(SEALED, 100), "at": AT},
    T.CASE_STEP_DECIDED: {"case_id": ID, "step": integer(1, 1000), "outcome": name(32),
                          "at": AT, "note": SEALED},
    T.CASE_STEP_RECEIVED: {"case_id": ID, "step": integer(1, 1000), "at": AT},
    T.CASE_STEP_CORRECTED: {"case_id": ID, "step": integer(1, 1000), "due": optional(DAY),
                            "at": AT},
    T.CASE_STEP_REASSIGNED: {"case_id": ID, "step": integer(1, 1000),
                             "department": text(200, min_len=1, controls=True),
                             "from": optional(text(200, controls=True)), "reason": SEALED,
                             "at": AT},
    T.CASE_COMPLETED: {"case_id": ID, "at": AT},
    T.PART_ROUTED: {"case_id": ID, "case_number": ID, "to_hall": ID,
                    "steps": list_of(obj({"step": integer(1, 1000),
                                          "department": text(200, min_len=1, controls=True)})),
                    "parcel": SEALED, "at": AT},
    T.PART_ARRIVED: {"case_id": ID, "case_number": ID, "service_id": ID, "applicant": obj({}),
                     "steps": list_of(obj({"step": integer(1, 1000)})), "origin_hall": ID,
                     "origin_case": ID, "route_id": ID, "at": AT},
    T.PART_UPDATE: {"case_id": ID, "step": integer(1, 1000), "to_hall": ID,
                    "status": one_of("received", "approved", "rejected", "correction",
                                     "corrected", "arrived", "materials_sent",
                                     "materials_arrived"),
                    "due": optional(DAY), "bring": optional(list_of(text(200), 100)),
                    "via": optional(one_of("ems", "electronic")),
                    "tracking": optional(text(20, min_len=8, pattern=r"[A-Z0-9]+")),
                    "note": optional(SEALED), "at": AT},
    T.PART_HEARD: {"case_id": ID, "step": integer(1, 1000), "from_hall": ID,
                   "status": name(32), "update_id": ID, "due": optional(DAY),
                   "bring": optional(list_of(text(200), 100)),
                   "via": optional(one_of("ems", "electronic")),
                   "tracking": optional(text(20, min_len=8, pattern=r"[A-Z0-9]+")),
                   "note": optional(SEALED), "at": AT},
    T.RESULT_DELIVERED: {"case_id": ID, "at": AT, "channel": name(32)},
    T.RATING_GIVEN: {"rating_id": ID, "ticket_id": ID, "grade": integer(1, 5),
                     "text": optional(SEALED), "follow_up_due": optional(DAY), "at": AT,
                     "window": optional(WINDOW), "clerk": optional(name(64)),
                     "service_id": optional(ID), "case_id": optional(ID),
                     "stage": optional(one_of("visit", "result")), "follow_up_id": optional(ID),
                     "reasons": optional(list_of(text(32, min_len=1, controls=True), 10))},
    T.RATING_ASKED: {"ticket_id": ID, "window": WINDOW, "at": AT},
    T.FOLLOW_UP_STEP: {"rating_id": ID, "step": one_of("assign", "action", "revisit", "close",
                                                         "escalate", "redo"),
                       "at": AT, "assignee": optional(text(200, min_len=1, controls=True)),
                       "text": optional(SEALED), "revisit": optional(one_of("satisfied",
                                                                            "unsatisfied")),
                       "step_no": optional(integer(1, 1000))},
    T.WINDOW_CONFIGURED: {"window": WINDOW, "services": optional(list_of(ID, 500))},
    T.AUDIT_RECORDED: {"actor": text(128, controls=True), "role": name(32), "action": name(64),
                       "target": text(1024), "outcome": name(64), "at": AT},  # target: a file
    # name of an export, a masked id, a command
    T.PERSONAL_DATA_PURGED: {"case_ids": list_of(ID, 100_000), "cutoff": _day_or_moment,
                             "at": AT, "rating_ids": list_of(ID, 100_000)},
    T.HELP_REQUESTED: {"request_id": ID, "kind": name(32), "at": AT},
    T.HELP_ANSWERED: {"request_id": ID, "at": AT},
    T.APPOINTMENT_BOOKED: {"appointment_id": ID, "service_id": ID, "slot_at": AT,
                           "holder_key": text(128, min_len=1, controls=True),
                           "lease_id": optional(ID)},
    T.APPOINTMENT_CHECKED_IN: {"appointment_id": ID, "ticket_id": ID, "at": AT},
    T.APPOINTMENT_CANCELLED: {"appointment_id": ID, "at": AT},
    T.APPOINTMENT_RESCHEDULED: {"appointment_id": ID, "slot_at": AT, "at": AT},
    T.APPOINTMENT_MISSED: {"appointment_id": ID, "at": AT},
    T.APPOINTMENT_BOOKED_ONLINE: {"appointment_id": ID, "service_id": ID, "slot_at": AT,
                                  "holder_sealed": text(4096, min_len=1), "at": AT},
    T.APPOINTMENT_SHARES_LEASED: {"lease_id": ID, "terminal_id": text(32, min_len=1),
                                  "service_id": ID, "day": DAY, "slots": obj({}), "at": AT},
    T.APPOINTMENT_SHARES_RELEASED: {"terminal_id": text(32, min_len=1), "service_id": ID,
                                    "day": DAY, "slots": obj({}), "at": AT},
    T.DAY_CLOSED: {"day": DAY, "figures": obj({}), "no_shows": COUNT, "at": AT},
    T.ACCOUNT_CHANGED: {"user": name(64), "change": name(32), "at": AT,
                        "role": optional(name(32)), "pw_hash": optional(text(512, controls=True)),
                        "department": optional(text(200, controls=True))},
    T.HALL_SETTINGS_REQUESTED: {"changes": obj({}), "at": AT},
    T.HALL_SETTINGS_PUBLISHED: {"version": integer(1, MAX_INT), "settings": obj({}),
                                "signature": text(512, min_len=1, controls=True),
                                "signed_by": text(200, min_len=1, controls=True), "at": AT},
}


# Each type's fields with the ones every event may carry (built once: this is the hot path).
_CHECKS: dict[str, dict[str, Check]] = {t: {**_COMMON, **f} for t, f in SCHEMAS.items()}


def problem(event_type: str, payload: Any) -> str | None:
    """Why this payload is not a valid `event_type` (None: it is)."""
    fields = _CHECKS.get(event_type)
    required = REQUIRED_KEYS.get(event_type)
    if fields is None or required is None:
        return f"unknown event type {_shown(event_type)}"
    if not isinstance(payload, dict):
        return f"invalid {event_type}: the payload is not an object"
    why = _fields(payload, fields, required)
    if why is None and event_type == T.NUMBER_BLOCK_LEASED and payload["first"] > payload["last"]:
        why = "first: after last"
    return None if why is None else f"invalid {event_type}: {why}"
