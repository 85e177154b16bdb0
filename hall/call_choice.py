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


def upcoming(conn: sqlite3.Connection, policy: CallPolicy, window: str, today: str,
             now_ms: int, limit: int) -> list[str]:
    """The tickets `window` would call next, in order: `choose_next` played forward `limit`
    times over what waits now (the interleave streak moving as calls would move it). What a
    desk shows as "next"; the hub may still decide otherwise for a member desk."""
    where = ("status = 'waiting' AND day IN (?, ?) "
             "AND (target_window IS NULL OR target_window = ?)")
    params: list[Any] = [today, previous_day(today), window]
    services = window_services(conn, window)
    if services is not None:
        where += f" AND service_id IN ({', '.join('?' * len(services))})"
        params += services
    rows = conn.execute(
        f"SELECT ticket_id, issued_ms, urgent, appointment_ms FROM tickets WHERE {where} "
        "ORDER BY issued_ms, ticket_id LIMIT 2000", params).fetchall()
    due = now_ms + policy.appointment_early_minutes * 60_000
    # (ticket, issued, priority now?) in issue order
    left = [(r[0], int(r[1]), r[2] == 1 or (r[2] == 2 and r[3] is not None and r[3] <= due))
            for r in rows]
    row = conn.execute("SELECT regular_streak FROM windows WHERE window = ?",
                       (window,)).fetchone()
    streak = 0 if row is None else int(row[0])
    out: list[str] = []
    while left and len(out) < limit:
        oldest = Candidate(left[0][0], left[0][1], left[0][2])
        prio = next((Candidate(t, i, True) for t, i, p in left if p), None)
        regular = next((Candidate(t, i, False) for t, i, p in left if not p), None)
        chosen = queue.choose(oldest, prio, regular, policy=policy, now_ms=now_ms,
                              regular_streak=streak)
        if chosen is None:
            break
        out.append(chosen.ticket_id)
        streak = 0 if chosen.priority else streak + 1
        left = [t for t in left if t[0] != chosen.ticket_id]
    return out
