"""What a terminal keeps about its hall's peers, in its own store (`sync_state`, sealed with the
store): the list the hub handed out (kept for when the hub is gone), each peer's last contact,
the hall's peer key, a pull cursor per peer, and the call claims and grants of the calling rule
(sync/peercall.py). Everything here is read and written by whichever process of the terminal
needs it (the sync service, a desk face, a CLI call), so it lives in the store, not in memory."""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sync import local

PEERS = "peers"  # {terminal_id: {"url", "seen_ms" (by the hub)}}
PEER_KEY = "peer_key"  # base64
PEER_PORT = "peer_port"  # the port this terminal's peer endpoint listened on last
CONTACT = "peer_contact:"  # + terminal: {"ok_ms", "error", "error_ms"}
CURSOR = "peer_cursor:"  # + terminal: that peer's log position pulled through
CLAIM = "peer_claim:"  # + ticket: {"window", "expires_ms"}: this terminal is claiming it
GRANT = "peer_grant:"  # + ticket: {"terminal", "window", "expires_ms"}: granted to a peer
HUB_SEEN = "hub_seen_ms"  # the last time the hub answered the peer service
HUB_UP = "hub_reachable"  # "1"/"0": what the peer service found last
CLAIM_TTL_MS = 10_000  # a claim or grant never confirmed by a call frees its ticket after this
MAX_PEERS = 64  # a hall's terminals; more in a list is not ours


@dataclass(frozen=True)
class PeerInfo:
    terminal_id: str
    url: str
    kind: str = "terminal"  # "display": a call screen


def _json(conn: sqlite3.Connection, key: str) -> Any:
    raw = local.get(conn, key)
    return json.loads(raw) if raw else None


def save_list(conn: sqlite3.Connection, peers: list[PeerInfo], key: bytes | None) -> None:
    local.put(conn, PEERS, json.dumps({p.terminal_id: {"url": p.url, "kind": p.kind}
                                       for p in peers}))
    if key is not None:
        local.put(conn, PEER_KEY, base64.b64encode(key).decode())


def peers(conn: sqlite3.Connection) -> list[PeerInfo]:
    listed = _json(conn, PEERS) or {}
    return [PeerInfo(t, str(v["url"]), str(v.get("kind", "terminal")))
            for t, v in sorted(listed.items())][:MAX_PEERS]


def peer_key(conn: sqlite3.Connection) -> bytes | None:
    raw = local.get(conn, PEER_KEY)
    return base64.b64decode(raw) if raw else None


def contact(conn: sqlite3.Connection, terminal: str, error: str | None) -> None:
    now = local.now_ms()
    was = _json(conn, CONTACT + terminal) or {}
    if error is None:
        was.update(ok_ms=now, error=None)
    else:
        was.update(error=error[:200], error_ms=now)
    local.put(conn, CONTACT + terminal, json.dumps(was, ensure_ascii=False))


def contact_due(conn: sqlite3.Connection, terminal: str, now: int, every_ms: int) -> bool:
    """Is a successful contact worth writing down: none for `every_ms`, or a failure since?"""
    c = _json(conn, CONTACT + terminal) or {}
    ok, failed = int(c.get("ok_ms") or 0), int(c.get("error_ms") or 0)
    return now - ok > every_ms or failed >= ok


def hub_seen(conn: sqlite3.Connection, reachable: bool) -> None:
    local.put(conn, HUB_UP, "1" if reachable else "0")
    if reachable:
        local.put(conn, HUB_SEEN, str(local.now_ms()))


def hub_reachable(conn: sqlite3.Connection) -> bool | None:
    """None: the peer service never asked (no peer service ran yet)."""
    raw = local.get(conn, HUB_UP)
    return None if not raw else raw == "1"


