"""A rating pad rates the visits of its own window only: the rule every hop checks.

A pad (`rater`, hall/actors.py) is bound to one window: by its session locally (hall/ratings.py
refuses another window's visit), by its enrolment at the hub (`serve enroll-code --role rater
--window N`: sync/server/log.py), and here for every hop applying a rating it pulled, so that a
stolen pad credential or a forged event cannot grade another window's clerk.

Three questions, from the cheapest:
- the event alone: a pad's rating names its pad's window (`by.window`) and a visit of that
  window (`window`), the same one (`refusal`, called by hall/event_rules.py at every hop);
- the credential: the hub compares `by.window` with the window its enrolment bound it to
  (`credential_refusal`);
- the ticket: where the hop holds the ticket, the window that served it is the rating's
  (`served_refusal`, from the hop's tickets table: a terminal absorbing, the hub's projection).
The refusal reasons start with the code `other_window`, as window_not_configured does.
"""

from __future__ import annotations

import sqlite3
from typing import Any

CODE = "other_window"
RATING_GIVEN = "RatingGiven"


def _pad_window(payload: Any) -> tuple[bool, str | None]:
    """(the rating is a pad's, the window its pad claims)."""
    by = payload.get("by") if isinstance(payload, dict) else None
    if not isinstance(by, dict) or by.get("role") != "rater":
        return False, None
    window = by.get("window")
    return True, window if isinstance(window, str) else None


def refusal(event_type: str, payload: Any) -> str | None:
    """The event alone: a pad's rating of a visit at another window than the pad's."""
    if event_type != RATING_GIVEN:
        return None
    pad, window = _pad_window(payload)
    if not pad:
        return None
    if window is None:
        return f"{CODE}: a rating pad's rating names no window of its pad (by.window)"
    rated = payload.get("window")
    if rated != window:
        return (f"{CODE}: the rating pad of window {window} rated a visit of window "
                f"{str(rated)[:16]}")
    return None


def credential_refusal(event_type: str, payload: Any, role: str,
                       bound: str | None) -> str | None:
    """At the hub: a rater credential's ratings are those of its enrolled window."""
    if event_type != RATING_GIVEN or role != "rater":
        return None
    _, window = _pad_window(payload)
    if bound is None:
        return (f"{CODE}: this rating pad was enrolled for no window: enroll it again with "
                "serve enroll-code --role rater --window N")
    if window != bound or payload.get("window") != bound:
        return (f"{CODE}: a rating pad enrolled for window {bound} rated a visit of window "
                f"{str(payload.get('window'))[:16]} (as window {str(window)[:16]})")
    return None


def served_window(conn: sqlite3.Connection, ticket_id: Any) -> tuple[bool, str | None]:
    """(the ticket is known here, the window that served it: its outcome's, else its call's)."""
    if not isinstance(ticket_id, str):
        return False, None
    row = conn.execute("SELECT COALESCE(outcome_window, window) FROM tickets WHERE ticket_id = ?",
                       (ticket_id,)).fetchone()
    return (False, None) if row is None else (True, row[0])


def served_refusal(conn: sqlite3.Connection, event_type: str, payload: Any) -> str | None:
    """Where this store holds the rated ticket: a pad's rating of a visit another window served.
    A ticket not heard of yet (its desk's events still on the way) is left to the event's own
    check: the pad could only have rated it from what its hub or peers sent it."""
    if event_type != RATING_GIVEN:
        return None
    pad, window = _pad_window(payload)
    if not pad:
        return None
    known, served = served_window(conn, payload.get("ticket_id"))
    if known and served != window:
        return (f"{CODE}: the rating pad of window {str(window)[:16]} rated a ticket served at "
                f"window {served}")
    return None
