"""Appending to and reading the event log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from hall.events import SCHEMA_VERSION, Event
from hall.ids import new_id

_COLUMNS = "event_id, hall_id, terminal_id, terminal_seq, hlc, type, schema_version, payload"


SEQ_FLOOR = "seq_floor"  # sync_state: numbers of this stream a server used up (sync/recovery.py)


def next_seq(conn: sqlite3.Connection, terminal_id: str) -> int:
    """The next number of this terminal's stream: after its last event, and after every number
    its server has used up (refused events this store never held: they are not in its log)."""
    row = conn.execute(
        "SELECT MAX(COALESCE((SELECT MAX(terminal_seq) FROM events WHERE terminal_id = ?), 0), "
        "COALESCE((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = ?), 0))",
        (terminal_id, SEQ_FLOOR)).fetchone()
    return int(row[0] or 0) + 1


def append_local(
    conn: sqlite3.Connection,
    *,
    hall_id: str,
    terminal_id: str,
    hlc: int,
    event_type: str,
    payload: dict[str, Any],
) -> Event:
    """Append a new event of this terminal; `terminal_seq` is gap-free because it is taken
    inside the same write transaction that inserts the row."""
    event = Event(
        event_id=new_id(),
        hall_id=hall_id,
        terminal_id=terminal_id,
        terminal_seq=next_seq(conn, terminal_id),
        hlc=hlc,
        type=event_type,
        payload=payload,
        schema_version=SCHEMA_VERSION,
    )
    insert(conn, event)
    return event


def insert(conn: sqlite3.Connection, event: Event) -> bool:
    """Insert an event; False when its id is already in the log (a replayed delivery)."""
    cur = conn.execute(
        f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(event_id) DO NOTHING",
        (
            event.event_id,
            event.hall_id,
            event.terminal_id,
            event.terminal_seq,
            event.hlc,
            event.type,
            event.schema_version,
            json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")),
        ),
    )
    return cur.rowcount == 1


def _row_to_event(row: tuple[Any, ...]) -> Event:
    return Event(
        event_id=row[0],
        hall_id=row[1],
        terminal_id=row[2],
        terminal_seq=int(row[3]),
        hlc=int(row[4]),
        type=row[5],
        schema_version=int(row[6]),
        payload=json.loads(row[7]),
    )


def by_id(conn: sqlite3.Connection, event_id: str) -> Event | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM events WHERE event_id = ?",
                       (event_id,)).fetchone()
    return None if row is None else _row_to_event(row)


def iter_events(conn: sqlite3.Connection, after_pos: int = 0, batch: int = 2000) -> Iterator[Event]:
    """Every event in local arrival order (the replay order)."""
    pos = after_pos
    while True:
        rows = conn.execute(
            f"SELECT pos, {_COLUMNS} FROM events WHERE pos > ? ORDER BY pos LIMIT ?", (pos, batch)
        ).fetchall()
        if not rows:
            return
        for row in rows:
            yield _row_to_event(row[1:])
        pos = rows[-1][0]


def max_hlc(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(hlc) FROM events").fetchone()
    return int(row[0] or 0)
