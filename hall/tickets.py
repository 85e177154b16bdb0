"""Tickets: 取号, 叫号 and every move of a ticket after it, each by a named actor.

A member desk asks its hub which ticket to call (so two windows never call one ticket) through
a `CallRouter` that sync/ plugs in; without one, or with the hub out of reach, it calls from
what it knows, and sync reports any clash later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from hall import queue
from hall.actors import Actor
from hall.call_choice import choose_next
from hall.clock import to_ms
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.identity import Holder
from hall.ids import new_id
from hall.numbering import IN_QUEUE, allocate, hall_day
from hall.queue import Action
from hall.ticket_views import COLUMNS, TicketView, ahead_of, find, view
from hall.timefmt import in_zone, iso_local, local_day, previous_day
from hall.windows import check_window_name

if TYPE_CHECKING:
    from hall.cards import CardRead


Move = tuple[str, dict[str, Any]]  # an event type and its payload beyond ticket_id and at


class CallRouter(Protocol):
    """Asks the hall's hub to decide a call. Returns the called ticket (recorded in this store),
    None when the hub cannot be reached (the caller then calls locally), or raises DomainError
    when the hub refuses (nothing waiting, the window busy)."""

    def call_next(self, window: str, by: Actor) -> TicketView | None: ...


class Tickets:
    def __init__(self, core: Core) -> None:
        self._core = core
        self.router: CallRouter | None = None
        # The hall's opening hours, asked before a ticket is issued (Hall plugs in
        # hall.settings.check_take; a bare Tickets never closes).
        self.opening: Callable[[str], None] = _always_open

    # -- 取号 ---------------------------------------------------------------------------------------
    def take(
        self,
        by: Actor,
        service_id: str,
        priority: str = "regular",
        *,
        appointment_at: datetime | None = None,
        window: str | None = None,
        holder: Holder | None = None,
        card: CardRead | None = None,
    ) -> Outcome[TicketView]:
        """Issue a ticket. `holder` marks who took it, when a card or code identified them (only
        a keyed hash of the number is kept); an unverified code still gets a ticket. `card` (a
        read the hall accepted, hall.cards) is the holder, and a card at or past the hall's
        elder age gives 老年人 priority by itself when no other priority was asked for."""
        core = self._core
        core.require(by, "take", "take_ticket")
        service = core.catalog.get(service_id)
        self.opening(service.id)
        if priority not in queue.PRIORITIES:
            raise DomainError(
                f"unknown priority {priority!r} (one of {', '.join(queue.PRIORITIES)})",
                code="unknown_priority", params={"priority": priority})
        if card is not None:
            holder = card.holder
            if card.elder and priority == "regular":
                priority = "elder"
        if (priority == "appointment") != (appointment_at is not None):
            raise DomainError("an appointment ticket needs its slot time, and only it has one",
                              code="appointment_slot")
        if appointment_at is not None:
            appointment_at = self._todays_slot(appointment_at)
        if window is not None:
            window = check_window_name(window)
        with core.write() as conn:
            ticket_id = self.issue_in(conn, by, service.id, service.series, priority,
                                      appointment_at=appointment_at, window=window,
                                      holder=holder)
            ticket = find(conn, ticket_id, core.zone)
            ticket = replace(ticket, ahead=ahead_of(conn, ticket,
                                                    core.catalog.group_of(service.id)))
        return core.outcome(ticket)

    def _todays_slot(self, moment: datetime) -> datetime:
        """An appointment ticket's slot, in hall time: a slot of today (a naive time is hall
        time). Other days are booked (hall.appointments), not taken."""
        core = self._core
        slot = in_zone(moment, core.zone)
        if slot is None:
            raise DomainError(f"an appointment slot of {moment.isoformat()} has no place on the "
                              "hall's calendar", code="appointment_slot")
        day = slot.date().isoformat()
        today = core.today()
        if day not in (today, local_day(core.now(), core.zone)):
            raise DomainError(f"an appointment ticket is for a slot of today ({today}), not of "
                              f"{day}: book other days as an appointment", code="appointment_day",
                              params={"day": day, "today": today})
        return slot

    def issue_in(self, conn: sqlite3.Connection, by: Actor, service_id: str, series: str,
                 priority: str, *, appointment_at: datetime | None = None,
                 window: str | None = None, holder: Holder | None = None) -> str:
        """Issue inside the caller's transaction (checked by the caller); the ticket's id."""
        core = self._core
        now = core.now()
        day = hall_day(conn, local_day(now, core.zone))  # fixed for good at issue
        number = allocate(conn, core.config, day, series)
        ticket_id = new_id()
        payload: dict[str, Any] = {
            "ticket_id": ticket_id,
            "service_id": service_id,
            "series": number.series,
            "number": number.number,
            "label": number.label,
            "day": day,
            "priority": priority,
            "issued_at": iso_local(now, core.zone),
            "leased": number.leased,
        }
        if appointment_at is not None:
            payload["appointment_at"] = iso_local(appointment_at, core.zone)
        if window is not None:
            payload["window"] = window
        if holder is not None:
            payload["holder"] = holder.record()
        core.emit(conn, EventType.TICKET_ISSUED, payload, by)
        return ticket_id

    # -- 叫号 ---------------------------------------------------------------------------------------
    def call_next(self, by: Actor, window: str) -> Outcome[TicketView]:
        """The hub decides when this desk is a member that can reach it (else the hall's peers'
        rule, sync/peercall.py); else this store does."""
        core = self._core
        core.require(by, "queue", "call")
        window = check_window_name(window)
        if self.router is not None:
            called = self.router.call_next(window, by)
            if called is not None:
                return core.outcome(replace(called, decided_by=called.decided_by or "hub"))
        with core.write() as conn:
            _ensure_window_free(conn, window)
            chosen = choose_next(conn, core.config.policy, window, core.today(),
                                 to_ms(core.now()))
            if chosen is None:
                raise DomainError(f"nothing waiting for window {window}", code="nothing_waiting",
                                  params={"window": window})
            core.emit(conn, EventType.TICKET_CALLED, {
                "ticket_id": chosen.ticket_id, "window": window, "called_at": core.now_iso(),
                "as_priority": chosen.priority}, by)
            ticket = find(conn, chosen.ticket_id, core.zone)
        return core.outcome(replace(ticket, decided_by="local"))

    def call_ticket(self, by: Actor, ref: str, window: str, *,
                    decided_by: str = "local") -> Outcome[TicketView]:
        """Call one given ticket (the hub decided which): the same checks as call_next."""
        core = self._core
        core.require(by, "queue", "call")
        window = check_window_name(window)
        with core.write() as conn:
            ticket = find(conn, ref, core.zone)
            queue.check(Action.CALL, ticket.status, ticket.number)
            _ensure_window_free(conn, window)
            urgent = conn.execute("SELECT urgent FROM tickets WHERE ticket_id = ?",
                                  (ticket.id,)).fetchone()[0]
            core.emit(conn, EventType.TICKET_CALLED, {
                "ticket_id": ticket.id, "window": window, "called_at": core.now_iso(),
                "as_priority": urgent == 1, "decided_by": decided_by}, by)
            ticket = find(conn, ticket.id, core.zone)
        return core.outcome(replace(ticket, decided_by=decided_by))

    # -- after the call -----------------------------------------------------------------------------
    def recall(self, by: Actor, ref: str) -> Outcome[TicketView]:
        """重呼; past the recall limit the ticket becomes a no-show (`status` says so)."""
        limit = self._core.config.policy.recall_limit

        def event(ticket: TicketView, conn: sqlite3.Connection) -> Move:
            if ticket.recalls >= limit:
                return EventType.TICKET_NO_SHOW, {"reason": "recall_limit"}
            return EventType.TICKET_RECALLED, {"window": ticket.window}

        return self._move(by, ref, Action.RECALL, event)

    def no_show(self, by: Actor, ref: str) -> Outcome[TicketView]:
        return self._move(by, ref, Action.NO_SHOW,
                          lambda t, c: (EventType.TICKET_NO_SHOW, {"reason": "clerk"}))

    def start(self, by: Actor, ref: str) -> Outcome[TicketView]:
        return self._move(by, ref, Action.START,
                          lambda t, c: (EventType.SERVICE_STARTED, {"window": t.window}))

    def done(self, by: Actor, ref: str) -> Outcome[TicketView]:
        return self._move(by, ref, Action.DONE, lambda t, c: (EventType.TICKET_DONE, {}))

    def park(self, by: Actor, ref: str) -> Outcome[TicketView]:
        return self._move(by, ref, Action.PARK, lambda t, c: (EventType.TICKET_PARKED, {}))

    def cancel(self, by: Actor, ref: str) -> Outcome[TicketView]:
        return self._move(by, ref, Action.CANCEL, lambda t, c: (EventType.TICKET_CANCELLED, {}))

    def resume(self, by: Actor, ref: str, window: str | None = None) -> Outcome[TicketView]:
        self._core.require(by, "queue", "resume")  # before the window name is judged
        named = check_window_name(window) if window is not None else None

        def event(ticket: TicketView, conn: sqlite3.Connection) -> Move:
            target = named or ticket.window
            if target is None:
                raise DomainError(f"ticket {ticket.number} has no window to resume at",
                                  code="no_window", params={"ticket": ticket.number})
            _ensure_window_free(conn, target)
            return EventType.TICKET_RESUMED, {"window": target}

        return self._move(by, ref, Action.RESUME, event)

    def transfer(self, by: Actor, ref: str, *, service_id: str | None = None,
                 window: str | None = None) -> Outcome[TicketView]:
        """转移 to another service or window, keeping the ticket's place (its issue time)."""
        self._core.require(by, "queue", "transfer")  # before the target is judged
        if service_id is None and window is None:
            raise DomainError("a transfer needs a service or a window to go to",
                              code="transfer_target")
        if service_id is not None:
            self._core.catalog.get(service_id)
        named = check_window_name(window) if window is not None else None
        return self._move(by, ref, Action.TRANSFER, lambda t, c: (
            EventType.TICKET_TRANSFERRED, {"service_id": service_id or t.service,
                                           "target_window": named}))

    # -- reading ------------------------------------------------------------------------------------
    def get(self, ref: str) -> TicketView:
        """A ticket by id or by its printed number (A003)."""
        ticket = find(self._core.conn, ref, self._core.zone)
        group = self._core.catalog.group_of(ticket.service)
        return replace(ticket, ahead=ahead_of(self._core.conn, ticket, group)) if (
            ticket.status == "waiting") else ticket

    def list(self, day: str | None = None, status: str | None = None) -> list[TicketView]:
        """The tickets of `day`; by default today's, and the day before's still in the queue
        (called or served today, they are never hidden by the day changing under them)."""
        if day is not None:
            sql = f"SELECT {COLUMNS} FROM tickets WHERE day = ?"
            params: list[Any] = [day]
        else:
            today = self._core.today()
            sql = (f"SELECT {COLUMNS} FROM tickets WHERE day IN (?, ?) AND (day = ? OR status IN "
                   f"{(*IN_QUEUE, 'called', 'serving')!r})")
            params = [today, previous_day(today), today]
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        rows = self._core.conn.execute(sql + " ORDER BY issued_ms, ticket_id", params).fetchall()
        return [view(r, self._core.zone) for r in rows]

    # -- internals ----------------------------------------------------------------------------------
    def _move(self, by: Actor, ref: str, action: Action,
              event: Callable[[TicketView, sqlite3.Connection], Move]) -> Outcome[TicketView]:
        """Every move of a called or waiting ticket: the permission, the ticket, the lifecycle
        rule (hall/queue.py), then the event `event` chooses for it, in one transaction."""
        core = self._core
        core.require(by, "queue", action.value.replace("-", "_"))
        with core.write() as conn:
            ticket = find(conn, ref, core.zone)
            queue.check(action, ticket.status, ticket.number)
            event_type, payload = event(ticket, conn)
            core.emit(conn, event_type, {"ticket_id": ticket.id, "at": core.now_iso(),
                                         **payload}, by)
            ticket = find(conn, ticket.id, core.zone)
        return core.outcome(ticket)

def _ensure_window_free(conn: sqlite3.Connection, window: str) -> None:
    row = conn.execute(
        "SELECT label, status FROM tickets WHERE window = ? AND status IN ('called', 'serving')",
        (window,),
    ).fetchone()
    if row is not None:
        raise DomainError(
            f"window {window} still holds {row[0]} ({row[1]}): finish it, park it, "
            "transfer it or mark it no-show first",
            code="window_busy", params={"window": window, "ticket": row[0], "status": row[1]})


def _always_open(service_id: str) -> None:
    return None
