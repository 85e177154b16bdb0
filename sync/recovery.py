"""Taking back a terminal's own events from its server: the way home of a store restored from a
backup older than its last sync (or copied from an older one).

The server knows the terminal's stream up to `through`; the store may lack the tail the old PC
pushed after the backup, and may meanwhile have written events of its own (a restored kiosk keeps
issuing, from a fresh series: hall/restore_guard.py) whose sequence numbers the old PC's events
already hold on the server. In one store transaction:

1. every event of this terminal after the outbox mark that the server does not hold (by event
   id; nor refused) is set aside: these were never accepted anywhere;
2. the server's events are stored and projected with their original `terminal_seq`, as pulled
   events are (`local.absorb`: conflicts listed, nothing stops the page);
3. the events set aside follow `through` in their own order, gap-free, and the outbox mark is
   `through`: they are pushed next, under numbers the server has not used.

Their content, ids and HLCs never change, only their place in the stream, and only for events
no server has seen. An audit entry is append-only (a trigger refuses any UPDATE of its row): for
this one move the events table's triggers are lifted and put back as they were, inside the same
transaction, so no commit ever sees the log without them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from hall.store.eventlog import SEQ_FLOOR
from sync import local
from sync.wire import Rejection, WireEvent


@dataclass(frozen=True)
class TakenBack:
    events: int  # the terminal's own events stored from the server
    moved: int  # local events set after the server's mark (written here, never pushed)
    top_hlc: int  # the highest HLC among the events taken back


def take_back(conn: sqlite3.Connection, terminal_id: str, theirs: list[WireEvent],
              refused: list[Rejection], through: int) -> TakenBack:
    """Merge the server's view of this terminal's stream after the outbox mark (see module)."""
    pushed = int(local.get(conn, local.PUSHED, "0"))
    if through <= pushed:  # another connection took it back meanwhile (or nothing to take)
        return TakenBack(0, 0, 0)
    held = {e.event_id for e in theirs} | {r.event_id for r in refused if r.event_id}
    mine = conn.execute("SELECT terminal_seq, event_id FROM events WHERE terminal_id = ? AND "
                        "terminal_seq > ? ORDER BY terminal_seq", (terminal_id, pushed)).fetchall()
    aside = [int(seq) for seq, event_id in mine if event_id not in held]
    triggers = _lift_triggers(conn) if aside else []
    if aside:
        conn.execute("UPDATE events SET terminal_seq = -terminal_seq WHERE terminal_id = ? AND "
                     "terminal_seq IN (SELECT value FROM json_each(?))",
                     (terminal_id, json.dumps(aside)))
    added, top = local.absorb(conn, theirs, own=True)
    if aside:
        last = conn.execute("SELECT COALESCE(MAX(terminal_seq), 0) FROM events WHERE "
                            "terminal_id = ?", (terminal_id,)).fetchone()[0]
        following = max(int(last), through) + 1
        for offset, seq in enumerate(aside):
            conn.execute("UPDATE events SET terminal_seq = ? WHERE terminal_id = ? AND "
                         "terminal_seq = ?", (following + offset, terminal_id, -seq))
        for sql in triggers:
            conn.execute(sql)
    local.put(conn, local.PUSHED, str(through))
    # The server's mark may pass every event this store holds (its tail was refused events the
    # old PC pushed): the next local event is numbered after it, never at a used number that
    # the outbox (after the mark) would skip for good.
    local.put(conn, SEQ_FLOOR, str(through))
    return TakenBack(added, len(aside), top)


def _lift_triggers(conn: sqlite3.Connection) -> list[str]:
    """Drop the events table's triggers; their exact definitions, to create them again."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                        "tbl_name = 'events' ORDER BY name").fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [str(sql) for _name, sql in rows]
