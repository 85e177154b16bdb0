"""预约 decided by a hall's hub: the online channel's booking (POST /v1/appointments).

The hub is the one place that sees every terminal's bookings of its hall, so a booking it takes
is counted against all of them: under the hall's lock it replays the hall's appointment events
from its log, checks the slot (the hours and `booking` setting the hub last published), and
appends `AppointmentBooked` to its own stream, which terminals pull as any event. The citizen's
ID number is turned into the hall's keyed hash (the hall's index key, which the hub holds and
hands to its terminals) and dropped: only the hash is stored, so the kiosk's check-in by card
finds the booking.

A member terminal's desk or kiosk books through here too (sync/hubcall.py `HubBooking`), with
the holder's keyed hash instead of the number. Not yet: a leased share of seats for a terminal
whose hub is away (it refuses, `hub_unreachable`).

Bookings the central platform sold (sync/server/platform_bookings.py) arrive sealed for the hall
with what the hub pulls from its upstream; `adopt_online` opens each with the hall's private key
and books it here as any booking (channel `platform`), once.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from hall import booking_slots, hall_settings
from hall.appointments import SHARE_RELEASE_MIN
from hall.config import TerminalConfig
from hall.errors import ConfigError, DomainError, HallError
from hall.events import EventType
from hall.identity import blind_index
from hall.ids import new_id
from sync.server import authority
from sync.server.log import get_meta, lock_hall
from sync.server.tables import events

PLATFORM = "platform"  # the channel of a booking the central platform sold
log = logging.getLogger("tingduan.server.bookings")
_TYPES = (EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_RESCHEDULED,
          EventType.APPOINTMENT_CANCELLED)


def _leased(conn: Any, hall_id: str, service_id: str, day: str,
            terminal_id: str | None = None) -> dict[str, int]:
    """Seats of a day's slots leased to terminals (or to one) and not given back: HH:MM ->
    seats. A release counts from the terminal's own stream only (none gives back another's)."""
    out: dict[str, int] = {}
    for kind, stream, raw in conn.execute(
            select(events.c.type, events.c.terminal_id, events.c.payload).where(
                events.c.hall_id == hall_id, events.c.type.in_((
                    EventType.APPOINTMENT_SHARES_LEASED,
                    EventType.APPOINTMENT_SHARES_RELEASED)))):
        p = json.loads(raw)
        if p.get("service_id") != service_id or p.get("day") != day or (
                terminal_id is not None and p.get("terminal_id") != terminal_id):
            continue
        leased = kind == EventType.APPOINTMENT_SHARES_LEASED
        if not leased and stream != p.get("terminal_id"):
            continue
        for hhmm, n in dict(p.get("slots") or {}).items():
            out[str(hhmm)] = out.get(str(hhmm), 0) + (int(n) if leased else -int(n))
    return out


def _held(conn: Any, hall_id: str) -> list[tuple[str, datetime]]:
    """(service, slot start) of every booking the hub counts, from the hall's log: cancelled
    ones freed; a terminal's booking from its lease and the platform's bookings left out (the
    lease is counted whole, the platform sells its own share)."""
    held: dict[str, tuple[str, datetime]] = {}
    rows = conn.execute(select(events.c.type, events.c.payload).where(
        events.c.hall_id == hall_id, events.c.type.in_(_TYPES)).order_by(events.c.pos))
    for kind, raw in rows:
        p = json.loads(raw)
        aid = str(p.get("appointment_id"))
        if kind == EventType.APPOINTMENT_BOOKED and (p.get("channel") == PLATFORM
                                                     or p.get("lease_id")):
            continue
        if kind == EventType.APPOINTMENT_BOOKED:
            held[aid] = (str(p["service_id"]), datetime.fromisoformat(p["slot_at"]))
        elif kind == EventType.APPOINTMENT_RESCHEDULED and aid in held:
            held[aid] = (held[aid][0], datetime.fromisoformat(p["slot_at"]))
        elif kind == EventType.APPOINTMENT_CANCELLED:
            held.pop(aid, None)
    return list(held.values())


def _sold(conn: Any, hall_id: str, service_id: str, slot_at: datetime,
          held: list[tuple[str, datetime]] | None = None,
          leased: dict[str, int] | None = None) -> int:
    """Seats of one slot sold hall-wide: bookings the hub counts and seats leased to terminals
    (`held` and `leased` given when one caller asks for many slots of a day)."""
    if held is None:
        held = _held(conn, hall_id)
    if leased is None:
        leased = _leased(conn, hall_id, service_id, slot_at.date().isoformat())
    return leased.get(slot_at.strftime("%H:%M"), 0) + sum(
        1 for sid, at in held if sid == service_id and at == slot_at)


def _own_seat(conn: Any, hall_id: str, terminal_id: str, service_id: str,
              start: datetime) -> str | None:
    """A lease of this terminal with a seat of the slot not booked (its id), or None."""
    hhmm = start.strftime("%H:%M")
    mine = _leased(conn, hall_id, service_id, start.date().isoformat(), terminal_id)
    if mine.get(hhmm, 0) <= 0:
        return None
    leases: list[str] = []
    for (raw,) in conn.execute(select(events.c.payload).where(
            events.c.hall_id == hall_id, events.c.type == EventType.APPOINTMENT_SHARES_LEASED)):
        p = json.loads(raw)
        if (p.get("terminal_id") == terminal_id and p.get("service_id") == service_id
                and p.get("day") == start.date().isoformat()):
            leases.append(str(p["lease_id"]))
    booked: set[str] = set()
    for kind, raw in conn.execute(select(events.c.type, events.c.payload).where(
            events.c.hall_id == hall_id, events.c.type.in_((
                EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_CANCELLED)))
            .order_by(events.c.pos)):
        p = json.loads(raw)
        if kind == EventType.APPOINTMENT_CANCELLED:
            booked.discard(str(p.get("appointment_id")))
        elif (str(p.get("lease_id")) in leases and p.get("service_id") == service_id
              and datetime.fromisoformat(p["slot_at"]) == start):
            booked.add(str(p["appointment_id"]))
    return leases[-1] if leases and len(booked) < mine[hhmm] else None


def lease_shares(engine: Engine, hall_id: str, terminal_id: str, service_id: str,
                 day_text: str, seats: int, *, online: bool = True,
                 now: datetime | None = None) -> dict[str, int]:
    """Top up a terminal's share of each slot of a day (not yet over) to `seats`, from the
    seats still free: those seats are sold as far as the hub counts, and the terminal books
    them alone while the hub is away. Returns the terminal's whole share: HH:MM -> seats."""
    return lease_many(engine, hall_id, terminal_id, [service_id], day_text, seats,
                      online=online, now=now)[service_id]


