"""Which waiting ticket a window calls next: the candidates from the store, the rule from
hall/queue.py (`choose`)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from hall import queue
from hall.config import CallPolicy
from hall.queue import Candidate
from hall.timefmt import previous_day


def window_services(conn: sqlite3.Connection, window: str) -> list[str] | None:
    """The services a window serves; None: every service (or a window never configured)."""
    row = conn.execute("SELECT services FROM windows WHERE window = ?", (window,)).fetchone()
    if row is None:
        return None
    services = json.loads(row[0])
    return None if services is None else [str(s) for s in services]


def choose_next(conn: sqlite3.Connection, policy: CallPolicy, window: str, today: str,
                now_ms: int) -> Candidate | None:
    """The next ticket for `window`: waiting tickets of today and yesterday, for the services the
    window serves, not sent to another window."""
    where = ("status = 'waiting' AND day IN (?, ?) "
             "AND (target_window IS NULL OR target_window = ?)")
    params: list[Any] = [today, previous_day(today), window]
    services = window_services(conn, window)
    if services is not None:
        where += f" AND service_id IN ({', '.join('?' * len(services))})"
        params += services
    due = now_ms + policy.appointment_early_minutes * 60_000

    def first(extra: str, *more: Any, priority: bool) -> Candidate | None:
        row = conn.execute(
            f"SELECT ticket_id, issued_ms FROM tickets WHERE {where}{extra} "
            "ORDER BY issued_ms LIMIT 1",  # index order: a tie-break column would sort them all
            (*params, *more),
        ).fetchone()
        return None if row is None else Candidate(row[0], int(row[1]), priority)

    oldest = first("", priority=False)
    if oldest is None:
        return None
    prio = _earliest(first(" AND urgent = 1", priority=True),
                     first(" AND urgent = 2 AND appointment_ms <= ?", due, priority=True))
    regular = _earliest(first(" AND urgent = 0", priority=False),
                        first(" AND urgent = 2 AND appointment_ms > ?", due, priority=False))
    if prio is not None and prio.ticket_id == oldest.ticket_id:
        oldest = prio
    row = conn.execute("SELECT regular_streak FROM windows WHERE window = ?",
                       (window,)).fetchone()
    return queue.choose(oldest, prio, regular, policy=policy, now_ms=now_ms,
                        regular_streak=0 if row is None else int(row[0]))


def _earliest(a: Candidate | None, b: Candidate | None) -> Candidate | None:
    if a is None or b is None:
        return a or b
    return a if (a.issued_ms, a.ticket_id) <= (b.issued_ms, b.ticket_id) else b
