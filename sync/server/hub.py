"""Call-next on the hub: one decision at a time, from the hub's own projection of the hall.

The hub keeps a hall store per hall (the same projections a terminal has), catches it up from the
server log before each decision, and marks the chosen ticket called there, so a second window
asking at the same moment gets the next ticket, never the same one.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import Engine, select

from hall.actors import Actor
from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.errors import DomainError
from hall.events import Event, EventType
from hall.store import Store
from hall.store.eventlog import insert
from hall.store.projections import apply
from sync.server.tables import events
from sync.wire import CallResponse

HUB_TERMINAL = "hub"
HUB = Actor.system("hub")  # the hub deciding a call in its own projection of the hall
_APPLIED = "hub_applied_pos"


class CallDesk:
    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._halls: dict[str, Hall] = {}

    def close(self) -> None:
        with self._lock:
            for hall in self._halls.values():
                hall.close()
            self._halls.clear()

    def _hall(self, hall_id: str) -> Hall:
        hall = self._halls.get(hall_id)
        if hall is None:
            store = Store.open(self.data_dir / "hub-halls" / hall_id)
            config = TerminalConfig(hall_id=hall_id, terminal_id=HUB_TERMINAL)
            hall = Hall(Core(store, config, load_catalog()))
            self._halls[hall_id] = hall
        return hall

    def _catch_up(self, hall: Hall) -> None:
        conn = hall.core.conn
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (_APPLIED,)).fetchone()
        after = int(row[0]) if row else 0
        while True:
            with self.engine.connect() as sconn:
                rows = sconn.execute(
                    select(events.c.pos, events.c.event_id, events.c.terminal_id,
                           events.c.terminal_seq, events.c.hlc, events.c.type,
                           events.c.schema_version, events.c.payload)
                    .where(events.c.hall_id == hall.config.hall_id, events.c.pos > after)
                    .order_by(events.c.pos).limit(2000)).all()
            if not rows:
                return
            with hall.core.write(source="sync") as wconn:
                for r in rows:
                    ev = Event(r.event_id, hall.config.hall_id, r.terminal_id, r.terminal_seq,
                               r.hlc, r.type, json.loads(r.payload), r.schema_version)
                    if insert(wconn, ev) and not _already_called(wconn, ev):
                        _apply_quietly(wconn, ev)
                after = rows[-1].pos
                wconn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) "
                              "DO UPDATE SET value = excluded.value", (_APPLIED, str(after)))

    def call_next(self, hall_id: str, window: str) -> CallResponse:
        with self._lock:
            hall = self._hall(hall_id)
            self._catch_up(hall)
            try:
                ticket = hall.tickets.call_next(HUB, window).value
            except DomainError as exc:
                return CallResponse(ticket_id=None, label=None, reason=exc.message)
            return CallResponse(ticket_id=ticket.id, label=ticket.number)


def _already_called(conn: sqlite3.Connection, ev: Event) -> bool:
    """The desk's own TicketCalled for a call the hub decided: projected once already."""
    if ev.type != EventType.TICKET_CALLED:
        return False
    row = conn.execute("SELECT status, window FROM tickets WHERE ticket_id = ?",
                       (ev.payload.get("ticket_id"),)).fetchone()
    return row is not None and row[0] in ("called", "serving") and row[1] == ev.payload.get(
        "window")


def _apply_quietly(conn: sqlite3.Connection, ev: Event) -> None:
    conn.execute("SAVEPOINT hub_apply")
    try:
        apply(conn, ev)
    except (sqlite3.IntegrityError, KeyError, TypeError, ValueError):
        conn.execute("ROLLBACK TO hub_apply")  # a colliding number: the terminals report it
    conn.execute("RELEASE hub_apply")