def status(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each peer of the list with its last contact (`sync status --json`'s `peers`)."""
    out = []
    for p in peers(conn):
        c = _json(conn, CONTACT + p.terminal_id) or {}
        out.append({"terminal": p.terminal_id, "kind": p.kind, "url": p.url,
                    "last_contact_ms": c.get("ok_ms"),
                    "last_error": c.get("error"), "last_error_ms": c.get("error_ms")})
    return out


FRESH_MS = 8000  # a peer heard from within this long is heard (an idle one: every 5 s)


def heard(conn: sqlite3.Connection, terminal: str, now: int) -> bool:
    """Heard from lately, and no failure since."""
    c = _json(conn, CONTACT + terminal) or {}
    ok, failed = int(c.get("ok_ms") or 0), int(c.get("error_ms") or 0)
    return now - ok <= FRESH_MS and ok >= failed


def hearing(conn: sqlite3.Connection, hub_online: bool) -> dict[str, Any]:
    """What this terminal can be sure of (the faces' banners, `sync status`):
    `whole_queue`: it sees the whole hall's queue (the hub answers, or every listed peer does);
    `unheard`: the peers it cannot hear now (the hub away); `screens`: call screens heard now
    (None: the hub answers, it relays to them); `hears_anyone`: the hub or at least one peer."""
    hub = hub_online and hub_reachable(conn) is not False
    listed = peers(conn)
    now = local.now_ms()
    if hub:
        return {"hub": True, "whole_queue": True, "unheard": [], "screens": None,
                "hears_anyone": True}
    unheard = [p.terminal_id for p in listed if not heard(conn, p.terminal_id, now)]
    screens = [p.terminal_id for p in listed
               if p.kind == "display" and p.terminal_id not in unheard]
    return {"hub": False, "whole_queue": bool(listed) and not unheard, "unheard": unheard,
            "screens": screens, "hears_anyone": len(unheard) < len(listed)}


def cursor(conn: sqlite3.Connection, terminal: str) -> int:
    return int(local.get(conn, CURSOR + terminal, "0"))


def set_cursor(conn: sqlite3.Connection, terminal: str, pos: int) -> None:
    local.put(conn, CURSOR + terminal, str(pos))


# -- claims and grants (the calling rule's marks) ---------------------------------------------
def _live(conn: sqlite3.Connection, key: str, now: int) -> dict[str, Any] | None:
    mark = _json(conn, key)
    return mark if mark is not None and int(mark["expires_ms"]) > now else None


def own_claim(conn: sqlite3.Connection, ticket: str, now: int) -> dict[str, Any] | None:
    return _live(conn, CLAIM + ticket, now)


def grant(conn: sqlite3.Connection, ticket: str, now: int) -> dict[str, Any] | None:
    return _live(conn, GRANT + ticket, now)


def put_claim(conn: sqlite3.Connection, ticket: str, window: str, now: int) -> None:
    local.put(conn, CLAIM + ticket, json.dumps({"window": window,
                                                "expires_ms": now + CLAIM_TTL_MS}))


def drop_claim(conn: sqlite3.Connection, ticket: str) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = ?", (CLAIM + ticket,))


def put_grant(conn: sqlite3.Connection, ticket: str, terminal: str, window: str,
              now: int) -> None:
    local.put(conn, GRANT + ticket, json.dumps({"terminal": terminal, "window": window,
                                                "expires_ms": now + CLAIM_TTL_MS}))


def granted_away(conn: sqlite3.Connection, me: str, now: int) -> set[str]:
    """Tickets this terminal granted to another peer (not to be called here meanwhile)."""
    rows = conn.execute("SELECT key, value FROM sync_state WHERE key >= ? AND key < ?",
                        (GRANT, GRANT[:-1] + chr(ord(GRANT[-1]) + 1))).fetchall()
    out = set()
    for key, value in rows:
        mark = json.loads(value)
        if int(mark["expires_ms"]) > now and mark["terminal"] != me:
            out.add(str(key)[len(GRANT):])
    return out


def sweep(conn: sqlite3.Connection, now: int) -> None:
    """Drop lapsed claims and grants (the peer service does, now and then)."""
    for prefix in (CLAIM, GRANT):
        rows = conn.execute("SELECT key, value FROM sync_state WHERE key >= ? AND key < ?",
                            (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))).fetchall()
        for key, value in rows:
            if int(json.loads(value)["expires_ms"]) <= now:
                conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
