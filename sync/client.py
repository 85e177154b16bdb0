"""The sync client: push the outbox, pull what others wrote, top up number leases, call-next.

One request in flight per client. Every step that moves a mark (the outbox's pushed-through seq,
the pull cursor) writes it in the same store transaction as the data it accounts for, so a kill
at any moment loses nothing and doubles nothing.

Unused numbers of a leased block are skipped, never returned (DESIGN.md allows either): a number
handed back could only be reissued out of order (A041 called after A090 confuses the people
waiting), and a return racing the terminal's own offline issuing would be a collision risk. A
block is per day, so the day's end retires it; a block granted whose answer was lost is asked
again with the same request id and comes back the same, so it is never orphaned or given twice.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from hall import restore_guard
from hall.actors import Actor
from hall.app import Hall
from hall.appointments import SHARE_RELEASE_MIN
from hall.core import Core
from hall.errors import DomainError, HallError
from hall.events import EventType
from hall.numbering import lease_remaining
from hall.ticket_views import TicketView
from sync import local, recovery
from sync.errors import NetworkError, StaleCursor
from sync.transport import Http
from sync.wire import (
    CallResponse,
    LeaseResponse,
    OwnResponse,
    PullResponse,
    PushResponse,
    Rejection,
    WireEvent,
)

BATCH = 500
MAX_RECOVERY_PAGES = 2000  # of BATCH events: a backup months behind still comes back whole
SYNC = Actor.system("sync")  # who records what sync brings (number blocks)
# 预约 seats a member terminal holds of each slot for booking while its hub is away: one, as a
# hall has a few terminals and a slot a few seats (4, a quarter kept for walk-ins); its own
# bookings through the hub take from it first, so leasing it costs the hall no seat.
SHARE_SEATS = 1
SHARES_EVERY_S = 30.0  # how often a sync loop looks at its shares (a slot is 30 min or more)


@dataclass
class Gate:
    """Who may touch the store: a client holds `lock` except while a request waits; its caller
    closes the gate (under the lock) when it stops waiting for it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    open: bool = True


