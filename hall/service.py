"""The hall as one terminal sees it: every change is an event written with its projections.

Callers (the CLI, the Qt faces through their worker thread, the sync engine) use this class;
it knows nothing of threads, screens, devices or the network.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from hall import queue
from hall.catalog import Catalog
from hall.clock import WallClock, for_store, system_now, to_ms
from hall.config import TerminalConfig
from hall.errors import DomainError, StoreError
from hall.events import Event, EventType
from hall.ids import new_id
from hall.numbering import allocate
from hall.queue import Action, Candidate
from hall.store import Store
from hall.store.eventlog import append_local, max_hlc
from hall.store.projections import apply
from hall.tickets import COLUMNS, TicketView, ahead_of, find, view
from hall.timefmt import iso_local, local_day, previous_day


class HallService:
    def __init__(
        self,
        store: Store,
        config: TerminalConfig,
        catalog: Catalog,
        *,
        wall: WallClock = system_now,
        index_key: bytes = b"",
    ) -> None:
        self.store = store
        self.config = config
        self.catalog = catalog
        self.zone = config.zone
        self.wall = wall
        self.index_key = index_key
        self.hlc = for_store(store.path, wall, max_hlc(store.conn))  # shared with sync's absorb
        self.emitted: list[str] = []  # event types of the open transaction
        self.on_commit: Callable[[list[str]], None] | None = None
        claim_store(store, config)

    # -- the one way to change state ------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        self.emitted = []
        with self.store.write() as conn:
            yield conn
        types, self.emitted = self.emitted, []
        if self.on_commit is not None and types:
            self.on_commit(types)

    def emit(self, conn: sqlite3.Connection, event_type: str, payload: dict[str, Any]) -> Event:
        event = append_local(
            conn,
            hall_id=self.config.hall_id,
            terminal_id=self.config.terminal_id,
            hlc=self.hlc.tick(),
            event_type=event_type,
            payload=payload,
        )
        apply(conn, event)
        self.emitted.append(event_type)
        return event

    def now(self) -> datetime:
        return self.wall()

    def now_iso(self) -> str:
        return iso_local(self.wall(), self.zone)

    def today(self) -> str:
        return local_day(self.wall(), self.zone)

    # -- tickets ----------------------------------------------------------------------------------
    def take_ticket(
        self,
        service_id: str,
        priority: str = "regular",
        *,
        appointment_at: datetime | None = None,
        window: str | None = None,
        holder: dict[str, Any] | None = None,
    ) -> TicketView:
        """Issue a ticket. `holder` marks who took it, when known: {"kind": id_card|sscard|code,
        "verified": bool, "key": blind index}; an unverified code still gets a ticket."""
        service = self.catalog.get(service_id)
        if holder is not None:
            holder = _checked_holder(holder)
        if priority not in queue.PRIORITIES:
            raise DomainError(
                f"unknown priority {priority!r} (one of {', '.join(queue.PRIORITIES)})",
                code="unknown_priority",
            )
        if (priority == "appointment") != (appointment_at is not None):
            raise DomainError("an appointment ticket needs its slot time, and only it has one",
                              code="appointment_slot")
        with self.write() as conn:
            now = self.wall()
            day = local_day(now, self.zone)
            number = allocate(conn, self.config, day, service.series)
            ticket_id = new_id()
            payload: dict[str, Any] = {
                "ticket_id": ticket_id,
                "service_id": service.id,
                "series": number.series,
                "number": number.number,
                "label": number.label,
                "day": day,
                "priority": priority,
                "issued_at": iso_local(now, self.zone),
                "leased": number.leased,
            }
            if appointment_at is not None:
                payload["appointment_at"] = iso_local(appointment_at, self.zone)
            if window is not None:
                payload["window"] = window
            if holder is not None:
                payload["holder"] = holder
            self.emit(conn, EventType.TICKET_ISSUED, payload)
            ticket = find(conn, ticket_id, self.zone)
            return view_with_ahead(conn, ticket)

    def call_next(self, window: str) -> TicketView:
        with self.write() as conn:
            self._ensure_window_free(conn, window)
            now_ms = to_ms(self.wall())
            chosen = self._choose(conn, window, now_ms)
            if chosen is None:
                raise DomainError(f"nothing waiting for window {window}", code="nothing_waiting")
            self.emit(conn, EventType.TICKET_CALLED, {
                "ticket_id": chosen.ticket_id, "window": window, "called_at": self.now_iso(),
                "as_priority": chosen.priority,
            })
            return find(conn, chosen.ticket_id, self.zone)

    def call_ticket(self, ref: str, window: str, *, decided_by: str = "local") -> TicketView:
        """Call one given ticket (the hub decided which): the same checks as call_next."""
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(Action.CALL, ticket.status, ticket.number)
            self._ensure_window_free(conn, window)
            urgent = conn.execute("SELECT urgent FROM tickets WHERE ticket_id = ?",
                                  (ticket.id,)).fetchone()[0]
            self.emit(conn, EventType.TICKET_CALLED, {
                "ticket_id": ticket.id, "window": window, "called_at": self.now_iso(),
                "as_priority": urgent == 1, "decided_by": decided_by,
            })
            return find(conn, ticket.id, self.zone)

    def recall(self, ref: str) -> TicketView:
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(Action.RECALL, ticket.status, ticket.number)
            if ticket.recalls >= self.config.policy.recall_limit:
                self.emit(conn, EventType.TICKET_NO_SHOW, {
                    "ticket_id": ticket.id, "at": self.now_iso(), "reason": "recall_limit"})
            else:
                self.emit(conn, EventType.TICKET_RECALLED, {
                    "ticket_id": ticket.id, "window": ticket.window, "at": self.now_iso()})
            return find(conn, ticket.id, self.zone)

    def no_show(self, ref: str) -> TicketView:
        return self._simple(ref, Action.NO_SHOW, EventType.TICKET_NO_SHOW, reason="clerk")

    def start(self, ref: str) -> TicketView:
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(Action.START, ticket.status, ticket.number)
            self.emit(conn, EventType.SERVICE_STARTED, {
                "ticket_id": ticket.id, "window": ticket.window, "at": self.now_iso()})
            return find(conn, ticket.id, self.zone)

    def done(self, ref: str) -> TicketView:
        return self._simple(ref, Action.DONE, EventType.TICKET_DONE)

    def park(self, ref: str) -> TicketView:
        return self._simple(ref, Action.PARK, EventType.TICKET_PARKED)

    def cancel(self, ref: str) -> TicketView:
        return self._simple(ref, Action.CANCEL, EventType.TICKET_CANCELLED)

    def resume(self, ref: str, window: str | None = None) -> TicketView:
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(Action.RESUME, ticket.status, ticket.number)
            target = window or ticket.window
            if target is None:
                raise DomainError(f"ticket {ticket.number} has no window to resume at",
                                  code="no_window")
            self._ensure_window_free(conn, target)
            self.emit(conn, EventType.TICKET_RESUMED, {
                "ticket_id": ticket.id, "window": target, "at": self.now_iso()})
            return find(conn, ticket.id, self.zone)

    def transfer(
        self, ref: str, *, service_id: str | None = None, window: str | None = None
    ) -> TicketView:
        if service_id is None and window is None:
            raise DomainError("a transfer needs a service or a window to go to",
                              code="transfer_target")
        if service_id is not None:
            self.catalog.get(service_id)
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(Action.TRANSFER, ticket.status, ticket.number)
            self.emit(conn, EventType.TICKET_TRANSFERRED, {
                "ticket_id": ticket.id, "service_id": service_id or ticket.service,
                "target_window": window, "at": self.now_iso()})
            return find(conn, ticket.id, self.zone)

    def list_tickets(self, day: str | None = None, status: str | None = None) -> list[TicketView]:
        sql = f"SELECT {COLUMNS} FROM tickets WHERE day = ?"
        params: list[Any] = [day or self.today()]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        rows = self.store.conn.execute(sql + " ORDER BY issued_ms, ticket_id", params).fetchall()
        return [view(r, self.zone) for r in rows]

    def ticket(self, ref: str) -> TicketView:
        return find(self.store.conn, ref, self.zone)

    # -- windows ----------------------------------------------------------------------------------
    def configure_window(self, window: str, services: list[str] | None) -> None:
        """`services` None means every service."""
        for sid in services or []:
            self.catalog.get(sid)
        with self.write() as conn:
            self.emit(conn, EventType.WINDOW_CONFIGURED, {"window": window, "services": services})

    def window_services(self, conn: sqlite3.Connection, window: str) -> list[str] | None:
        row = conn.execute("SELECT services FROM windows WHERE window = ?", (window,)).fetchone()
        return None if row is None else json.loads(row[0])

    # -- internals --------------------------------------------------------------------------------
    def _simple(self, ref: str, action: Action, event_type: str, **extra: Any) -> TicketView:
        with self.write() as conn:
            ticket = find(conn, ref, self.zone)
            queue.check(action, ticket.status, ticket.number)
            self.emit(conn, event_type, {"ticket_id": ticket.id, "at": self.now_iso(), **extra})
            return find(conn, ticket.id, self.zone)

    def _ensure_window_free(self, conn: sqlite3.Connection, window: str) -> None:
        row = conn.execute(
            "SELECT label, status FROM tickets WHERE window = ? AND status IN ('called', 'serving')",
            (window,),
        ).fetchone()
        if row is not None:
            raise DomainError(
                f"window {window} still holds {row[0]} ({row[1]}): finish it, park it, "
                "transfer it or mark it no-show first",
                code="window_busy",
            )

    def _choose(self, conn: sqlite3.Connection, window: str, now_ms: int) -> Candidate | None:
        today = local_day(self.wall(), self.zone)
        where = ("status = 'waiting' AND day IN (?, ?) "
                 "AND (target_window IS NULL OR target_window = ?)")
        params: list[Any] = [today, previous_day(today), window]
        services = self.window_services(conn, window)
        if services is not None:
            where += f" AND service_id IN ({', '.join('?' * len(services))})"
            params += services
        due = now_ms + self.config.policy.appointment_early_minutes * 60_000

        def first(extra: str, *more: Any, priority: bool) -> Candidate | None:
            row = conn.execute(
                f"SELECT ticket_id, issued_ms FROM tickets WHERE {where}{extra} "
                "ORDER BY issued_ms LIMIT 1",  # index order: a tie-break column would sort them all
                (*params, *more),
            ).fetchone()
            return None if row is None else Candidate(row[0], int(row[1]), priority)

        oldest = first("", priority=False)
        if oldest is None:
            return None
        prio = _earliest(first(" AND urgent = 1", priority=True),
                         first(" AND urgent = 2 AND appointment_ms <= ?", due, priority=True))
        regular = _earliest(first(" AND urgent = 0", priority=False),
                            first(" AND urgent = 2 AND appointment_ms > ?", due, priority=False))
        if prio is not None and prio.ticket_id == oldest.ticket_id:
            oldest = prio
        row = conn.execute("SELECT regular_streak FROM windows WHERE window = ?",
                           (window,)).fetchone()
        return queue.choose(oldest, prio, regular, policy=self.config.policy, now_ms=now_ms,
                            regular_streak=0 if row is None else int(row[0]))


HOLDER_KINDS = ("id_card", "sscard", "code")


def _checked_holder(holder: dict[str, Any]) -> dict[str, Any]:
    kind, key = holder.get("kind"), str(holder.get("key", ""))
    if kind not in HOLDER_KINDS or not isinstance(holder.get("verified"), bool):
        raise DomainError(f"a ticket holder is one of {', '.join(HOLDER_KINDS)}, verified or not",
                          code="bad_holder")
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise DomainError("a ticket holder is kept only as a keyed hash", code="bad_holder")
    return {"kind": kind, "verified": holder["verified"], "key": key}


def claim_store(store: Store, config: TerminalConfig) -> None:
    """A store belongs to one terminal of one hall; opening it as another is refused."""
    with store.write() as conn:
        for key in ("hall_id", "terminal_id"):
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                         (key, getattr(config, key)))
        owner = dict(conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('hall_id', 'terminal_id')").fetchall())
    if (owner["hall_id"], owner["terminal_id"]) != (config.hall_id, config.terminal_id):
        raise StoreError(
            f"{store.path} belongs to terminal {owner['terminal_id']} of hall {owner['hall_id']}, "
            f"not {config.terminal_id} of {config.hall_id}", code="store_foreign")


def _earliest(a: Candidate | None, b: Candidate | None) -> Candidate | None:
    if a is None or b is None:
        return a or b
    return a if (a.issued_ms, a.ticket_id) <= (b.issued_ms, b.ticket_id) else b


def view_with_ahead(conn: sqlite3.Connection, ticket: TicketView) -> TicketView:
    from dataclasses import replace

    return replace(ticket, ahead=ahead_of(conn, ticket))
