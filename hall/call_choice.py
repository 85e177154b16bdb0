"""Which waiting ticket a window calls next: the candidates from the store in one query, the
rule from hall/queue.py (`choose`)."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Any

from hall import queue
from hall.config import CallPolicy
from hall.queue import Candidate
from hall.timefmt import previous_day

# The kinds of waiting ticket the rule weighs, each the oldest of its kind: (urgency, what else
# it needs, whether it is called as a priority ticket). An appointment counts as priority once its
# slot is near (`:due`), as a regular ticket before. Urgency: hall/store/projections.urgency.
_KINDS: tuple[tuple[int, str, bool], ...] = (
    (1, "", True),
    (2, " AND appointment_ms <= :due", True),
    (0, "", False),
    (2, " AND appointment_ms > :due", False),
)


@lru_cache(maxsize=32)
def _candidates_sql(services: int | None) -> str:
    """One statement, one index: each arm is a SEARCH of ix_tickets_waiting on its urgency, in
    (issued_ms, ticket_id) order; `MIN(issued_ms)` stops at the first ticket that passes the
    filters (SQLite's min() optimization), and its bare columns come from that row. The filters
    are columns of the index, so no row of the table is read."""
    where = ("status = 'waiting' AND day IN (:today, :yesterday) "
             "AND (target_window IS NULL OR target_window = :window)")
    if services is not None:
        where += f" AND service_id IN ({', '.join(f':s{i}' for i in range(services))})"
    return " UNION ALL ".join(
        f"SELECT ticket_id, MIN(issued_ms), {kind} FROM tickets "
        f"WHERE urgent = {urgency}{extra} AND {where}"
        for kind, (urgency, extra, _prio) in enumerate(_KINDS))


def window_row(conn: sqlite3.Connection, window: str) -> tuple[list[str] | None, int]:
    """The services a window serves (None: every service, or a window never configured) and
    its regular streak (regular tickets called since its last priority one)."""
    row = conn.execute("SELECT services, regular_streak FROM windows WHERE window = ?",
                       (window,)).fetchone()
    if row is None:
        return None, 0
    services = json.loads(row[0])
    return (None if services is None else [str(s) for s in services]), int(row[1])


def window_services(conn: sqlite3.Connection, window: str) -> list[str] | None:
    """The services a window serves; None: every service (or a window never configured)."""
    return window_row(conn, window)[0]


def choose_next(conn: sqlite3.Connection, policy: CallPolicy, window: str, today: str,
                now_ms: int) -> Candidate | None:
    """The next ticket for `window`: waiting tickets of today and yesterday, for the services the
    window serves, not sent to another window. Ties in issue time go to the lower ticket id."""
    services, streak = window_row(conn, window)
    params: dict[str, Any] = {
        "today": today, "yesterday": previous_day(today), "window": window,
        "due": now_ms + policy.appointment_early_minutes * 60_000}
    for i, service in enumerate(services or ()):
        params[f"s{i}"] = service
    rows = conn.execute(_candidates_sql(None if services is None else len(services)),
                        params).fetchall()
    found = [(int(issued), str(ticket_id), _KINDS[kind][2])
             for ticket_id, issued, kind in rows if ticket_id is not None]
    if not found:
        return None
    prio = min((f for f in found if f[2]), default=None)
    regular = min((f for f in found if not f[2]), default=None)
    return queue.choose(_candidate(min(found)), _candidate(prio), _candidate(regular),
                        policy=policy, now_ms=now_ms, regular_streak=streak)


def _candidate(found: tuple[int, str, bool] | None) -> Candidate | None:
    return None if found is None else Candidate(found[1], found[0], found[2])


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
