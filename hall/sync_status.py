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
from hall.clock import now_ms

if TYPE_CHECKING:
    from hall.core import Core

CREDENTIAL_FILE = "sync.json"  # the terminal's credential for its server (sync/credential.py)
LAST_SUCCESS = "last_success_ms"
LAST_ERROR = "last_error"
ONLINE = "online"
PUSHED = "pushed_through"
CURSOR = "pull_cursor"
# the hall's peers as the peer service keeps them (sync/peerstate.py writes them)
PEERS = "peers"  # {terminal_id: {"url", "kind"}}: the list the hub handed out, kept
CONTACT = "peer_contact:"  # + terminal: {"ok_ms", "error", "error_ms"}
HUB_UP = "hub_reachable"  # "1"/"0": what the peer service found last
FRESH_MS = 8000  # a peer heard from within this long is heard (an idle one: every 5 s)
MAX_PEERS = 64  # a hall's terminals; more in a list is not ours


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
class PeerContact:
    """A peer of the hub's list, with the last time this terminal heard it."""

    terminal: str
    kind: str  # "terminal", or "display": a call screen
    url: str
    last_contact_ms: int | None
    last_error: str | None
    last_error_ms: int | None


@dataclass(frozen=True)
class Hearing:
    """What this terminal can be sure of without the hub (the faces' banners, `sync status`):
    `whole_queue`: it sees the whole hall's queue (the hub answers, or every listed peer does);
    `unheard`: the peers it cannot hear now; `screens`: call screens heard now (None: the hub
    answers and relays to them); `hears_anyone`: the hub or at least one peer."""

    hub: bool
    whole_queue: bool
    unheard: tuple[str, ...]
    screens: tuple[str, ...] | None
    hears_anyone: bool


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
    hub_reachable: bool = False  # the hub answered last (sync and the peer service agree)
    peers: tuple[PeerContact, ...] = ()
    hearing: Hearing = Hearing(True, True, (), None, True)

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
        out["peers"] = list(out["peers"])
        out["hearing"]["unheard"] = list(out["hearing"]["unheard"])
        if out["hearing"]["screens"] is not None:
            out["hearing"]["screens"] = list(out["hearing"]["screens"])
        return out


def pending(conn: sqlite3.Connection, terminal_id: str) -> int:
    row = conn.execute("SELECT COALESCE(MAX(terminal_seq), 0) FROM events WHERE terminal_id = ?",
                       (terminal_id,)).fetchone()
    return max(0, int(row[0]) - int(_get(conn, PUSHED) or "0"))


def _json(conn: sqlite3.Connection, key: str) -> Any:
    raw = _get(conn, key)
    return json.loads(raw) if raw else None


def peer_list(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(terminal, url, kind) of each peer the hub listed last, by terminal id."""
    listed = _json(conn, PEERS) or {}
    return [(str(t), str(v["url"]), str(v.get("kind", "terminal")))
            for t, v in sorted(listed.items())][:MAX_PEERS]


def hub_reachable(conn: sqlite3.Connection) -> bool | None:
    """None: the peer service never asked (no peer service ran yet)."""
    raw = _get(conn, HUB_UP)
    return None if not raw else raw == "1"


def heard(conn: sqlite3.Connection, terminal: str, now: int) -> bool:
    """Heard from lately, and no failure since."""
    c = _json(conn, CONTACT + terminal) or {}
    ok, failed = int(c.get("ok_ms") or 0), int(c.get("error_ms") or 0)
    return now - ok <= FRESH_MS and ok >= failed


def peer_contacts(conn: sqlite3.Connection) -> tuple[PeerContact, ...]:
    out = []
    for terminal, url, kind in peer_list(conn):
        c = _json(conn, CONTACT + terminal) or {}
        out.append(PeerContact(terminal, kind, url, c.get("ok_ms"), c.get("error"),
                               c.get("error_ms")))
    return tuple(out)


def hearing(conn: sqlite3.Connection, hub_online: bool) -> Hearing:
    hub = hub_online and hub_reachable(conn) is not False
    if hub:
        return Hearing(True, True, (), None, True)
    listed = peer_list(conn)
    now = now_ms()
    unheard = tuple(t for t, _, _ in listed if not heard(conn, t, now))
    screens = tuple(t for t, _, kind in listed if kind == "display" and t not in unheard)
    return Hearing(False, bool(listed) and not unheard, unheard, screens,
                   len(unheard) < len(listed))


def read(core: Core) -> SyncStatus:
    conn = core.conn
    error = _get(conn, LAST_ERROR)
    raw_error = json.loads(error) if error else None
    success = _get(conn, LAST_SUCCESS)
    guard = restore_guard.load(conn)
    online = _get(conn, ONLINE) == "1"
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
        enrolled=enrolled(core.data_dir), online=online,
        pending=pending(conn, core.config.terminal_id),
        last_success_ms=int(success) if success else None,
        last_error=(SyncError(int(raw_error.get("at_ms", 0)), str(raw_error.get("message", "")))
                    if isinstance(raw_error, dict) else None),
        cursor=_get(conn, CURSOR) or None, rejected=rejected, conflicts=conflicts,
        recovering=guard is not None and guard.recovering,
        hub_reachable=online and hub_reachable(conn) is not False,
        peers=peer_contacts(conn), hearing=hearing(conn, online))


def _get(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return "" if row is None else str(row[0])
