"""预约 and 预约签到: an appointment holder checks in by card at a kiosk and gets a ticket at the
appointment's priority (counted as priority from a little before the slot: CallPolicy
`appointment_early_minutes`).

Appointments come from the platform's booking (pulled like any event) or are booked at a desk.
Only a keyed hash of the holder's number is kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from hall.actors import Actor
from hall.cards import CardRead
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.ticket_views import TicketView, find
from hall.tickets import Tickets
from hall.timefmt import in_zone, iso_local, iso_of_ms


@dataclass(frozen=True)
class Appointment:
    id: str
    service: str
    slot_at: str
    day: str
    status: str  # booked | checked_in
    ticket_id: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Appointments:
    def __init__(self, core: Core, tickets: Tickets) -> None:
        self._core = core
        self._tickets = tickets

    def book(self, by: Actor, service_id: str, slot_at: datetime,
             holder_key: str) -> Outcome[Appointment]:
        core = self._core
        core.require(by, "appointment", "book_appointment")
        core.catalog.get(service_id)
        if len(holder_key) != 64:
            raise DomainError("an appointment is kept by the holder's keyed hash",
                              code="bad_holder")
        local = in_zone(slot_at, core.zone)
        if local is None:
            raise DomainError(f"an appointment slot of {slot_at.isoformat()} has no place on the "
                              "hall's calendar", code="appointment_slot")
        slot = iso_local(local, core.zone)
        if slot[:10] < core.today():
            raise DomainError("an appointment slot in the past", code="slot_past")
        appointment_id = new_id()
        with core.write() as conn:
            core.emit(conn, EventType.APPOINTMENT_BOOKED, {
                "appointment_id": appointment_id, "service_id": service_id, "slot_at": slot,
                "holder_key": holder_key}, by)
        return core.outcome(self.get(appointment_id))

    def of_holder(self, holder_key: str, day: str | None = None) -> list[Appointment]:
        rows = self._core.conn.execute(
            "SELECT appointment_id FROM appointments WHERE holder_key = ? AND day = ? "
            "ORDER BY slot_ms", (holder_key, day or self._core.today())).fetchall()
        return [self.get(r[0]) for r in rows]

    def check_in(self, by: Actor, read: CardRead) -> Outcome[TicketView]:
        """The holder's next booked appointment of today becomes a ticket, in one transaction."""
        core = self._core
        core.require(by, "check_in", "check_in")
        booked = [a for a in self.of_holder(read.holder.key) if a.status == "booked"]
        if not booked:
            raise DomainError("no appointment today for this card", code="no_appointment")
        chosen = booked[0]
        service = core.catalog.get(chosen.service)
        slot = datetime.fromisoformat(chosen.slot_at)
        with core.write() as conn:
            ticket_id = self._tickets.issue_in(conn, by, service.id, service.series,
                                               "appointment", appointment_at=slot,
                                               holder=read.holder)
            core.emit(conn, EventType.APPOINTMENT_CHECKED_IN, {
                "appointment_id": chosen.id, "ticket_id": ticket_id, "at": core.now_iso()}, by)
            ticket = find(conn, ticket_id, core.zone)
        return core.outcome(ticket)

    def get(self, appointment_id: str) -> Appointment:
        row = self._core.conn.execute(
            "SELECT appointment_id, service_id, slot_ms, day, status, ticket_id "
            "FROM appointments WHERE appointment_id = ?", (appointment_id,)).fetchone()
        if row is None:
            raise DomainError(f"no appointment {appointment_id!r}", code="unknown_appointment")
        return Appointment(row[0], row[1], iso_of_ms(row[2], self._core.zone), row[3], row[4],
                           row[5])