class SyncClient:
    def __init__(self, hall: Hall, server: str, token: str, *,
                 transport: httpx.BaseTransport | None = None, timeout: float = 15.0,
                 batch: int = BATCH, lease_size: int = 50, low_water: int = 10,
                 lease_series: tuple[str, ...] | None = None, ca: str | None = None,
                 insecure: bool = False, check_own: bool = True,
                 deadline: float | None = None, gate: Gate | None = None,
                 booking_shares: bool = True) -> None:
        """`booking_shares`: lease this terminal's 预约 seat shares in its rounds (a member
        terminal's own sync; off for a test that counts events exactly).
        `check_own`: ask the server for this terminal's own stream before the first push
        (`recover`): off for the short-lived clients of a hub call, whose terminal's sync loop
        asks; a store restored and not yet recovered is always asked for, whatever this says.
        `deadline` (time.monotonic): every request ends by it, the whole exchange included (a
        hub call's 3 s). `gate`: the store is this client's only while it holds the gate's lock,
        which it lets go for each request and takes back after it; once the gate is closed
        (its caller gave up) the client touches the store no more (sync/hubcall.py)."""
        self.hall = hall
        self.core: Core = hall.core
        self.booking_shares = booking_shares
        self.batch = batch
        self.poll_pause = 0.0  # the server did not hold the last long-poll: ask again after this
        self.lease_size = lease_size
        self.low_water = low_water
        self.lease_series = lease_series
        self._http = Http(server, token, transport=transport, timeout=timeout, ca=ca,
                          insecure=insecure)
        self.http = self._http.client
        self._recovered = not check_own  # asked for this terminal's own stream (`recover`)
        self.timeout = timeout
        self.deadline = deadline
        self._gate = gate
        self._shares_due = 0.0  # time.monotonic() of the next look at the 预约 seat shares
        self.share_release_min = SHARE_RELEASE_MIN  # unused seats this near their slot go back

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, *, body: Any = None,
                 params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise NetworkError("the hub did not answer in time (the call's deadline passed)")
            timeout = min(self.timeout if timeout is None else timeout, left)
        if self._gate is None:
            return self._http.request(method, path, body=body, params=params, timeout=timeout)
        self._gate.lock.release()  # the store is free while this request waits
        try:
            return self._http.request(method, path, body=body, params=params, timeout=timeout)
        finally:
            self._gate.lock.acquire()
            if not self._gate.open:
                raise NetworkError("the hub call was given up: its deadline passed")

    # -- recovery -------------------------------------------------------------------------------
    def recover(self) -> int:
        """Take back this terminal's own events the server holds and this store lacks (a store
        restored from an older backup, or copied): before this client's first push, and
        whenever a push shows the server knows more of this stream than the store holds.
        Returns the events taken back (sync/recovery.py)."""
        conn = self.core.store.conn
        me = self.core.config.terminal_id
        guard = restore_guard.load(conn)
        waiting = guard is not None and guard.recovering
        pushed = int(local.get(conn, local.PUSHED, "0"))
        theirs: list[WireEvent] = []
        refused: list[Rejection] = []
        through = after = pushed
        for page in range(MAX_RECOVERY_PAGES + 1):
            if page == MAX_RECOVERY_PAGES:
                raise HallError(f"the server holds more than {MAX_RECOVERY_PAGES} pages of this "
                                "terminal's events this store lacks: restore a newer backup",
                                code="recovery_too_long")
            try:
                data = self._request("GET", "/sync/own", params={"after": after,
                                                                 "limit": self.batch})
            except HallError as exc:
                if exc.code != "protocol" or waiting:
                    raise  # a restored store pushes nothing before it has its own events back
                self._recovered = True  # a server of an older release: nothing to ask
                return 0
            reply = OwnResponse.model_validate(data)
            through = max(through, reply.through)
            theirs += reply.events
            refused += reply.refused
            if not reply.more or not reply.events:
                break
            after = reply.events[-1].terminal_seq
        taken = 0
        if through > pushed or waiting:
            with self.core.write(source="sync") as conn:
                if through > pushed:
                    back = recovery.take_back(conn, me, theirs, refused, through)
                    taken = back.events
                    if back.top_hlc:
                        self.core.hlc.observe(back.top_hlc)
                    if taken and not waiting:
                        # found behind without a restore (a copied store): guarded the same way
                        restore_guard.mark_restored(conn, self.core.today(), recovering=False)
                restore_guard.recovered(conn)
        self._recovered = True
        return taken

    # -- push -----------------------------------------------------------------------------------
    def push(self) -> tuple[int, int]:
        """Send the outbox in order; returns (events accepted, events rejected)."""
        store = self.core.store
        me = self.core.config.terminal_id
        if not self._recovered or _recovering(store.conn):
            self.recover()
        pushed = rejected = 0
        stalls = 0
        behind = False
        while stalls < 3:
            after = int(local.get(store.conn, local.PUSHED, "0"))
            batch = _outbox(store.conn, me, after, self.batch)
            if not batch:
                break
            reply = PushResponse.model_validate(self._request("POST", "/sync/push",
                                                              body={"events": batch}))
            if reply.accepted_through_seq > _last_own_seq(store.conn, me) and not behind:
                # The server holds more of this stream than the store: its events first, then
                # ours under numbers it has not used (this reply's mark would skip them).
                behind = True
                self.recover()
                continue
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
        store = self.core.store
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
            if page == 0:  # a long-poll past the server's cap: answered at once, with a pause
                self.poll_pause = (self._http.pause or 0.0) if wait > 0 else 0.0
            reply = PullResponse.model_validate(data)
            if any(e.type == EventType.HALL_SETTINGS_PUBLISHED for e in reply.events):
                self.pin_settings_key()
            with self.core.write(source="sync") as conn:
                added, top = local.absorb(conn, reply.events)
                local.put(conn, local.CURSOR, reply.cursor)
                # what the terminal last heard from the hall (accounts' age when offline)
                local.put(conn, local.LAST_PULL, str(local.now_ms()))
                if top:  # before the commit: no event of this process is stamped below them
                    self.core.hlc.observe(top)
            pulled += added
            if not reply.more:
                break
        return pulled

    def pin_settings_key(self) -> None:
        """Pin the hub's settings key (hall/hall_settings.py) the first time settings arrive,
        over this client's channel (the hall CA pinned at enrollment, the terminal's token). A
        station that signed its own settings before it joined the hall gives way to the hub:
        its own versions are dropped for the hub's."""
        from hall import hall_settings

        conn = self.core.store.conn
        held = hall_settings.pinned_key(conn)
        own = _own_settings_key(self.core)
        if held is not None and held != own:
            return
        try:
            key = str(self._request("GET", "/hall/settings-key")["key"])
        except (HallError, KeyError, TypeError):
            return  # no key: the settings stay unapplied (refused) until one is pinned
        with self.core.store.write() as wconn:
            if held is not None and held == own and key != own:
                wconn.execute("DELETE FROM meta WHERE key IN (?, ?)",
                              (hall_settings.KEY_META, hall_settings.SETTINGS_META))
            hall_settings.pin_key(wconn, key)

    # -- numbers --------------------------------------------------------------------------------
    def top_up_leases(self) -> int:
        """Ask the hub for a block of each series running low; each grant becomes a local
        NumberBlockLeased event, so the lease is in the log and replays."""
        if self.core.config.numbering != "member":
            return 0
        day = self.core.today()
        granted = 0
        for letter in self._series(day):
            if lease_remaining(self.core.store.conn, day, letter) > self.low_water:
                continue
            # The request id is stored before asking and dropped with the grant's event: a
            # retry after a lost answer (or a kill) asks with the same id and gets the same block.
            key = f"lease_request:{day}:{letter}"
            request_id = local.get(self.core.store.conn, key)
            if not request_id:
                request_id = uuid.uuid4().hex
                with self.core.store.write() as conn:
                    local.put(conn, key, request_id)
            try:
                data = self._request("POST", "/leases", body={
                    "day": day, "series": letter, "size": self.lease_size,
                    "request_id": request_id})
            except DomainError:
                # 409: the server granted this request id on other terms (the block size
                # changed since a lost answer), or the series is exhausted. That block's numbers
                # are skipped, never issued; the next round asks afresh under a new id.
                with self.core.store.write() as conn:
                    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
                continue
            block = LeaseResponse.model_validate(data)
            with self.core.write() as conn:
                known = conn.execute("SELECT 1 FROM number_leases WHERE day = ? AND series = ? "
                                     "AND first = ?", (block.day, block.series, block.first))
                if known.fetchone() is None:
                    self.core.emit(conn, EventType.NUMBER_BLOCK_LEASED, {
                        "day": block.day, "series": block.series, "first": block.first,
                        "last": block.last}, SYNC)
                conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
            granted += 1
        return granted

    def _series(self, day: str) -> list[str]:
        if self.lease_series is not None:
            return list(self.lease_series)
        rows = self.core.store.conn.execute(
            "SELECT DISTINCT series FROM tickets WHERE issuing_terminal = ? AND day >= date(?, "
            "'-7 days')", (self.core.config.terminal_id, day)).fetchall()
        used = {str(r[0]).split("-")[0] for r in rows}
        if not used:
            # A terminal with no history yet (its first day): every series of its catalog, so
            # its first tickets are plain hall numbers, not its fallback series.
            used = {s.series for s in self.core.catalog.services}
        return sorted(used)

    # -- calling --------------------------------------------------------------------------------
    def ask_hub(self, window: str) -> str:
        """Which ticket the hub offers `window` (its id), once that ticket is in this store:
        this terminal's events pushed and the hall's pulled first. The caller records the call."""
        self.push()
        self.pull()
        reply = CallResponse.model_validate(self._request("POST", "/calls/next",
                                                          body={"window": window}))
        if reply.ticket_id is None:
            raise DomainError(reply.reason or f"nothing waiting for window {window}",
                              code="nothing_waiting")
        for _ in range(3):
            if self.core.store.conn.execute("SELECT 1 FROM tickets WHERE ticket_id = ?",
                                            (reply.ticket_id,)).fetchone() is not None:
                return reply.ticket_id
            self.pull(wait=0.5)
        raise NetworkError(f"the hub called {reply.label}, which has not reached this desk")

    def call_next(self, window: str, by: Actor) -> TicketView:
        """The hub decides; the desk then records the call as its own event, by its clerk."""
        ticket_id = self.ask_hub(window)
        ticket = self.hall.tickets.call_ticket(by, ticket_id, window, decided_by="hub").value
        try:
            self.push()
        except NetworkError:
            pass  # the call stands; the outbox carries it later
        return ticket

    def book_appointment(self, service_id: str, day: str, time: str, holder_key: str) -> str:
        """预约 decided by the hub (sync/server/bookings.py); its id once it reached this store."""
        reply = self._request("POST", "/appointments", body={
            "service": service_id, "day": day, "time": time, "holder_key": holder_key})
        appointment_id = str(reply["appointment"]["id"])
        for wait in (0.0, 0.5, 0.5):
            self.pull(wait=wait)
            if self.core.store.conn.execute(
                    "SELECT 1 FROM appointments WHERE appointment_id = ?",
                    (appointment_id,)).fetchone() is not None:
                return appointment_id
        raise NetworkError(f"the hub booked {appointment_id}, which has not reached this "
                           "terminal yet")

    def lease_booking_shares(self, service_id: str, day: str, seats: int,
                             pull: bool = True) -> dict[str, int]:
        """The hub tops up this terminal's share of the day's slots (sync/server/bookings.py
        `lease_shares`); the lease reaches this store with the next pull, made here (`pull`)."""
        reply = self._request("POST", "/appointments/shares", body={
            "service": service_id, "day": day, "seats": seats})
        if pull:
            self.pull()
        return {str(k): int(v) for k, v in dict(reply["shares"]).items()}

    def top_up_booking_shares(self) -> int:
        """预约 seat shares in the sync round (a member terminal): ask the hub for a share of
        each bookable service's slots of today and tomorrow when this terminal holds none for
        the day under the hall's current hours and booking setting (asked again when those
        change), and give back unused seats of the slots about to start. Returns the requests
        and releases made. A terminal the hub leases no seats (a display: 403; 409) is not asked
        again that day; one whose hub is away asks on its next round."""
        from datetime import date, timedelta

        from hall import booking_slots

        core = self.core
        if self.lease_series is not None or not self.booking_shares:
            # a client made for one errand (a hub call, a settings round, a display's round, a
            # test's fixed series) is not the terminal's own sync round: no seats for it
            return 0
        if core.config.numbering != "member" or time.monotonic() < self._shares_due:
            return 0
        self._shares_due = time.monotonic() + SHARES_EVERY_S  # the loop's step runs 10 a second
        done = 1 if self.hall.appointments.release_near_shares(self.share_release_min) else 0
        settings = self.hall.settings
        current = settings.current().settings
        mark = json.dumps({"hours": current.get("hours"), "booking": current.get("booking")},
                          sort_keys=True)
        today = date.fromisoformat(core.today())
        for day in (today, today + timedelta(days=1)):
            key = f"booking_shares:{day.isoformat()}"
            if local.get(core.store.conn, key) in (mark, "off"):
                continue
            wanted = [service.id for service in core.catalog.services
                      if booking_slots.slots_of(settings.hours(), settings.booking(),
                                                service.id, day)]
            held = mark
            if wanted:
                try:
                    self._request("POST", "/appointments/shares", body={
                        "services": wanted, "day": day.isoformat(), "seats": SHARE_SEATS})
                except NetworkError:
                    raise  # away or busy: the next round asks again (a top-up is idempotent)
                except HallError:
                    held = "off"  # not a terminal that books (403), a platform (404), refused
                else:
                    done += 1
            with core.store.write() as conn:
                local.put(conn, key, held)
        # The leases reach this store with the round's pull (`once`), or wake the runner's
        # long-poll: pulled here, they went uncounted in the round's figures (`sync --once`
        # said it pulled nothing while it had pulled the hall's new events).
        return done

    # -- a whole round --------------------------------------------------------------------------
    def once(self, wait: float = 0.0) -> dict[str, int]:
        pushed, rejected = self.push()
        self.top_up_leases()
        self.top_up_booking_shares()
        pushed_more, rejected_more = self.push()  # the lease events and releases just written
        pulled = self.pull(wait)
        return {"pushed": pushed + pushed_more, "pulled": pulled,
                "pending": local.pending(self.core.store.conn, self.core.config.terminal_id),
                "rejected": rejected + rejected_more}


