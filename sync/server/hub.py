"""Call-next on the hub: one decision at a time, from the hub's own projection of the hall.

The hub keeps a hall store per hall (the same projections a terminal has), catches it up from the
server log before each decision, and marks the chosen ticket called there, so a second window
asking at the same moment gets the next ticket, never the same one.

A decision is an *offer* until the desk's own TicketCalled for it reaches the hub: that event, in
the hall log, is the one record of the call (the hub's mark stays in its private store). An offer
the desk never confirms is never left hanging:
- the same window asking again gets the same ticket (its answer was lost on the way);
- a call of another ticket at that window, or of the offered ticket at another window (the desk
  timed out and called locally), withdraws it at once: the ticket waits again in its place;
- otherwise it expires after `offer_ttl` seconds and the ticket is offered anew.
We chose an expiring offer over putting the hub's decision in the hall log: the desk that serves
the ticket stays its only writer, so there is nothing to compensate hall-wide, the display never
shows a call no clerk is making, and the server's log and its forwarding upstream are unchanged.
A desk that records an offer after it expired and was given to another window meets the same
call conflict an offline call does, reported at sync on both desks.

Offers live in the hub store's `sync_state` (written before and after the decision), so a hub
restart keeps them, and a decision cut in half by a kill is completed on the next call.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from hall import event_rules, pad_window
from hall.actors import Actor
from hall.app import Hall
from hall.catalog import load_catalog
from hall.clock import now_ms as _now_ms
from hall.config import TerminalConfig
from hall.core import Core
from hall.errors import DomainError, HallError, StoreError
from hall.events import Event, EventType
from hall.store import Store
from hall.store.eventlog import insert
from hall.store.projections import apply
from hall.ticket_views import URGENCIES
from sync.local import UNPROJECTABLE
from sync.server.tables import events
from sync.wire import CallResponse

HUB_TERMINAL = "hub"
HUB_LOG = "hub-log"  # the server's hub stream as this projection keeps it (see _catch_up)
OFFER_TTL_S = 30.0
OFFER_CAP = 2  # unconfirmed offers one credential holds at once (a desk serves one window)
HUB = Actor.system("hub")  # the hub deciding a call in its own projection of the hall
_APPLIED = "hub_applied_pos"
_OFFER = "hub_offer:"  # + window: {"ticket_id", "label", "expires_ms", "streak", "targeted"}
_TICKET_EVENTS = frozenset({
    EventType.TICKET_CALLED, EventType.TICKET_RECALLED, EventType.TICKET_NO_SHOW,
    EventType.SERVICE_STARTED, EventType.TICKET_DONE, EventType.TICKET_TRANSFERRED,
    EventType.TICKET_PARKED, EventType.TICKET_RESUMED, EventType.TICKET_CANCELLED,
    EventType.TICKET_CALL_WITHDRAWN})


class CallRefused(Exception):
    """The hub refuses the call (409: window busy, a conflict) or cannot decide now (503)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class CallDesk:
    def __init__(self, engine: Engine, data_dir: Path, *, offer_ttl: float = OFFER_TTL_S) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.offer_ttl = offer_ttl
        self._lock = threading.Lock()
        self._halls: dict[str, Hall] = {}

    def close(self) -> None:
        with self._lock:
            for hall in self._halls.values():
                hall.core.store.close()
            self._halls.clear()

    def _hall(self, hall_id: str) -> Hall:
        hall = self._halls.get(hall_id)
        if hall is None:
            store = Store.open(self.data_dir / "hub-halls" / hall_id)
            config = TerminalConfig(hall_id=hall_id, terminal_id=HUB_TERMINAL)
            hall = Hall(Core(store, config, load_catalog()))
            self._halls[hall_id] = hall
        return hall

    # -- the decision ---------------------------------------------------------------------------
    def call_next(self, hall_id: str, window: str, holder: str | None = None) -> CallResponse:
        """The ticket this window calls next, or none waiting; CallRefused otherwise. `holder`:
        the desk asking; it holds at most OFFER_CAP unconfirmed offers at once (a stolen
        credential asking for made-up windows cannot hold the hall's queue)."""
        with self._lock:
            try:
                return self._call_next(hall_id, window, holder)
            except DomainError as exc:
                raise CallRefused(409, exc.code, exc.message) from exc
            except StoreError as exc:
                if exc.code in ("store_busy", "disk_full"):
                    raise CallRefused(503, exc.code, exc.message) from exc
                raise CallRefused(409, "conflict", exc.message) from exc

    def refresh(self, hall_id: str) -> None:
        """Bring the hub's store of a hall up to the log: offers confirmed, voided or expired."""
        with self._lock:
            self._refresh(self._hall(hall_id))

    def served_windows(self, hall_id: str, ticket_ids: list[str]) -> dict[str, str | None]:
        """The window that served each of these tickets, for those the hall's log holds (the
        projection caught up first): a rating pad's ratings are checked against them."""
        with self._lock:
            hall = self._hall(hall_id)
            self._refresh(hall)
            out: dict[str, str | None] = {}
            for ticket_id in dict.fromkeys(ticket_ids):
                known, window = pad_window.served_window(hall.core.store.conn, ticket_id)
                if known:
                    out[ticket_id] = window
            return out

    def _refresh(self, hall: Hall) -> None:
        self._complete_halves(hall)
        self._catch_up(hall)
        self._expire(hall)

    def _call_next(self, hall_id: str, window: str, holder: str | None = None) -> CallResponse:
        hall = self._hall(hall_id)
        self._refresh(hall)
        offers = _offers(hall.core.store.conn)
        offer = offers.get(window)
        if offer is not None:  # asked again before confirming: the answer was lost on the way
            offer["expires_ms"] = _now_ms() + int(self.offer_ttl * 1000)
            with hall.core.store.write() as conn:
                _put_offer(conn, window, offer)
            return CallResponse(ticket_id=offer["ticket_id"], label=offer["label"])
        held = sum(1 for o in offers.values() if holder is not None and o.get("holder") == holder)
        if held >= OFFER_CAP:
            raise DomainError(f"terminal {holder} holds {held} calls no desk has confirmed: "
                              "confirm or let them expire first", code="offer_cap")
        conn = hall.core.store.conn
        row = conn.execute("SELECT regular_streak FROM windows WHERE window = ?",
                           (window,)).fetchone()
        targeted = [r[0] for r in conn.execute(
            f"SELECT ticket_id FROM tickets WHERE status = 'waiting' AND urgent IN {URGENCIES} "
            "AND target_window = ?",
            (window,))]
        pending = {"ticket_id": None, "label": None, "streak": None if row is None else row[0],
                   "targeted": targeted, "holder": holder,
                   "expires_ms": _now_ms() + int(self.offer_ttl * 1000)}
        with hall.core.store.write() as wconn:
            _put_offer(wconn, window, pending)
        try:
            ticket = hall.tickets.call_next(HUB, window).value
        except HallError as exc:
            with hall.core.store.write() as wconn:
                _drop_offer(wconn, window)
            if exc.code == "nothing_waiting":
                return CallResponse(ticket_id=None, label=None, reason=exc.message)
            raise
        with hall.core.store.write() as wconn:
            _put_offer(wconn, window, {**pending, "ticket_id": ticket.id, "label": ticket.number})
        return CallResponse(ticket_id=ticket.id, label=ticket.number)

    # -- offers ---------------------------------------------------------------------------------
    def _complete_halves(self, hall: Hall) -> None:
        """An offer written before a decision that a kill cut short: the ticket now called at
        its window (the window was free, so it is the hub's choice), or no offer at all."""
        for window, offer in _offers(hall.core.store.conn).items():
            if offer["ticket_id"] is not None:
                continue
            row = hall.core.store.conn.execute(
                "SELECT ticket_id, label FROM tickets WHERE window = ? "
                "AND status IN ('called', 'serving') AND status = 'called'",  # ix_tickets_at_window
                (window,)).fetchone()
            with hall.core.store.write() as conn:
                if row is None:
                    _drop_offer(conn, window)
                else:
                    _put_offer(conn, window, {**offer, "ticket_id": row[0], "label": row[1]})

    def _expire(self, hall: Hall) -> None:
        now = _now_ms()
        lapsed = {w: o for w, o in _offers(hall.core.store.conn).items() if o["expires_ms"] <= now}
        if lapsed:
            with hall.core.write(source="sync") as conn:
                for window, offer in lapsed.items():
                    self._withdraw(hall, conn, window, offer, "expired")

    def _withdraw(self, hall: Hall, conn: sqlite3.Connection, window: str,
                  offer: dict[str, Any], why: str) -> None:
        """The offer's ticket waits again in its place; the window is free at the hub."""
        _drop_offer(conn, window)
        ticket_id = offer["ticket_id"]
        hall.core.emit(conn, EventType.TICKET_CALL_WITHDRAWN, {
            "ticket_id": ticket_id, "window": window, "at": hall.core.now_iso(), "reason": why,
            "target_window": window if ticket_id in offer.get("targeted", []) else None,
            "regular_streak": offer.get("streak")}, HUB)

    def _settle(self, hall: Hall, conn: sqlite3.Connection, ev: Event) -> bool:
        """Before a terminal's event is projected: does it confirm an offer (True: the hub's
        store shows that call already), or void one (the offered ticket waits again first)?"""
        p = ev.payload
        ticket_id, window = p.get("ticket_id"), p.get("window")
        offers = _offers(conn)
        calls = ev.type in (EventType.TICKET_CALLED, EventType.TICKET_RESUMED)
        for held_at, offer in offers.items():
            if offer["ticket_id"] is None:
                continue
            if calls and offer["ticket_id"] == ticket_id and held_at == window:
                _drop_offer(conn, held_at)  # confirmed: the desk's event is the call now
                return ev.type == EventType.TICKET_CALLED
            if offer["ticket_id"] == ticket_id or (calls and held_at == window):
                why = ("the window called another ticket" if held_at == window else
                       f"terminal {ev.terminal_id} moved the ticket ({ev.type})")
                self._withdraw(hall, conn, held_at, offer, why)
        return False

    # -- catching up with the hall log ----------------------------------------------------------
    def _catch_up(self, hall: Hall) -> None:
        conn = hall.core.store.conn
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (_APPLIED,)).fetchone()
        after = int(row[0]) if row else 0
        while True:
            with self.engine.connect() as sconn:
                rows = sconn.execute(
                    select(events.c.pos, events.c.event_id, events.c.terminal_id,
                           events.c.terminal_seq, events.c.hlc, events.c.type,
                           events.c.schema_version, events.c.payload)
                    .where(events.c.hall_id == hall.config.hall_id, events.c.pos > after)
                    .order_by(events.c.pos).limit(2000)).all()
            if not rows:
                return
            with hall.core.write(source="sync") as wconn:
                for r in rows:
                    ev = Event(r.event_id, hall.config.hall_id, r.terminal_id, r.terminal_seq,
                               r.hlc, r.type, json.loads(r.payload), r.schema_version)
                    if r.terminal_id == HUB_TERMINAL:  # the server's own stream (settings,
                        # accounts, audit) shares the name of this projection's own offers:
                        # kept apart, or the first offer after a published setting collides
                        ev = replace(ev, terminal_id=HUB_LOG)
                    if event_rules.refusal(ev) is not None or pad_window.served_refusal(
                            wconn, ev.type, ev.payload) is not None:
                        # Stored by an older release, or brought from upstream: the hub's
                        # projection never takes what no hop may apply; terminals list it.
                        continue
                    if not insert(wconn, ev):
                        continue
                    hall.core.hlc.observe(ev.hlc)
                    confirmed = ev.type in _TICKET_EVENTS and self._settle(hall, wconn, ev)
                    if not confirmed and not _already_called(wconn, ev):
                        _apply_quietly(wconn, ev)
                after = rows[-1].pos
                wconn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) "
                              "DO UPDATE SET value = excluded.value", (_APPLIED, str(after)))


