"""预约 on the central platform (issue 26): the citizen books online for a hall, and cancels.

The platform opens nothing: the applicant's ID number is sealed at once for the hall's public
key (hall/security/sealbox.py, X25519) and only the sealed token is kept, in an
`AppointmentBookedOnline` event of the platform's own stream of that hall (`central`). The
hall's hub brings it down with everything else it pulls from its upstream, opens it with the
hall's private key, turns the number into the hall's keyed hash and books it as an
`AppointmentBooked` of its own stream (sync/server/bookings.py `adopt_online`): terminals find
it by card like any booking. A booking made while the hall's uplink is down waits on the
platform and arrives when the hub pulls again.

Seats: the platform sells only its share of each slot (`online_seats` of the hall's `booking`
setting, read from the hall's last published settings the platform holds); the hub and the
terminals sell the rest. The two never count the same seat, so a slot is never sold twice
whichever side is cut off. A hall registers its public key with the platform over its hub's
credential (`POST /v1/appointments/hall-key`): the public half of the hall's pair
(hall/security/hall_pair.py), the one its kiosks seal with and the directory publishes.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, select

from hall import booking_slots, hall_settings
from hall.config import TerminalConfig
from hall.errors import ConfigError, DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.security import sealbox
from sync.server import authority
from sync.server.log import get_meta, lock_hall, put_meta
from sync.server.tables import events

STREAM = "central"  # the platform's own stream of a hall
BY = {"kind": "system", "name": "platform", "role": "system"}
_KEY = "hall_public:"  # + hall: the hall's X25519 public key (base64)


def context(hall_id: str) -> str:
    """What a sealed applicant is bound to: it opens for this hall's bookings only."""
    return f"appointment:{hall_id}"