def _recovering(conn: Any) -> bool:
    guard = restore_guard.load(conn)
    return guard is not None and guard.recovering


def _last_own_seq(conn: Any, terminal_id: str) -> int:
    row = conn.execute("SELECT COALESCE(MAX(terminal_seq), 0) FROM events WHERE terminal_id = ?",
                       (terminal_id,)).fetchone()
    return int(row[0])


def _outbox(conn: Any, terminal_id: str, after: int, limit: int) -> list[dict[str, Any]]:
    """Raw rows as the wire carries them (no re-parsing of payloads on the hot path)."""
    rows = conn.execute(
        "SELECT event_id, hall_id, terminal_id, terminal_seq, hlc, type, schema_version, payload "
        "FROM events WHERE terminal_id = ? AND terminal_seq > ? ORDER BY terminal_seq LIMIT ?",
        (terminal_id, after, limit)).fetchall()
    return [{"event_id": r[0], "hall_id": r[1], "terminal_id": r[2], "terminal_seq": r[3],
             "hlc": r[4], "type": r[5], "schema_version": r[6], "payload": json.loads(r[7])}
            for r in rows]


def _own_settings_key(core: Core) -> str | None:
    """This terminal's own settings key, when it signed as a station (else None)."""
    from hall import hall_settings
    from hall.security import keys

    seed = keys.load(core.data_dir, hall_settings.SIGN_KEY)
    return None if seed is None else hall_settings.public_key(seed)
