"""The terminal side of sync in the store: the outbox mark, the pull cursor, rejected events and
conflicts, and absorbing pulled events (each with its projection, in the cursor's transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from hall import event_rules, pad_window, sync_status
from hall.clock import now_ms as now_ms  # the one wall clock in ms (sync.runner reads it here)
from hall.events import Event, EventType
from hall.store.engine import IntegrityError, InterfaceError
from hall.store.eventlog import insert
from hall.store.projections import apply
from sync.wire import Rejection, WireEvent

# What one pulled event may raise while it is projected without stopping the page: a constraint
# of the store (whichever driver: sqlite3's and sqlcipher3's errors are unrelated classes, so
# catch the store's mapping), a value the driver cannot bind, or a payload the projection cannot
# read. Every pulled event passed hall/event_schema.py first; this is the second net. A full disk
# or a locked store (OperationalError) is not one of these: the page is retried whole.
UNPROJECTABLE: tuple[type[Exception], ...] = (
    *IntegrityError, *InterfaceError, KeyError, TypeError, ValueError, OverflowError,
    AttributeError, IndexError)

# the rows' names and the pending count: the hall reads them too (hall/sync_status.py)
CURSOR = sync_status.CURSOR
PUSHED = sync_status.PUSHED
pending = sync_status.pending
LAST_PULL = "last_pull_ms"  # when a pull last succeeded (hall/security/access.py: accounts' age)


def get(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return default if row is None else str(row[0])


def put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) "
                 "DO UPDATE SET value = excluded.value", (key, value))


def record_rejections(conn: sqlite3.Connection, rejected: Iterable[Rejection]) -> None:
    for r in rejected:
        conn.execute("INSERT INTO sync_rejected (event_id, terminal_seq, type, reason, rejected_ms)"
                     " VALUES (?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING",
                     (r.event_id or f"seq-{r.terminal_seq}", r.terminal_seq, r.type, r.reason,
                      now_ms()))


def rejected_list(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT event_id, terminal_seq, type, reason, rejected_ms "
                        "FROM sync_rejected ORDER BY terminal_seq").fetchall()
    return [{"event_id": r[0], "terminal_seq": r[1], "type": r[2], "reason": r[3],
             "rejected_ms": r[4]} for r in rows]


def conflict_list(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT kind, event_id, ticket_id, detail, detected_ms "
                        "FROM sync_conflicts ORDER BY id").fetchall()
    return [{"kind": r[0], "event_id": r[1], "ticket_id": r[2], "detail": r[3],
             "detected_ms": r[4]} for r in rows]


def _conflict(conn: sqlite3.Connection, kind: str, ev: Event, ticket: Any, detail: str) -> None:
    conn.execute("INSERT INTO sync_conflicts (kind, event_id, ticket_id, detail, detected_ms) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT(event_id, kind) DO NOTHING",
                 (kind, ev.event_id, ticket, detail, now_ms()))


def _call_conflict(conn: sqlite3.Connection, ev: Event) -> str | None:
    """A call of a ticket another window already holds or finished: never merged silently."""
    p = ev.payload
    row = conn.execute("SELECT label, status, window, outcome_window FROM tickets "
                       "WHERE ticket_id = ?", (p.get("ticket_id"),)).fetchone()
    if row is None or row[1] in ("waiting", "parked", "cancelled"):
        return None
    held = row[2] or row[3]
    if held is None or held == p.get("window"):
        return None
    return (f"ticket {row[0]} called at window {p.get('window')} by terminal {ev.terminal_id}, "
            f"but it is {row[1]} at window {held}")


def absorb(conn: sqlite3.Connection, events: list[WireEvent], *,
           own: bool = False) -> tuple[int, int]:
    """Store and project pulled events; returns (new events, highest hlc seen). `own`: this
    terminal's own events taken back from its server (sync/recovery.py), whose number blocks
    are its own (hall/restore_guard.py retires them for the day)."""
    added = 0
    top = 0
    for w in events:
        ev = Event(w.event_id, w.hall_id, w.terminal_id, w.terminal_seq, w.hlc, w.type,
                   w.payload, w.schema_version)
        # a pad's rating of a ticket this store saw served at another window: refused as well
        why = event_rules.refusal(ev) or pad_window.served_refusal(conn, ev.type, ev.payload)
        if why is not None:  # never stored nor applied here: set aside, listed, sync goes on
            _conflict(conn, "invalid", ev, _ticket_of(ev), why)
            continue
        top = max(top, ev.hlc)
        if not insert(conn, ev):
            continue  # already here: a replayed page
        added += 1
        if ev.type == EventType.NUMBER_BLOCK_LEASED and not own:
            continue  # another terminal's block: projecting it here would issue its numbers
        if ev.type == EventType.TICKET_CALLED:
            clash = _call_conflict(conn, ev)
            if clash is not None:
                _conflict(conn, "call", ev, _ticket_of(ev), clash)
        conn.execute("SAVEPOINT absorb")
        try:
            apply(conn, ev)
        except UNPROJECTABLE as exc:
            conn.execute("ROLLBACK TO absorb")
            _conflict(conn, "integrity", ev, _ticket_of(ev),
                      f"{ev.type} of terminal {ev.terminal_id} not applied: "
                      f"{type(exc).__name__}: {exc}")
        else:
            if ev.type == EventType.TICKET_ISSUED:
                _shared_number(conn, ev)
        conn.execute("RELEASE absorb")
    return added, top


def _ticket_of(ev: Event) -> str | None:
    ticket = ev.payload.get("ticket_id") if isinstance(ev.payload, dict) else None
    return ticket if isinstance(ticket, str) and len(ticket) <= 64 else None


def _shared_number(conn: sqlite3.Connection, ev: Event) -> None:
    """A pulled ticket whose number another ticket holds: both were kept and labelled apart by
    the projection; the clash is listed for the clerks."""
    p = ev.payload
    rows = conn.execute(
        "SELECT label, issuing_terminal FROM tickets WHERE hall_id = ? AND day = ? AND series = ? "
        "AND number = ? ORDER BY issued_ms, issuing_terminal, ticket_id",
        (ev.hall_id, p["day"], p["series"], p["number"])).fetchall()
    if len(rows) < 2:
        return
    shown = ", ".join(f"{label} (terminal {terminal})" for label, terminal in rows)
    _conflict(conn, "number", ev, p["ticket_id"],
              f"number {p['label']} of {p['day']} was issued {len(rows)} times: {shown}; "
              "every copy is kept and callable")
