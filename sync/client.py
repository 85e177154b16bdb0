"""The sync client: push the outbox, pull what others wrote, top up number leases, call-next.

One request in flight per client. Every step that moves a mark (the outbox's pushed-through seq,
the pull cursor) writes it in the same store transaction as the data it accounts for, so a kill
at any moment loses nothing and doubles nothing.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx

from hall.errors import DomainError, HallError
from hall.events import EventType
from hall.numbering import lease_remaining
from hall.service import HallService
from hall.tickets import TicketView, find
from sync import local
from sync.backoff import parse_retry_after
from sync.errors import AuthError, NetworkError, StaleCursor
from sync.wire import API, CallResponse, LeaseResponse, PullResponse, PushResponse

BATCH = 500


class SyncClient:
    def __init__(self, hall: HallService, server: str, token: str, *,
                 transport: httpx.BaseTransport | None = None, timeout: float = 15.0,
                 batch: int = BATCH, lease_size: int = 50, low_water: int = 10,
                 lease_series: tuple[str, ...] | None = None) -> None:
        self.hall = hall
        self.batch = batch
        self.lease_size = lease_size
        self.low_water = low_water
        self.lease_series = lease_series
        self.http = httpx.Client(base_url=server.rstrip("/"), transport=transport,
                                 headers={"Authorization": f"Bearer {token}"},
                                 timeout=httpx.Timeout(timeout, connect=5.0))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ------------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, body: Any = None,
                 params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        headers: dict[str, str] = {}
        content: bytes | None = None
        if body is not None:
            content = gzip.compress(json.dumps(body, ensure_ascii=False,
                                               separators=(",", ":")).encode(), compresslevel=5)
            headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            resp = self.http.request(method, f"{API}{path}", content=content, params=params,
                                     headers=headers, **extra)
            payload = resp.json() if resp.content else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise NetworkError(f"{self.http.base_url}: {type(exc).__name__}: {exc}") from exc
        if resp.status_code < 300:
            return payload
        detail = payload.get("detail") if isinstance(payload, dict) else payload
        if resp.status_code in (401, 403):
            raise AuthError(f"server refuses this terminal ({resp.status_code}): {detail}",
                            code="unauthorized" if resp.status_code == 401 else "forbidden")
        if resp.status_code == 410:
            raise StaleCursor(str(detail))
        if resp.status_code in (408, 425, 429) or resp.status_code >= 500:
            raise NetworkError(f"server busy ({resp.status_code}): {detail}",
                               retry_after=parse_retry_after(resp.headers.get("retry-after")))
        raise HallError(f"server refused the request ({resp.status_code}): {detail}",
                        code="protocol")

    # -- push -----------------------------------------------------------------------------------
    def push(self) -> tuple[int, int]:
        """Send the outbox in order; returns (events accepted, events rejected)."""
        store = self.hall.store
        me = self.hall.config.terminal_id
        pushed = rejected = 0
        stalls = 0
        while stalls < 3:
            after = int(local.get(store.conn, local.PUSHED, "0"))
            batch = _outbox(store.conn, me, after, self.batch)
            if not batch:
                break
            reply = PushResponse.model_validate(self._request("POST", "/sync/push",
                                                              body={"events": batch}))
            with store.write() as conn:
                local.put(conn, local.PUSHED, str(reply.accepted_through_seq))
                local.record_rejections(conn, reply.rejected)
            moved = reply.accepted_through_seq - after
            stalls = stalls + 1 if moved <= 0 else 0
            pushed += max(moved, 0) - len(reply.rejected)
            rejected += len(reply.rejected)
        return pushed, rejected

    # -- pull -----------------------------------------------------------------------------------
    def pull(self, wait: float = 0.0, max_pages: int = 1000) -> int:
        """Bring what others wrote; the cursor moves in the transaction that stores the page."""
        store = self.hall.store
        pulled = 0
        for page in range(max_pages):
            cursor = local.get(store.conn, local.CURSOR)
            try:
                data = self._request("GET", "/sync/pull", params={
                    "cursor": cursor, "limit": self.batch, "wait": wait if page == 0 else 0},
                    timeout=wait + 15.0)
            except StaleCursor:
                self.push()  # our own events first, then everything again (idempotent inserts)
                with store.write() as conn:
                    local.put(conn, local.CURSOR, "")
                continue
            reply = PullResponse.model_validate(data)
            with store.write() as conn:
                added, top = local.absorb(conn, reply.events)
                local.put(conn, local.CURSOR, reply.cursor)
            if top:
                self.hall.hlc.observe(top)
            pulled += added
            if not reply.more:
                break
        return pulled

    # -- numbers --------------------------------------------------------------------------------
    def top_up_leases(self) -> int:
        """Ask the hub for a block of each series running low; each grant becomes a local
        NumberBlockLeased event, so the lease is in the log and replays."""
        if self.hall.config.numbering != "member":
            return 0
        day = self.hall.today()
        granted = 0
        for letter in self._series(day):
            if lease_remaining(self.hall.store.conn, day, letter) > self.low_water:
                continue
            data = self._request("POST", "/leases", body={"day": day, "series": letter,
                                                          "size": self.lease_size})
            block = LeaseResponse.model_validate(data)
            with self.hall.write() as conn:
                self.hall.emit(conn, EventType.NUMBER_BLOCK_LEASED, {
                    "day": block.day, "series": block.series, "first": block.first,
                    "last": block.last})
            granted += 1
        return granted

    def _series(self, day: str) -> list[str]:
        if self.lease_series is not None:
            return list(self.lease_series)
        rows = self.hall.store.conn.execute(
            "SELECT DISTINCT series FROM tickets WHERE issuing_terminal = ? AND day >= date(?, "
            "'-7 days')", (self.hall.config.terminal_id, day)).fetchall()
        return sorted({str(r[0]).split("-")[0] for r in rows})

    # -- calling --------------------------------------------------------------------------------
    def call_next(self, window: str) -> TicketView:
        """The hub decides; the desk then records the call as its own event."""
        self.push()
        self.pull()
        reply = CallResponse.model_validate(self._request("POST", "/calls/next",
                                                          body={"window": window}))
        if reply.ticket_id is None:
            raise DomainError(reply.reason or f"nothing waiting for window {window}",
                              code="nothing_waiting")
        for _ in range(3):
            row = self.hall.store.conn.execute("SELECT urgent FROM tickets WHERE ticket_id = ?",
                                               (reply.ticket_id,)).fetchone()
            if row is not None:
                break
            self.pull(wait=0.5)
        else:
            raise NetworkError(f"the hub called {reply.label}, which has not reached this desk")
        with self.hall.write() as conn:
            self.hall.emit(conn, EventType.TICKET_CALLED, {
                "ticket_id": reply.ticket_id, "window": window, "called_at": self.hall.now_iso(),
                "as_priority": row[0] == 1, "decided_by": "hub"})
            ticket = find(conn, reply.ticket_id, self.hall.zone)
        try:
            self.push()
        except NetworkError:
            pass  # the call stands; the outbox carries it later
        return ticket

    # -- a whole round --------------------------------------------------------------------------
    def once(self, wait: float = 0.0) -> dict[str, int]:
        pushed, rejected = self.push()
        self.top_up_leases()
        pushed_more, rejected_more = self.push()  # the lease events just written
        pulled = self.pull(wait)
        return {"pushed": pushed + pushed_more, "pulled": pulled,
                "pending": local.pending(self.hall.store.conn, self.hall.config.terminal_id),
                "rejected": rejected + rejected_more}


def _outbox(conn: Any, terminal_id: str, after: int, limit: int) -> list[dict[str, Any]]:
    """Raw rows as the wire carries them (no re-parsing of payloads on the hot path)."""
    rows = conn.execute(
        "SELECT event_id, hall_id, terminal_id, terminal_seq, hlc, type, schema_version, payload "
        "FROM events WHERE terminal_id = ? AND terminal_seq > ? ORDER BY terminal_seq LIMIT ?",
        (terminal_id, after, limit)).fetchall()
    return [{"event_id": r[0], "hall_id": r[1], "terminal_id": r[2], "terminal_seq": r[3],
             "hlc": r[4], "type": r[5], "schema_version": r[6], "payload": json.loads(r[7])}
            for r in rows]
