"""Ticket rows as the core returns them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from hall.errors import DomainError
from hall.numbering import MARK, parse_label, plain_label
from hall.timefmt import iso_of_ms, previous_day

URGENCIES = "(0, 1, 2)"  # every value of tickets.urgent (hall/store/projections.urgency)

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
    decided_by: str | None = None  # a call: "hub", "peers" (sync/peercall.py) or "local"
    printed: str | None = None  # the number on the paper, when the label differs (C001·T2)
    shared_with: tuple[str, ...] = ()  # labels of the other tickets issued with this number

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
        if self.printed is not None:
            out["printed"] = self.printed
        if self.shared_with:
            out["shared_with"] = list(self.shared_with)
        return out


def view(row: tuple[Any, ...], zone: ZoneInfo, ahead: int | None = None) -> TicketView:
    printed = plain_label(row[9], row[10])
    return TicketView(
        id=row[0], number=row[1], service=row[2], priority=row[3], status=row[4],
        issued_at=iso_of_ms(row[5], zone), window=row[6], day=row[7], recalls=row[8],
        series=row[9], issued_ms=row[5], target_window=row[11], terminal=row[12], ahead=ahead,
        printed=None if printed == row[1] else printed,
    )


def find(conn: sqlite3.Connection, ref: str, zone: ZoneInfo) -> TicketView:
    """A ticket by id, or by its label on the day it was last issued: `A003`, `A-K3-001`, and
    for a number two terminals issued, `C001` (the first) and `C001·T2` (also typed `C001.T2`).
    Found by a label, the view names the other tickets that share its printed number, so the
    holder of either paper is found."""
    row = conn.execute(f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = ?", (ref,)).fetchone()
    if row is not None:
        return view(row, zone)
    label = ref.strip().replace(".", MARK)
    head, mark, tail = label.partition(MARK)
    parsed = parse_label(head)
    label = head.upper() + mark + tail if parsed and "-" not in head else label
    row = None
    if parsed is not None:  # the days a ticket is looked up on, through ix_tickets_number
        latest = conn.execute("SELECT MAX(day) FROM tickets").fetchone()[0]
        if latest:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM tickets WHERE day IN (?, ?) AND series = ? AND "
                "number = ? AND label = ? ORDER BY day DESC, issued_ms DESC LIMIT 1",
                (latest, previous_day(latest), *parsed, label)).fetchone()
    if row is None:  # an older day's ticket: the whole table
        row = conn.execute(
            f"SELECT {COLUMNS} FROM tickets WHERE label = ? ORDER BY day DESC, issued_ms DESC "
            "LIMIT 1", (label,)).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT {COLUMNS} FROM tickets WHERE label = ? COLLATE NOCASE "
            "ORDER BY day DESC, issued_ms DESC LIMIT 1", (label,)).fetchone()
    if row is None:
        raise DomainError(f"no ticket {ref!r}", code="unknown_ticket", params={"ticket": ref})
    ticket = view(row, zone)
    others = conn.execute(  # sorted here: a handful of rows, no sort in the plan
        "SELECT label FROM tickets WHERE day = ? AND series = ? AND number = ? AND hall_id = "
        "(SELECT hall_id FROM tickets WHERE ticket_id = ?) AND ticket_id != ?",
        (ticket.day, row[9], row[10], ticket.id, ticket.id)).fetchall()
    return replace(ticket, shared_with=tuple(sorted(r[0] for r in others))) if others else ticket


def ahead_of(conn: sqlite3.Connection, ticket: TicketView,
             group: Sequence[str] | None = None) -> int:
    """Waiting tickets of the same window group (`group`: its services; by default the
    ticket's service alone) issued before this one: the people who wait for the same windows.
    Every urgency is named so the count searches ix_tickets_waiting (urgent, issued_ms, …)
    instead of scanning it."""
    services = tuple(group) if group else (ticket.service,)
    marks = ", ".join("?" for _ in services)
    row = conn.execute(
        f"SELECT COUNT(*) FROM tickets WHERE status = 'waiting' AND urgent IN {URGENCIES} "
        f"AND (issued_ms, ticket_id) < (?, ?) AND service_id IN ({marks}) AND day >= ?",
        (ticket.issued_ms, ticket.id, *services, ticket.day),
    ).fetchone()
    return int(row[0])
