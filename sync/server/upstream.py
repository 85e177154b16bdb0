"""A hub is a client of its upstream (the central platform) with the terminals' protocol.

It forwards every event of its hall that it holds (each terminal's stream in terminal_seq order;
the upstream knows the hub's credential as the hall's hub, so it accepts the streams of every
terminal of that hall and of no other), and brings back what others wrote (marked UPSTREAM, so
it is served to the hall's terminals and never forwarded back). Two threads, each with its own
HTTP client and its own backoff (full jitter, capped at 300 s, Retry-After honoured): a slow or
absent upstream never holds up the hall's LAN requests, which only share the push lock for the
moment pulled events are written.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from hall.errors import HallError
from sync.backoff import Backoff
from sync.credential import SyncCredential
from sync.errors import AuthError, NetworkError, StaleCursor
from sync.server import log
from sync.server.db import now_ms
from sync.server.tables import UPSTREAM, dead_letters, events
from sync.transport import Http
from sync.wire import MAX_BATCH, PullResponse, PushResponse

PUSHED = "upstream_pushed_pos"
CURSOR = "upstream_cursor"
CAP = 300.0  # seconds: the longest quiet spell towards the central platform
logger = logging.getLogger("tingduan.server.upstream")


class Upstream:
    def __init__(self, engine: Engine, cred: SyncCredential, *, wait: float = 10.0,
                 cap: float = CAP, batch: int = 500, timeout: float = 15.0,
                 idle: float = 5.0) -> None:
        self.engine = engine
        self.cred = cred
        self.hall_id = cred.hall_id
        self.wait = wait
        self.poll_pause = 0.0
        self.cap = cap
        self.batch = batch
        self.timeout = timeout
        self.idle = idle
        self.push_lock = threading.Lock()  # replaced by the server's own on start()
        self._notify: Callable[[], None] = lambda: None
        # what the hub does with pulled events beyond storing them (the platform's bookings
        # adopted, sync/server/bookings.py): set by the server, run after each page stored
        self.after_pull: Callable[[], object] | None = None
        # the hall's public key (base64) the hub registers with its upstream, so the platform
        # seals online bookings' applicants for the hall (sync/server/platform_bookings.py):
        # on the link's first round and whenever the key changes; set by the server
        self.hall_key: Callable[[], str] | None = None
        self.registered_key: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._forward_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.totals = {"pushed": 0, "pulled": 0, "rejected": 0}
        self.last_success_ms: int | None = None
        self.last_error: dict[str, Any] | None = None
        self.online = False
        self.stalled: str | None = None  # why forwarding makes no progress, while it makes none

    # -- life -----------------------------------------------------------------------------------
    def start(self, push_lock: threading.Lock, notify: Callable[[], None]) -> None:
        self.push_lock = push_lock
        self._notify = notify
        for name, step in (("push", self._push_step), ("pull", self._pull_step)):
            t = threading.Thread(target=self._loop, args=(step,), name=f"upstream-{name}",
                                 daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        limit = self.wait + self.timeout + 5 if timeout is None else timeout
        for t in self._threads:
            t.join(limit)
        self._threads.clear()

    def poke(self) -> None:
        """New events from the hall: forward them now (thread-safe)."""
        self._wake.set()

    # -- one round each way ---------------------------------------------------------------------
    def push_once(self, http: Http, max_batches: int = 1000) -> int:
        """Forward what the upstream does not hold yet; returns events it accepted."""
        done = 0
        with self._forward_lock:
            for _ in range(max_batches):
                moved, accepted = self._push_batch(http)
                done += accepted
                if not moved:
                    break
        return done

    def _push_batch(self, http: Http) -> tuple[bool, int]:
        with self.engine.connect() as conn:
            after = int(log.get_meta(conn, PUSHED, "0"))
            rows = conn.execute(
                select(events.c.pos, events.c.event_id, events.c.hall_id, events.c.terminal_id,
                       events.c.terminal_seq, events.c.hlc, events.c.type,
                       events.c.schema_version, events.c.payload)
                .where(events.c.hall_id == self.hall_id, events.c.pos > after, _ours())
                .order_by(events.c.pos).limit(self.batch)).all()
            if not rows:
                return False, 0
            graves = _tombstones(conn, self.hall_id, after, rows)
        body: list[dict[str, Any]] = []
        for r in rows:
            if len(body) >= MAX_BATCH - 1:  # the rest next time (the mark stops before them)
                break
            # The numbers this hub refused before this event: forwarded as tombstones, so the
            # upstream sees the stream whole (a gap would stop it there for good).
            stones = graves.get(r.terminal_id, [])
            while stones and stones[0]["terminal_seq"] < r.terminal_seq:
                body.append(stones.pop(0))
            body.append({"event_id": r.event_id, "hall_id": r.hall_id,
                         "terminal_id": r.terminal_id, "terminal_seq": r.terminal_seq,
                         "hlc": r.hlc, "type": r.type, "schema_version": r.schema_version,
                         "payload": json.loads(r.payload)})
        reply = PushResponse.model_validate(http.request("POST", "/sync/push",
                                                         body={"events": body}))
        refused = {r.event_id for r in reply.rejected}
        mark = after
        for r in rows:  # the prefix the upstream now holds (or refused, with a reason)
            if r.terminal_seq > reply.accepted.get(r.terminal_id, 0) and r.event_id not in refused:
                break
            mark = r.pos
        with self.engine.begin() as conn:
            for t, held in reply.accepted.items():
                first = min(r.terminal_seq for r in rows if r.terminal_id == t)
                if held < first - 1:  # the upstream lost some of this stream: send it again
                    pos = conn.execute(select(func.min(events.c.pos)).where(
                        events.c.hall_id == self.hall_id, events.c.terminal_id == t,
                        events.c.terminal_seq > held, _ours())).scalar()
                    if pos is not None:
                        mark = min(mark, int(pos) - 1)
            log.put_meta(conn, PUSHED, str(mark))
            if reply.rejected:
                terminal_of = {r.event_id: r.terminal_id for r in rows}
                conn.execute(dead_letters.insert(), [
                    {"hall_id": self.hall_id, "terminal_id": terminal_of.get(r.event_id, ""),
                     "terminal_seq": None, "event_id": r.event_id, "type": r.type,
                     "reason": f"upstream refused: {r.reason}", "received_ms": now_ms(),
                     "body": "{}"} for r in reply.rejected])
        if mark == after:
            first = rows[0]
            self.stalled = (f"uplink stalled: the upstream takes nothing from terminal "
                            f"{first.terminal_id} sequence {first.terminal_seq} on (it holds "
                            f"{reply.accepted.get(first.terminal_id, 0)}); events wait here")
        else:
            self.stalled = None
        accepted = sum(1 for r in rows if r.pos <= mark) - len(refused)
        self.totals["pushed"] += max(accepted, 0)
        self.totals["rejected"] += len(refused)
        return mark != after, max(accepted, 0)

    def pull_once(self, http: Http, wait: float = 0.0, max_pages: int = 1000) -> int:
        """Bring what others wrote for this hall; the cursor is stored with the events."""
        pulled = 0
        for page in range(max_pages):
            with self.engine.connect() as conn:
                cursor = log.get_meta(conn, CURSOR)
            span = wait if page == 0 else 0.0
            try:
                data = http.request("GET", "/sync/pull", params={
                    "cursor": cursor, "limit": self.batch, "wait": span},
                    timeout=span + self.timeout)
            except StaleCursor:
                self.push_once(http)  # ours first, then everything again (idempotent inserts)
                with self.engine.begin() as conn:
                    log.put_meta(conn, CURSOR, "")
                continue
            if page == 0:  # a long-poll past the platform's cap: answered at once, with a pause
                self.poll_pause = (getattr(http, "pause", None) or 0.0) if span > 0 else 0.0
            reply = PullResponse.model_validate(data)
            with self.push_lock:
                added = log.absorb_upstream(self.engine, self.hall_id, reply.events, CURSOR,
                                            reply.cursor)
                if added and self.after_pull is not None:
                    self.after_pull()  # under the push lock: it may write the hub's stream
            if added:
                self._notify()
            pulled += added
            if not reply.more:
                break
        self.totals["pulled"] += pulled
        return pulled

    def pending(self) -> int:
        with self.engine.connect() as conn:
            after = int(log.get_meta(conn, PUSHED, "0"))
            return int(conn.execute(select(func.count()).select_from(events).where(
                events.c.hall_id == self.hall_id, events.c.pos > after, _ours())).scalar() or 0)

    def status(self) -> dict[str, Any]:
        return {"server": self.cred.server, "hall": self.hall_id, "hub": self.cred.terminal_id,
                "pending": self.pending(), "online": self.online,
                "last_success_ms": self.last_success_ms, "last_error": self.last_error,
                "stalled": self.stalled, **self.totals}

    # -- the threads ----------------------------------------------------------------------------
    def _push_step(self, http: Http) -> float:
        self._wake.clear()
        self.push_once(http)
        if self.stalled is not None:  # reached, but not moving: an error, never "online"
            self._fail(self.stalled)
            return self.idle
        self._ok()
        return -1.0  # wait for new events (or the idle period)

    def register_key(self, http: Http) -> bool:
        """Register the hall's public key with the upstream when it has not taken this one
        yet (the link's first round, or the key changed). Refused (an upstream that keeps no
        keys: an older platform, 404; not the hall's hub, 403): logged, not asked again for
        that key, and the link goes on. Returns whether it registered now."""
        if self.hall_key is None:
            return False
        key = self.hall_key()
        if key == self.registered_key:
            return False
        try:  # the directory's pin (issue 24) first: what the platform seals for when listed
            http.request("POST", "/directory/key", body={"public_key": key})
        except NetworkError:
            raise
        except HallError as exc:  # not listed yet (unknown_hall), or another key pinned
            logger.info("the directory did not pin the hall's key: %s", exc.message)
        try:
            http.request("POST", "/appointments/hall-key", body={"public_key": key})
        except NetworkError:
            raise  # away: the next round registers
        except HallError as exc:
            logger.warning("the upstream refused the hall's public key: %s", exc.message)
            self.registered_key = key
            return False
        self.registered_key = key
        return True

    def _pull_step(self, http: Http) -> float:
        self.register_key(http)
        self.pull_once(http, self.wait)
        self._ok()
        return self.poll_pause  # 0: the platform held the poll; else its cap said wait

    def _loop(self, step: Callable[[Http], float]) -> None:
        http = Http(self.cred.server, self.cred.token, timeout=self.timeout, ca=self.cred.ca,
                    insecure=self.cred.insecure)
        backoff = Backoff(cap=self.cap)
        try:
            while not self._stop.is_set():
                try:
                    pause = step(http)
                except AuthError as exc:
                    self._fail(exc.message)
                    pause = self.cap  # an operator must enroll the hub again
                except NetworkError as exc:
                    self._fail(exc.message)
                    pause = backoff.next_delay(exc.retry_after)
                except (HallError, SQLAlchemyError, ValueError) as exc:
                    self._fail(f"{type(exc).__name__}: {exc}")
                    pause = backoff.next_delay()
                else:
                    backoff.reset()
                if pause < 0:
                    self._wake.wait(self.idle)
                else:
                    self._stop.wait(pause)
        finally:
            http.close()

    def _ok(self) -> None:
        self.online = True
        self.last_success_ms = now_ms()

    def _fail(self, message: str) -> None:
        self.online = False
        self.last_error = {"at_ms": now_ms(), "message": message}


def _tombstones(conn: Any, hall_id: str, after: int,
                rows: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
    """For each terminal stream in a batch: the sequence numbers this hub refused (its dead
    letters) between the last event it forwarded of that stream and the batch's last one."""
    top: dict[str, int] = {}
    for r in rows:
        top[r.terminal_id] = max(top.get(r.terminal_id, 0), int(r.terminal_seq))
    out: dict[str, list[dict[str, Any]]] = {}
    for terminal, last in top.items():
        sent = conn.execute(select(func.max(events.c.terminal_seq)).where(
            events.c.hall_id == hall_id, events.c.terminal_id == terminal,
            events.c.pos <= after, _ours())).scalar()
        dead = conn.execute(
            select(dead_letters.c.terminal_seq, dead_letters.c.event_id, dead_letters.c.type,
                   dead_letters.c.reason)
            .where(dead_letters.c.hall_id == hall_id, dead_letters.c.terminal_id == terminal,
                   dead_letters.c.terminal_seq > int(sent or 0),
                   dead_letters.c.terminal_seq < last)
            .order_by(dead_letters.c.terminal_seq)).all()
        seen: set[int] = set()
        for d in dead:
            if int(d.terminal_seq) in seen:
                continue
            seen.add(int(d.terminal_seq))
            out.setdefault(terminal, []).append({
                "hall_id": hall_id, "terminal_id": terminal, "terminal_seq": int(d.terminal_seq),
                "event_id": d.event_id or "", "type": d.type or "",
                log.TOMBSTONE: (d.reason or "refused")[:400]})
    return out


def _ours() -> Any:
    """Events this hub holds that did not come from its upstream."""
    return or_(events.c.pushed_by.is_(None), events.c.pushed_by != UPSTREAM)
