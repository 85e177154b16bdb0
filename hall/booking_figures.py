"""The day's booking figures for `stats --json` (hall/stats.py): how many were booked, checked
in (on time or late), missed, cancelled; the share of the day's tickets that were walk-ins; and
the waits of booked visitors against walk-ins (first call minus issue, as the ticket figures).
"""

from __future__ import annotations

import sqlite3
from typing import Any


def count_bookings(conn: sqlite3.Connection, day: str) -> dict[str, Any]:
    """One day's 预约 figures of the hall as this store knows them."""
    by_status = dict(conn.execute(
        "SELECT status, COUNT(*) FROM appointments WHERE day = ? GROUP BY status",
        (day,)).fetchall())
    booked = sum(int(n) for s, n in by_status.items() if s != "cancelled")
    issued, walk_ins = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(priority != 'appointment'), 0) FROM tickets "
        "WHERE day = ?", (day,)).fetchone()
    waits: dict[str, list[float]] = {"appointment": [], "walk_in": []}
    for priority, issued_ms, called_ms in conn.execute(
            "SELECT priority, issued_ms, first_called_ms FROM tickets WHERE day = ? AND "
            "first_called_ms IS NOT NULL", (day,)):
        kind = "appointment" if priority == "appointment" else "walk_in"
        waits[kind].append((called_ms - issued_ms) / 1000)
    return {
        "booked": booked,  # every booking of the day not cancelled
        "checked_in": int(by_status.get("checked_in", 0)),
        "late": int(by_status.get("late", 0)),  # came after the window: served as walk-ins
        "no_shows": int(by_status.get("no_show", 0)),
        "open": int(by_status.get("booked", 0)),  # neither checked in nor missed yet
        "cancelled": int(by_status.get("cancelled", 0)),
        "walk_in_share": round(int(walk_ins) / int(issued), 3) if issued else None,
        "wait_avg_s": {k: (round(sum(v) / len(v), 1) if v else None) for k, v in waits.items()},
    }