def register_key(engine: Engine, hall_id: str, public_b64: str) -> str:
    """The hall's public key, as its hub sends it; returns its key id."""
    try:
        public = base64.b64decode(public_b64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("public_key: base64 of 32 bytes", code="bad_key") from None
    if len(public) != 32:
        raise DomainError("public_key: an X25519 public key is 32 bytes", code="bad_key")
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        put_meta(conn, _KEY + hall_id, public_b64)
    return sealbox.public_kid(public)


def _rules(conn: Any, hall_id: str) -> tuple[Any, booking_slots.Booking]:
    """The hall's hours and booking setting from its last published settings here."""
    row = conn.execute(select(events.c.payload).where(
        events.c.hall_id == hall_id, events.c.type == EventType.HALL_SETTINGS_PUBLISHED)
        .order_by(events.c.pos.desc()).limit(1)).first()
    settings = dict(json.loads(row[0]).get("settings") or {}) if row is not None else {}
    try:
        rules = booking_slots.parse(settings.get("booking"))
    except ConfigError:
        rules = booking_slots.DEFAULT
    return hall_settings.hours_of(settings), rules


def _ours(conn: Any, hall_id: str) -> dict[str, tuple[str, str, str]]:
    """The platform's bookings of a hall still open: id -> (service, slot_at, status)."""
    held: dict[str, tuple[str, str, str]] = {}
    rows = conn.execute(select(events.c.type, events.c.payload).where(
        events.c.hall_id == hall_id, events.c.type.in_((
            EventType.APPOINTMENT_BOOKED_ONLINE, EventType.APPOINTMENT_CANCELLED,
            EventType.APPOINTMENT_CHECKED_IN, EventType.APPOINTMENT_MISSED)))
        .order_by(events.c.pos))
    for kind, raw in rows:
        p = json.loads(raw)
        aid = str(p.get("appointment_id"))
        if kind == EventType.APPOINTMENT_BOOKED_ONLINE:
            held[aid] = (str(p["service_id"]), str(p["slot_at"]), "booked")
        elif aid in held and held[aid][2] == "booked":
            status = {EventType.APPOINTMENT_CANCELLED: "cancelled",
                      EventType.APPOINTMENT_CHECKED_IN: "checked_in"}.get(kind, "no_show")
            held[aid] = (held[aid][0], held[aid][1], status)
    return held


def book(engine: Engine, hall_id: str, service_id: str, day_text: str, time_text: str,
         id_number: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Book one of the platform's seats of a slot: `no_slot`, `slot_past`, `slot_full`,
    `hall_key_missing` (the hall never registered its key: nothing can be sealed for it)."""
    zone = TerminalConfig(hall_id=hall_id, terminal_id="central").zone
    try:
        day = date.fromisoformat(day_text)
        start_time = time.fromisoformat(time_text)
    except (TypeError, ValueError):
        raise DomainError("day YYYY-MM-DD and time HH:MM", code="bad_slot") from None
    if not id_number.strip():
        raise DomainError("the applicant's ID number is required", code="bad_holder")
    from sync.server import directory

    directory.ensure(engine)
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        # the directory's pinned key first (issue 24: pinned once, changed only by the
        # platform's operator); else the one the hub registered (a hall not listed yet)
        pinned = conn.execute(select(directory.halls.c.public_key).where(
            directory.halls.c.hall_id == hall_id)).first()
        public_b64 = (pinned.public_key if pinned is not None and pinned.public_key
                      else get_meta(conn, _KEY + hall_id))
        if not public_b64:
            raise DomainError(f"hall {hall_id} has not registered its public key",
                              code="hall_key_missing")
        hours, rules = _rules(conn, hall_id)
        slots = booking_slots.slots_of(hours, rules, service_id, day)
        slot = next((s for s in slots if s.start_text == time_text[:5]), None)
        if slot is None:
            raise DomainError(f"{day_text} {time_text} is not a slot of {service_id}",
                              code="no_slot")
        start = datetime.combine(day, start_time, zone)
        if start + timedelta(minutes=slot.end - slot.start) <= (now or datetime.now(UTC)):
            raise DomainError("the slot is over", code="slot_past")
        share = rules.online_share(slot.capacity)
        slot_at = start.isoformat(timespec="milliseconds")
        sold = sum(1 for s, at, status in _ours(conn, hall_id).values()
                   if s == service_id and at == slot_at and status != "cancelled")
        if sold >= share:
            raise DomainError(f"the platform's seats of the slot are taken ({sold} of {share})",
                              code="slot_full")
        sealed = sealbox.seal_json(base64.b64decode(public_b64),
                                   {"id_number": id_number.strip()}, context=context(hall_id))
        appointment_id = new_id()
        authority.append(conn, hall_id, EventType.APPOINTMENT_BOOKED_ONLINE, {
            "appointment_id": appointment_id, "service_id": service_id, "slot_at": slot_at,
            "holder_sealed": sealed, "at": datetime.now(UTC).isoformat(timespec="milliseconds")},
            stream=STREAM, by=BY)
    return {"id": appointment_id, "service": service_id, "day": day_text,
            "time": slot.start_text, "status": "booked"}


def cancel(engine: Engine, hall_id: str, appointment_id: str) -> dict[str, Any]:
    """The citizen cancels a booking the platform made: `unknown_appointment`, or
    `appointment_closed` once the hall has checked it in or recorded a no-show (as it reached
    the platform)."""
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        held = _ours(conn, hall_id).get(appointment_id)
        if held is None:
            raise DomainError(f"no online appointment {appointment_id!r}",
                              code="unknown_appointment")
        if held[2] != "booked":
            raise DomainError(f"appointment {appointment_id} is {held[2]}",
                              code="appointment_closed", params={"status": held[2]})
        authority.append(conn, hall_id, EventType.APPOINTMENT_CANCELLED, {
            "appointment_id": appointment_id,
            "at": datetime.now(UTC).isoformat(timespec="milliseconds")}, stream=STREAM, by=BY)
    return {"id": appointment_id, "service": held[0], "day": held[1][:10],
            "time": held[1][11:16], "status": "cancelled"}