def lease_many(engine: Engine, hall_id: str, terminal_id: str, service_ids: list[str],
               day_text: str, seats: int, *, online: bool = True,
               now: datetime | None = None) -> dict[str, dict[str, int]]:
    """`lease_shares` for many services in one transaction (a terminal's sync round asks for
    all it books), the hall's bookings read once: service -> HH:MM -> seats."""
    zone = TerminalConfig(hall_id=hall_id, terminal_id="hub").zone
    try:
        day = date.fromisoformat(day_text)
    except (TypeError, ValueError):
        raise DomainError("day YYYY-MM-DD", code="bad_slot") from None
    if not 0 <= seats <= 20:
        raise DomainError("seats: 0-20 a slot", code="bad_share")
    out: dict[str, dict[str, int]] = {}
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        hours, rules = _rules_of(conn, hall_id)
        held = _held(conn, hall_id)  # read once for every slot asked, not once a slot
        for service_id in dict.fromkeys(service_ids):
            mine = _leased(conn, hall_id, service_id, day_text, terminal_id)
            leased = _leased(conn, hall_id, service_id, day_text)
            more: dict[str, int] = {}
            for slot in booking_slots.slots_of(hours, rules, service_id, day):
                start = datetime.combine(day, time(slot.start // 60, slot.start % 60), zone)
                if start <= (now or datetime.now(UTC)) + timedelta(minutes=SHARE_RELEASE_MIN):
                    continue  # about to start (or over): a share is given back then, not leased
                free = (slot.capacity - (rules.online_share(slot.capacity) if online else 0)
                        - _sold(conn, hall_id, service_id, start, held, leased))
                want = min(seats - mine.get(slot.start_text, 0), free)
                if want > 0:
                    more[slot.start_text] = want
            if more:
                authority.append(conn, hall_id, EventType.APPOINTMENT_SHARES_LEASED, {
                    "lease_id": new_id(), "terminal_id": terminal_id,
                    "service_id": service_id, "day": day_text, "slots": more,
                    "at": datetime.now(UTC).isoformat(timespec="milliseconds")})
            out[service_id] = {k: mine.get(k, 0) + more.get(k, 0)
                               for k in sorted(set(mine) | set(more))}
    return out


def _rules_of(conn: Any, hall_id: str) -> tuple[Any, booking_slots.Booking]:
    """The hours and booking setting the hub last published."""
    doc = json.loads(get_meta(conn, "settings:" + hall_id, '{"settings": {}}'))
    settings = dict(doc.get("settings") or {})
    try:
        rules = booking_slots.parse(settings.get("booking"))
    except ConfigError:
        rules = booking_slots.DEFAULT
    return hall_settings.hours_of(settings), rules


def book(engine: Engine, data_dir: Path, hall_id: str, service_id: str, day_text: str,
         time_text: str, id_number: str = "", *, holder_key: str = "",
         terminal_id: str | None = None, online: bool = True,
         now: datetime | None = None) -> dict[str, Any]:
    """Book a seat for the holder of `id_number` (the platform's caller) or of `holder_key`
    (a terminal of the hall, which holds the index key and sends no number); DomainError
    `no_slot`, `slot_past`, `slot_full`. A terminal's booking (`terminal_id`) takes a seat of
    its own share when the slot is otherwise full: the share is that terminal's to sell, online
    as offline, so leasing it costs the hall no seat. `online`: the hub has an upstream, whose
    platform sells `online_seats` of each slot (none counted without one)."""
    from hall.security import keys

    zone = TerminalConfig(hall_id=hall_id, terminal_id="hub").zone
    try:
        day = date.fromisoformat(day_text)
        start_time = time.fromisoformat(time_text)
    except (TypeError, ValueError):
        raise DomainError("day YYYY-MM-DD and time HH:MM", code="bad_slot") from None
    if holder_key:
        if len(holder_key) != 64 or not all(c in "0123456789abcdef" for c in holder_key):
            raise DomainError("holder_key: the hall's keyed hash (64 hex)", code="bad_holder")
    elif id_number.strip():
        holder_key = blind_index(keys.load_or_create(data_dir, keys.INDEX), id_number)
    else:
        raise DomainError("the applicant's ID number is required", code="bad_holder")
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        doc = json.loads(get_meta(conn, "settings:" + hall_id, '{"settings": {}}'))
        settings = dict(doc.get("settings") or {})
        try:
            rules = booking_slots.parse(settings.get("booking"))
        except ConfigError:
            rules = booking_slots.DEFAULT
        slots = booking_slots.slots_of(hall_settings.hours_of(settings), rules, service_id, day)
        slot = next((s for s in slots if s.start_text == time_text[:5]), None)
        if slot is None:
            raise DomainError(f"{day_text} {time_text} is not a slot of {service_id}",
                              code="no_slot")
        start = datetime.combine(day, start_time, zone)
        if start + timedelta(minutes=slot.end - slot.start) <= (now or datetime.now(UTC)):
            raise DomainError("the slot is over", code="slot_past")
        sold = _sold(conn, hall_id, service_id, start)
        # the rest is the platform's, when there is one to sell it
        ours = slot.capacity - (rules.online_share(slot.capacity) if online else 0)
        lease_id = None
        if sold >= ours and terminal_id is not None:
            lease_id = _own_seat(conn, hall_id, terminal_id, service_id, start)
        if sold >= ours and lease_id is None:
            raise DomainError(f"the slot is full ({sold} of {ours})", code="slot_full")
        appointment_id = new_id()
        payload: dict[str, Any] = {
            "appointment_id": appointment_id, "service_id": service_id,
            "slot_at": start.isoformat(timespec="milliseconds"), "holder_key": holder_key,
            "channel": "online" if id_number else "terminal"}
        if lease_id is not None:
            payload["lease_id"] = lease_id
        authority.append(conn, hall_id, EventType.APPOINTMENT_BOOKED, payload)
    return {"id": appointment_id, "service": service_id, "day": day_text,
            "time": slot.start_text, "status": "booked"}


def hall_public_key(data_dir: Path) -> str:
    """The hall's X25519 public key (base64) the hub registers with the platform: the hall's
    pair (hall/security/hall_pair.py), the one its terminals seal with."""
    from hall.security import hall_pair

    return base64.b64encode(hall_pair.ensure(data_dir).public).decode("ascii")


def adopt_online(engine: Engine, data_dir: Path, hall_id: str) -> int:
    """Book here, once each, the platform's bookings the hub has pulled: the applicant opened
    with the hall's private key and kept only as the hall's keyed hash. Returns how many."""
    from hall.security import hall_pair, keys, sealbox
    from sync.server.platform_bookings import STREAM as platform_stream
    from sync.server.platform_bookings import context
    from sync.server.tables import UPSTREAM

    hall_pair.ensure(data_dir)
    ring = hall_pair.ring(data_dir)
    index = keys.load_or_create(data_dir, keys.INDEX)
    adopted = 0
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        # booked here already, or cancelled on the platform before it reached the hall (the
        # cancel would reach terminals ahead of a booking made now, and find nothing to cancel)
        done = {json.loads(raw).get("appointment_id") for (raw,) in conn.execute(
            select(events.c.payload).where(events.c.hall_id == hall_id, events.c.type.in_((
                EventType.APPOINTMENT_BOOKED, EventType.APPOINTMENT_CANCELLED))))}
        for (raw,) in conn.execute(select(events.c.payload).where(  # the platform's only
                events.c.hall_id == hall_id, events.c.terminal_id == platform_stream,
                events.c.pushed_by == UPSTREAM,
                events.c.type == EventType.APPOINTMENT_BOOKED_ONLINE).order_by(events.c.pos)):
            p = json.loads(raw)
            if p["appointment_id"] in done:
                continue
            try:
                holder = sealbox.open_json(ring, p["holder_sealed"], context=context(hall_id))
                holder_key = blind_index(index, str(holder["id_number"]))
            except (HallError, KeyError, TypeError, ValueError) as exc:
                log.warning("online booking %s not adopted: %s", p["appointment_id"], exc)
                continue
            authority.append(conn, hall_id, EventType.APPOINTMENT_BOOKED, {
                "appointment_id": p["appointment_id"], "service_id": p["service_id"],
                "slot_at": p["slot_at"], "holder_key": holder_key, "channel": PLATFORM})
            done.add(p["appointment_id"])
            adopted += 1
    return adopted
