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
