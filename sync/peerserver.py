"""The small peer endpoint every terminal's sync service runs: its event log for the hall's other
terminals to pull (the hub's pull protocol: cursor, limit, long-poll wait; the cursor is this
store's log position), and the calling rule's claims (sync/peercall.py). Requests are signed with
the hall's peer key (sync/peerauth.py); nothing else is served.

stdlib's ThreadingHTTPServer: a handful of peers, each holding one long-poll, plus claims; a
bound on the requests served at once keeps a flood from taking the terminal's threads."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hall.app import Hall
from sync import local, peerauth, peerstate

PULL = "/v1/peer/pull"
CLAIM = "/v1/peer/claim"
MAX_AT_ONCE = 32  # requests served at once (a hall's peers each hold one long-poll)
MAX_WAIT_S = 5.0
MAX_LIMIT = 2000
MAX_CLAIM_BODY = 4096
POLL_S = 0.05  # how often a long-poll looks at the log (an indexed MAX(pos))


class PeerServer:
    def __init__(self, opener: Callable[[], Hall], host: str, port: int) -> None:
        self.hall = opener()
        self.me = self.hall.config.terminal_id
        self.lock = threading.Lock()  # one store connection, one user at a time
        self.slots = threading.BoundedSemaphore(MAX_AT_ONCE)
        self.stopping = threading.Event()
        self.pulled_by: dict[str, int] = {}  # terminal -> last pull (ms): who hears this one
        try:
            self.httpd = _Server((host, port), _handler(self))
        except OSError:
            if port == 0:
                raise
            self.httpd = _Server((host, 0), _handler(self))  # last port taken: any other
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="peer-server",
                                       kwargs={"poll_interval": 0.2}, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)
        with self.lock:
            self.hall.close()

    # -- what it serves -------------------------------------------------------------------------
    def key(self) -> bytes | None:
        with self.lock:
            return peerstate.peer_key(self.hall.core.store.conn)

    def pull(self, who: str, cursor: int, limit: int, wait: float) -> dict[str, Any]:
        self.pulled_by[who] = local.now_ms()
        deadline = time.monotonic() + min(max(wait, 0.0), MAX_WAIT_S)
        while True:
            with self.lock:
                conn = self.hall.core.store.conn
                top = int(conn.execute("SELECT COALESCE(MAX(pos), 0) FROM events").fetchone()[0])
                if cursor > top:
                    cursor = 0  # this store was replaced (a restore): again from the start
                rows = conn.execute(
                    "SELECT event_id, hall_id, terminal_id, terminal_seq, hlc, type, "
                    "schema_version, payload, pos FROM events WHERE pos > ? AND hall_id = ? "
                    "ORDER BY pos LIMIT ?",
                    (cursor, self.hall.config.hall_id, limit + 1)).fetchall()
            if rows or time.monotonic() >= deadline or self.stopping.is_set():
                break
            time.sleep(POLL_S)
        more = len(rows) > limit
        rows = rows[:limit]
        events = [{"event_id": r[0], "hall_id": r[1], "terminal_id": r[2], "terminal_seq": r[3],
                   "hlc": r[4], "type": r[5], "schema_version": r[6],
                   "payload": json.loads(r[7])} for r in rows]
        through = int(rows[-1][8]) if rows else cursor
        return {"events": events, "cursor": str(through), "more": more}

    def claim(self, claimant: str, ticket: str, window: str) -> dict[str, Any]:
        """Grant `claimant` the call of `ticket`, or refuse with why (sync/peercall.py)."""
        now = local.now_ms()
        with self.lock, self.hall.core.store.write() as conn:
            granted, reason = decide(conn, self.me, claimant, ticket, window, now)
        return {"granted": granted, "reason": reason, "terminal": self.me}


def decide(conn: Any, me: str, claimant: str, ticket: str, window: str,
           now: int) -> tuple[bool, str | None]:
    """The calling rule at the receiving end, in one store transaction."""
    row = conn.execute("SELECT label, status, window FROM tickets WHERE ticket_id = ?",
                       (ticket,)).fetchone()
    if row is not None and row[1] != "waiting":
        return False, f"{row[0]} is {row[1]} (window {row[2] or '-'}) on terminal {me}"
    own = peerstate.own_claim(conn, ticket, now)
    if own is not None:
        if claimant < me:  # both claim it at once: the lower terminal id calls it
            peerstate.drop_claim(conn, ticket)
        else:
            return False, f"terminal {me} is calling it at window {own['window']}"
    held = peerstate.grant(conn, ticket, now)
    if held is not None and held["terminal"] != claimant:
        return False, f"granted to terminal {held['terminal']} (window {held['window']})"
    peerstate.put_grant(conn, ticket, claimant, window, now)
    return True, None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a peer gone mid-answer (cut, timed out): it asks again; nothing to report


def _handler(peer: PeerServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no access log: terminal ids and timings only, and nobody reads it

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _who(self, body: bytes) -> str | None:
            key = peer.key()
            who = None if key is None else peerauth.verify(
                key, self.headers.get(peerauth.HEADER), self.command, self.path, body)
            if who is None:
                self._send(401, {"detail": "not a peer of this hall"})
            return who

        def _served(self, fn: Callable[[], None]) -> None:
            if not peer.slots.acquire(blocking=False):
                self._send(503, {"detail": "busy"})
                return
            try:
                fn()
            except Exception as exc:  # a store error: the peer retries; never the whole server
                self._send(503, {"detail": f"{type(exc).__name__}"})
            finally:
                peer.slots.release()

        def do_GET(self) -> None:
            self._served(self._get)

        def do_POST(self) -> None:
            self._served(self._post)

        def _get(self) -> None:
            url = urlsplit(self.path)
            if url.path != PULL:
                self._send(404, {"detail": "no such peer endpoint"})
                return
            who = self._who(b"")
            if who is None:
                return
            q = parse_qs(url.query)
            try:
                cursor = int((q.get("cursor") or ["0"])[0] or "0")
                limit = min(max(int((q.get("limit") or ["500"])[0]), 1), MAX_LIMIT)
                wait = float((q.get("wait") or ["0"])[0])
            except ValueError:
                self._send(422, {"detail": "cursor, limit and wait are numbers"})
                return
            self._send(200, peer.pull(who, max(cursor, 0), limit, wait))

        def _post(self) -> None:
            if urlsplit(self.path).path != CLAIM:
                self._send(404, {"detail": "no such peer endpoint"})
                return
            length = int(self.headers.get("Content-Length") or "0")
            if length > MAX_CLAIM_BODY or length < 0:
                self._send(413, {"detail": "claim body too large"})
                return
            body = self.rfile.read(length)
            who = self._who(body)
            if who is None:
                return
            try:
                data = json.loads(body)
                ticket, window = str(data["ticket_id"])[:64], str(data["window"])[:64]
            except (ValueError, KeyError, TypeError):
                self._send(422, {"detail": "a claim is {ticket_id, window}"})
                return
            self._send(200, peer.claim(who, ticket, window))

    return Handler
