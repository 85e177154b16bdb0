"""This terminal's sync, as its own store records it: typed, read by the hall (sync/ writes the
rows; the faces and the CLI read them here through a session, never through sync.runner).

The rows live in the hall's store (`sync_state`, `sync_rejected`, `sync_conflicts`, written by
sync/runner.py and sync/local.py); whether the terminal is enrolled is its credential file.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hall import restore_guard

if TYPE_CHECKING:
    from hall.core import Core

CREDENTIAL_FILE = "sync.json"  # the terminal's credential for its server (sync/credential.py)
LAST_SUCCESS = "last_success_ms"
LAST_ERROR = "last_error"
ONLINE = "online"
PUSHED = "pushed_through"
CURSOR = "pull_cursor"


def enrolled(data_dir: Path) -> bool:
    """A member of a hub (or the central platform): its credential is there."""
    return (data_dir / CREDENTIAL_FILE).exists()


@dataclass(frozen=True)
class SyncError:
    at_ms: int
    message: str


@dataclass(frozen=True)
class Rejected:
    """One of this terminal's events its server refused."""

    event_id: str
    terminal_seq: int
    type: str
    reason: str
    rejected_ms: int


@dataclass(frozen=True)
class SyncConflict:
    """A clash sync found: a call two windows made offline (`call`), a number two terminals
    issued (`number`), an event that could not be projected (`integrity`)."""

    kind: str
    event_id: str
    ticket_id: str | None
    detail: str
    detected_ms: int


@dataclass(frozen=True)
class SyncStatus:
    terminal: str
    hall: str
    enrolled: bool
    online: bool  # the last request succeeded
    pending: int  # events not yet pushed
    last_success_ms: int | None
    last_error: SyncError | None
    cursor: str | None
    rejected: tuple[Rejected, ...]
    conflicts: tuple[SyncConflict, ...]
    recovering: bool  # restored from a backup, its own events not yet back (restore_guard)

    @property
    def failing(self) -> bool:
        """Offline because a request failed (not merely not tried yet)."""
        return self.enrolled and not self.online and self.last_error is not None

    def to_json(self) -> dict[str, Any]:
        """The `sync status --json` shape (unchanged since sync.runner.status returned it)."""
        out = asdict(self)
        del out["enrolled"]
        out["rejected"] = list(out["rejected"])
        out["conflicts"] = list(out["conflicts"])
        return out


def pending(conn: sqlite3.Connection, terminal_id: str) -> int:
    row = conn.execute("SELECT COALESCE(MAX(terminal_seq), 0) FROM events WHERE terminal_id = ?",
                       (terminal_id,)).fetchone()
    return max(0, int(row[0]) - int(_get(conn, PUSHED) or "0"))


def read(core: Core) -> SyncStatus:
    conn = core.conn
    error = _get(conn, LAST_ERROR)
    raw_error = json.loads(error) if error else None
    success = _get(conn, LAST_SUCCESS)
    guard = restore_guard.load(conn)
    rejected = tuple(Rejected(str(r[0]), int(r[1]), str(r[2]), str(r[3]), int(r[4]))
                     for r in conn.execute(
                         "SELECT event_id, terminal_seq, type, reason, rejected_ms "
                         "FROM sync_rejected ORDER BY terminal_seq"))
    conflicts = tuple(SyncConflict(str(r[0]), str(r[1]), None if r[2] is None else str(r[2]),
                                   str(r[3]), int(r[4]))
                      for r in conn.execute(
                          "SELECT kind, event_id, ticket_id, detail, detected_ms "
                          "FROM sync_conflicts ORDER BY id"))
    return SyncStatus(
        terminal=core.config.terminal_id, hall=core.config.hall_id,
        enrolled=enrolled(core.data_dir), online=_get(conn, ONLINE) == "1",
        pending=pending(conn, core.config.terminal_id),
        last_success_ms=int(success) if success else None,
        last_error=(SyncError(int(raw_error.get("at_ms", 0)), str(raw_error.get("message", "")))
                    if isinstance(raw_error, dict) else None),
        cursor=_get(conn, CURSOR) or None, rejected=rejected, conflicts=conflicts,
        recovering=guard is not None and guard.recovering)


def _get(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return "" if row is None else str(row[0])
