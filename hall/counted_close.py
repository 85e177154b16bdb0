"""Which close of a day counts, when the terminals of a hall each close it (日结).

Any terminal of a hall may close a day (hall/close_day.py); sync brings every `DayClosed` to every
store, the hub and the central platform. Two closes of one day happen only when neither terminal
had heard of the other's yet (a terminal that has absorbed a close says "already closed" and
writes none). Their figures are never added up (each counted the whole hall as it saw it) and
they never fight: every store keeps the same one, by a rule that depends only on the events:

    the close that counted the most tickets (it saw the most of the day),
    then the earliest (HLC), then the lower terminal id, then the lower event id.

The others stay in the log and are listed as `closes`, not counted. Tickets of the day that
reach a store after its close (a terminal that was offline all day) are not in the frozen
figures; they are reported (`late_tickets`), and the next close-day run ends those still open.

The index of closes is kept in `meta` rows, `day_closed:<day>`, written by the projection of
`DayClosed` (hall/store/projections.py): a day's close is found without reading the log, and a
rebuild replays into the same rows (an event already indexed is skipped), so no schema change.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from hall.events import Event

PREFIX = "day_closed:"
_END = PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1)  # the first key past every `day_closed:` key


def _rank(entry: dict[str, Any]) -> tuple[int, int, str, str]:
    """Lower wins: most tickets counted, then earliest, then terminal id, then event id."""
    return (-int(entry["issued"]), int(entry["hlc"]), str(entry["terminal"]),
            str(entry["event_id"]))


def record(conn: sqlite3.Connection, event: Event) -> None:
    """Index one DayClosed (its projection); the same event again changes nothing."""
    p = event.payload
    day = str(p["day"])
    issued = int(p["figures"]["total"]["issued"])
    key = PREFIX + day
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    state: dict[str, Any] = json.loads(row[0]) if row else {"winner": None, "closes": []}
    if event.event_id in state["closes"]:
        return
    state["closes"] = sorted([*state["closes"], event.event_id])
    mine = {"event_id": event.event_id, "terminal": event.terminal_id, "hlc": event.hlc,
            "issued": issued}
    if state["winner"] is None or _rank(mine) < _rank(state["winner"]):
        state["winner"] = mine
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (key, json.dumps(state, sort_keys=True)))


@dataclass(frozen=True)
class ClosedDay:
    """The close of a day that counts, as every store of the hall agrees."""

    day: str
    event_id: str
    terminal: str  # the terminal that closed it
    by: str  # who closed it there (an account, os:<user>, a system process)
    closed_at: str
    no_shows: int  # tickets that close ended as no-shows
    figures: dict[str, Any]  # the frozen figures (DayStats.to_json of the hall, at the close)
    closes: int  # DayClosed events of this day in the log (1, or more if closed concurrently)
    late_tickets: int = 0  # tickets of the day this store learned of after the close
    open_tickets: int = 0  # tickets of the day still waiting, called or parked here

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "event_id": self.event_id, "terminal": self.terminal,
                "by": self.by, "closed_at": self.closed_at, "no_shows": self.no_shows,
                "closes": self.closes, "late_tickets": self.late_tickets,
                "open_tickets": self.open_tickets}


def closed(conn: sqlite3.Connection, day: str) -> ClosedDay | None:
    """The counting close of `day`, or None when no store of the hall has closed it (yet)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PREFIX + day,)).fetchone()
    if row is None:
        return None
    state = json.loads(row[0])
    found = conn.execute("SELECT terminal_id, payload FROM events WHERE event_id = ?",
                         (state["winner"]["event_id"],)).fetchone()
    if found is None:  # the index names an event the log lacks: treat the day as open
        return None
    payload = json.loads(found[1])
    by = payload.get("by")
    known, still_open = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(status IN ('waiting', 'called', 'parked')), 0) "
        "FROM tickets WHERE day = ?", (day,)).fetchone()
    figures: dict[str, Any] = payload["figures"]
    return ClosedDay(
        day=day, event_id=state["winner"]["event_id"], terminal=str(found[0]),
        by=str(by.get("name", "")) if isinstance(by, dict) else "",
        closed_at=str(payload["at"]), no_shows=int(payload["no_shows"]), figures=figures,
        closes=len(state["closes"]),
        late_tickets=max(0, int(known) - int(figures["total"]["issued"])),
        open_tickets=int(still_open))


def closed_days(conn: sqlite3.Connection) -> set[str]:
    """Every day some store of the hall has closed (as far as this store has heard)."""
    rows = conn.execute("SELECT key FROM meta WHERE key >= ? AND key < ?",
                        (PREFIX, _END)).fetchall()
    return {str(r[0])[len(PREFIX):] for r in rows}
