"""Ticket rows as the core returns them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from hall.errors import DomainError
from hall.timefmt import iso_of_ms

COLUMNS = (
    "ticket_id, label, service_id, priority, status, issued_ms, window, day, recalls, "
    "series, number, target_window, issuing_terminal"
)


@dataclass(frozen=True)
class TicketView:
    id: str
    number: str
    service: str
    priority: str
    status: str
    issued_at: str
    window: str | None
    day: str
    recalls: int
    series: str
    issued_ms: int
    target_window: str | None
    terminal: str
    ahead: int | None = None
    decided_by: str | None = None  # a call: "hub" or "local"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "service": self.service,
            "priority": self.priority,
            "issued_at": self.issued_at,
            "status": self.status,
            "window": self.window,
            "day": self.day,
            "recalls": self.recalls,
        }
        if self.ahead is not None:
            out["ahead"] = self.ahead
        if self.target_window is not None:
            out["target_window"] = self.target_window
        return out


def view(row: tuple[Any, ...], zone: ZoneInfo, ahead: int | None = None) -> TicketView:
    return TicketView(
        id=row[0], number=row[1], service=row[2], priority=row[3], status=row[4],
        issued_at=iso_of_ms(row[5], zone), window=row[6], day=row[7], recalls=row[8],
        series=row[9], issued_ms=row[5], target_window=row[11], terminal=row[12], ahead=ahead,
    )


def find(conn: sqlite3.Connection, ref: str, zone: ZoneInfo) -> TicketView:
    """A ticket by id, or by its number (A003): the most recent ticket with that number."""
    row = conn.execute(f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = ?", (ref,)).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT {COLUMNS} FROM tickets WHERE label = ? ORDER BY issued_ms DESC LIMIT 1",
            (ref.strip().upper(),),
        ).fetchone()
    if row is None:
        raise DomainError(f"no ticket {ref!r}", code="unknown_ticket", params={"ticket": ref})
    return view(row, zone)


def ahead_of(conn: sqlite3.Connection, ticket: TicketView) -> int:
    """Waiting tickets of the same service issued before this one."""
    row = conn.execute(
        "SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND service_id = ? "
        "AND issued_ms < ? AND day >= ?",
        (ticket.service, ticket.issued_ms, ticket.day),
    ).fetchone()
    return int(row[0])