def _offers(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    rows = conn.execute("SELECT key, value FROM sync_state WHERE key >= ? AND key < ?",
                        (_OFFER, _OFFER[:-1] + chr(ord(_OFFER[-1]) + 1))).fetchall()
    return {str(k)[len(_OFFER):]: json.loads(v) for k, v in rows}


def _put_offer(conn: sqlite3.Connection, window: str, offer: dict[str, Any]) -> None:
    conn.execute("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key) "
                 "DO UPDATE SET value = excluded.value", (_OFFER + window, json.dumps(offer)))


def _drop_offer(conn: sqlite3.Connection, window: str) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = ?", (_OFFER + window,))


def _already_called(conn: sqlite3.Connection, ev: Event) -> bool:
    """A desk's own TicketCalled for a call the hub's store shows already."""
    if ev.type != EventType.TICKET_CALLED:
        return False
    row = conn.execute("SELECT status, window FROM tickets WHERE ticket_id = ?",
                       (ev.payload.get("ticket_id"),)).fetchone()
    return row is not None and row[0] in ("called", "serving") and row[1] == ev.payload.get(
        "window")


def _apply_quietly(conn: sqlite3.Connection, ev: Event) -> None:
    """Project one event of the log; one the store refuses (its driver's IntegrityError, through
    the store's mapping) or cannot read is skipped: the terminals report it at their sync."""
    conn.execute("SAVEPOINT hub_apply")
    try:
        apply(conn, ev)
    except UNPROJECTABLE:
        conn.execute("ROLLBACK TO hub_apply")
    conn.execute("RELEASE hub_apply")
