"""预约 and 预约签到: booking a slot, cancelling and moving it, and checking in by card at a kiosk
or a desk for a ticket at the appointment's priority (counted as priority from a little before
the slot: CallPolicy `appointment_early_minutes`).

Slots come from the hall's hours and its `booking` setting (hall/booking_slots.py). A slot is
never sold twice on one store: the count and the booking are one write transaction. Across
terminals the hall's hub is the one store that decides (a member terminal's booking is not yet
routed through it: see docs/architecture.md, 预约).

Appointments come from the platform's booking (pulled like any event) or are booked at a desk
or kiosk. Only a keyed hash of the holder's number is kept.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from hall import booking_slots
from hall.actors import Actor
from hall.booking_slots import Slot
from hall.cards import CardRead
from hall.changes import NOTHING
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from hall.ticket_views import TicketView, find
from hall.tickets import Tickets
from hall.timefmt import in_zone, iso_local, iso_of_ms

# Seats a slot has sold: cancelled ones are free again.
_HOLDING = ("booked", "checked_in", "late", "no_show")
# A terminal's unused share of a slot goes back to the hub this close to the slot's start.
SHARE_RELEASE_MIN = 30
_SYNC = Actor.system("sync")  # who gives seats back: the terminal's sync round


class BookingRouter(Protocol):
    def book(self, service_id: str, day: str, time: str, holder_key: str) -> str: ...


@dataclass(frozen=True)
class SlotView:
    start: str  # HH:MM, hall time
    end: str
    capacity: int
    booked: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckIn:
    """What a check-in gave: the ticket, the appointment, and whether it came too late (then
    the ticket is a walk-in's and `note` says so plainly)."""

    ticket: TicketView
    appointment: Appointment
    late: bool
    note: str | None


@dataclass(frozen=True)
class NoShowSweep:
    missed: tuple[str, ...]  # appointments recorded as no-shows by this sweep
    next_at: datetime | None  # when the next one is due (None: no open booking)
    checked_at: datetime  # the hall's clock at the sweep: next_at - checked_at is the sleep

    @property
    def wait_s(self) -> float | None:
        return None if self.next_at is None else (self.next_at - self.checked_at).total_seconds()


@dataclass(frozen=True)
class Appointment:
    id: str
    service: str
    slot_at: str
    day: str
    status: str  # booked | checked_in | late | cancelled | no_show
    ticket_id: str | None

    @property
    def time(self) -> str:
        return self.slot_at[11:16]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "service": self.service, "day": self.day, "time": self.time,
                "status": self.status, "slot_at": self.slot_at, "ticket_id": self.ticket_id}


class Appointments:
    def __init__(self, core: Core, tickets: Tickets, settings: Any = None) -> None:
        self._core = core
        self._tickets = tickets
        self.settings = settings  # hall.settings.Settings: the hours and the booking rules
        # A member terminal enrolled with a hub books through it (sync/hubcall.py HubBooking):
        # the hub counts every terminal's seats. None: this store decides (a standalone
        # station, or a member not enrolled yet).
        self.router: BookingRouter | None = None

    # -- slots ------------------------------------------------------------------------------------
    def _slots(self, service_id: str, day: date) -> list[Slot]:
        settings = self._settings()
        return booking_slots.slots_of(settings.hours(), settings.booking(), service_id, day)

    def _settings(self) -> Any:
        from hall.settings import Settings  # one per Hall; built lazily for a bare Appointments

        if self.settings is None:
            self.settings = Settings(self._core)
        return self.settings

    def slots(self, service_id: str, day_text: str) -> list[SlotView]:
        """The day's slots of a service with what each has sold."""
        service = self._core.catalog.get(service_id)
        day = _day(day_text)
        counts = dict(self._core.conn.execute(
            "SELECT slot_ms, COUNT(*) FROM appointments WHERE service_id = ? AND day = ? "
            f"AND status IN ({','.join('?' * len(_HOLDING))}) GROUP BY slot_ms",
            (service.id, day.isoformat(), *_HOLDING)).fetchall())
        return [SlotView(s.start_text, s.end_text, s.capacity,
                         int(counts.get(self._ms(day, s.start), 0)))
                for s in self._slots(service.id, day)]

    def open_slots(self, service_id: str, days: int = 7, limit: int = 12
                   ) -> list[tuple[str, SlotView]]:
        """The next slots with a free seat from now on (today's not yet over, then the next
        `days` days), at most `limit`: what the kiosk offers when today's wait is long."""
        now = self._core.now()
        today = in_zone(now, self._core.zone) or now
        out: list[tuple[str, SlotView]] = []
        for n in range(days + 1):
            day = (today + timedelta(days=n)).date()
            for slot in self.slots(service_id, day.isoformat()):
                hour, minute = slot.end.split(":")  # may be 24:00
                over = self._at(day, int(hour) * 60 + int(minute)) <= now
                if not over and slot.booked < slot.capacity:
                    out.append((day.isoformat(), slot))
                    if len(out) >= limit:
                        return out
        return out

    def _at(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, time(0), self._core.zone) + timedelta(minutes=minute)

    def _ms(self, day: date, minute: int) -> int:
        return int(self._at(day, minute).timestamp() * 1000)

    def _slot(self, service_id: str, moment: datetime) -> tuple[date, Slot]:
        """The slot holding a moment (hall time), or `no_slot` naming the day's slots."""
        local = in_zone(moment, self._core.zone)
        if local is None:
            raise DomainError(f"an appointment slot of {moment.isoformat()} has no place on the "
                              "hall's calendar", code="appointment_slot")
        day = local.date()
        minute = local.hour * 60 + local.minute
        slots = self._slots(service_id, day)
        for slot in slots:
            if slot.start <= minute < slot.end:
                return day, slot
        starts = ", ".join(s.start_text for s in slots[:8])
        raise DomainError(
            f"no bookable slot of {service_id} at {day.isoformat()} {local.strftime('%H:%M')} "
            f"({'the slots start at ' + starts if slots else 'none that day'})",
            code="no_slot", params={"service": service_id, "day": day.isoformat(),
                                   "time": local.strftime("%H:%M")})

    def _check_seat(self, conn: Any, service_id: str, day: date, slot: Slot) -> None:
        """Inside the booking's write transaction, so two bookings of one store never both
        take the last seat."""
        end = self._at(day, slot.end)
        if end <= self._core.now():
            raise DomainError(f"the slot {day.isoformat()} {slot.start_text}-{slot.end_text} "
                              "is over", code="slot_past",
                              params={"day": day.isoformat(), "time": slot.start_text})
        sold = conn.execute(
            "SELECT COUNT(*) FROM appointments WHERE service_id = ? AND slot_ms = ? "
            f"AND status IN ({','.join('?' * len(_HOLDING))})",
            (service_id, self._ms(day, slot.start), *_HOLDING)).fetchone()[0]
        if sold >= slot.capacity:
            raise DomainError(f"the slot {day.isoformat()} {slot.start_text} is full "
                              f"({sold} of {slot.capacity} booked)", code="slot_full",
                              params={"day": day.isoformat(), "time": slot.start_text,
                                      "capacity": slot.capacity})

    # -- booking ------------------------------------------------------------------------------------
    def book(self, by: Actor, service_id: str, slot_at: datetime,
             holder_key: str) -> Outcome[Appointment]:
        """Book the slot holding `slot_at` (kept as the slot's start): `no_slot`, `slot_past`
        (the slot is over), `slot_full`, `already_booked` (this holder in this slot)."""
        return self._book(by, service_id, slot_at, holder_key, "appointment")

    def _book(self, by: Actor, service_id: str, slot_at: datetime, holder_key: str,
              permission: str) -> Outcome[Appointment]:
        core = self._core
        core.require(by, permission, "book_appointment")
        service = core.catalog.get(service_id)
        if len(holder_key) != 64:
            raise DomainError("an appointment is kept by the holder's keyed hash",
                              code="bad_holder")
        day, slot = self._slot(service.id, slot_at)
        start = self._at(day, slot.start)
        if self.router is not None:
            if self._at(day, slot.end) <= core.now():
                self._check_seat(core.conn, service.id, day, slot)  # says slot_past
            try:
                found = self.router.book(service.id, day.isoformat(), slot.start_text,
                                         holder_key)
            except DomainError as away:
                if away.code != "hub_unreachable":
                    raise
                return self._book_from_share(by, service.id, day, slot, holder_key, away)
            return Outcome(self.get(found), core.last_changes)
        appointment_id = new_id()
        with core.write() as conn:
            self._check_seat(conn, service.id, day, slot)
            mine = conn.execute(
                "SELECT 1 FROM appointments WHERE holder_key = ? AND service_id = ? AND "
                "slot_ms = ? AND status = 'booked'",
                (holder_key, service.id, self._ms(day, slot.start))).fetchone()
            if mine is not None:
                raise DomainError("this card already holds that slot", code="already_booked")
            core.emit(conn, EventType.APPOINTMENT_BOOKED, {
                "appointment_id": appointment_id, "service_id": service.id,
                "slot_at": iso_local(start, core.zone), "holder_key": holder_key}, by)
        return core.outcome(self.get(appointment_id))

    def _book_from_share(self, by: Actor, service_id: str, day: date, slot: Slot,
                         holder_key: str, away: DomainError) -> Outcome[Appointment]:
        """The hub is away: a seat of the share it leased this terminal for the slot
        (AppointmentSharesLeased, sync/server/bookings.py), which the hub counts as sold
        already, so no one else sells it. None left: the hub's refusal stands."""
        core = self._core
        appointment_id = new_id()
        slot_ms = self._ms(day, slot.start)
        with core.write() as conn:
            net, leases = self._share(conn, service_id, day.isoformat())
            leased = net.get(slot.start_text, 0)
            used = self._share_used(conn, leases, service_id, slot_ms)
            if used >= leased or not leases:
                raise DomainError(f"{away.message}; this terminal's share of the slot "
                                  f"{slot.start_text} is {'used up' if leases else 'none'}",
                                  code="hub_unreachable", params={"share": leased})
            core.emit(conn, EventType.APPOINTMENT_BOOKED, {
                "appointment_id": appointment_id, "service_id": service_id,
                "slot_at": iso_local(self._at(day, slot.start), core.zone),
                "holder_key": holder_key, "lease_id": str(leases[-1]["lease_id"])}, by)
        return core.outcome(self.get(appointment_id))

    def _share(self, conn: Any, service_id: str, day: str
               ) -> tuple[dict[str, int], list[dict[str, Any]]]:
        """This terminal's share of a day's slots net of the seats it gave back (HH:MM ->
        seats), and its leases of that day."""
        me = self._core.config.terminal_id
        net: dict[str, int] = {}
        leases: list[dict[str, Any]] = []
        for kind, raw in conn.execute(
                "SELECT type, payload FROM events WHERE type IN (?, ?) AND "
                "json_extract(payload, '$.day') = ? AND json_extract(payload, '$.service_id') = ?",
                (EventType.APPOINTMENT_SHARES_LEASED, EventType.APPOINTMENT_SHARES_RELEASED,
                 day, service_id)):
            p = json.loads(raw)
            if p.get("terminal_id") != me:
                continue
            leased = kind == EventType.APPOINTMENT_SHARES_LEASED
            if leased:
                leases.append(p)
            for hhmm, n in dict(p.get("slots") or {}).items():
                net[str(hhmm)] = net.get(str(hhmm), 0) + (int(n) if leased else -int(n))
        return net, leases

    def _share_used(self, conn: Any, leases: list[dict[str, Any]], service_id: str,
                    slot_ms: int) -> int:
        """Seats of this terminal's leases a slot's bookings hold (another terminal's share
        is its own)."""
        ids = {str(p.get("lease_id")) for p in leases}
        rows = conn.execute(
            "SELECT json_extract(e.payload, '$.lease_id') FROM appointments a JOIN events e ON "
            "e.type = ? AND json_extract(e.payload, '$.appointment_id') = a.appointment_id "
            "WHERE json_extract(e.payload, '$.lease_id') IS NOT NULL AND a.service_id = ? AND "
            f"a.slot_ms = ? AND a.status IN ({','.join('?' * len(_HOLDING))})",
            (EventType.APPOINTMENT_BOOKED, service_id, slot_ms, *_HOLDING)).fetchall()
        return sum(1 for (lease_id,) in rows if str(lease_id) in ids)

    def _unused_near(self, conn: Any, within_min: int) -> dict[tuple[str, str], dict[str, int]]:
        """(service, day) -> HH:MM -> seats of this terminal's shares not booked, of slots
        starting within `within_min` minutes (or gone by)."""
        core = self._core
        horizon = core.now() + timedelta(minutes=within_min)
        today = core.today()
        held = {(str(s), str(d)) for s, d in conn.execute(
            "SELECT DISTINCT json_extract(payload, '$.service_id'), json_extract(payload, '$.day') "
            "FROM events WHERE type = ? AND json_extract(payload, '$.terminal_id') = ? AND "
            "json_extract(payload, '$.day') >= date(?, '-1 day')",
            (EventType.APPOINTMENT_SHARES_LEASED, core.config.terminal_id, today))}
        out: dict[tuple[str, str], dict[str, int]] = {}
        for service_id, day_text in sorted(held):
            net, leases = self._share(conn, service_id, day_text)
            day = _day(day_text)
            for hhmm, seats in sorted(net.items()):
                at = datetime.combine(day, _time(hhmm), core.zone)
                if seats <= 0 or at > horizon:
                    continue
                left = seats - self._share_used(conn, leases, service_id, self._ms(
                    day, at.hour * 60 + at.minute))
                if left > 0:
                    out.setdefault((service_id, day_text), {})[hhmm] = left
        return out

    def release_near_shares(self, within_min: int = SHARE_RELEASE_MIN) -> int:
        """Give back the seats of this terminal's shares not booked, of slots starting within
        `within_min` minutes: close to the slot the share's use (booking while the hub is
        away) is over, and the hub sells those seats again once the release reaches it.
        Counted and written in one transaction with the share's bookings (an offline booking
        never takes a seat given back). Returns the seats given back."""
        core = self._core
        if not self._unused_near(core.conn, within_min):
            return 0  # nothing to give back: no write
        given = 0
        with core.write() as conn:
            for (service_id, day_text), slots in self._unused_near(conn, within_min).items():
                core.emit(conn, EventType.APPOINTMENT_SHARES_RELEASED, {
                    "terminal_id": core.config.terminal_id, "service_id": service_id,
                    "day": day_text, "slots": slots, "at": core.now_iso()}, _SYNC)
                given += sum(slots.values())
        return given

    def lease_shares(self, service_id: str, day_text: str, seats: int) -> dict[str, int]:
        """Ask the hub for this terminal's share of a day's slots (a member terminal only)."""
        lease = getattr(self.router, "lease", None)
        if lease is None:
            raise DomainError("only a member terminal with a hub leases seats",
                              code="no_hub")
        return dict(lease(service_id, _day(day_text).isoformat(), seats))

    def book_slot(self, by: Actor, service_id: str, day_text: str, time_text: str,
                  holder_key: str) -> Outcome[Appointment]:
        """`appointment book --day D --time HH:MM`: the time must be a slot's start."""
        return self._book_slot(by, service_id, day_text, time_text, holder_key, "appointment")

    def _book_slot(self, by: Actor, service_id: str, day_text: str, time_text: str,
                   holder_key: str, permission: str) -> Outcome[Appointment]:
        day = _day(day_text)
        at = _time(time_text)
        service = self._core.catalog.get(service_id)
        starts = [s.start_text for s in self._slots(service.id, day)]
        if time_text not in starts:
            raise DomainError(
                f"{day_text} {time_text} is not the start of a slot of {service.id} "
                f"({'slots start at ' + ', '.join(starts[:8]) if starts else 'none that day'})",
                code="no_slot", params={"service": service.id, "day": day_text,
                                       "time": time_text})
        return self._book(by, service.id, datetime.combine(day, at, self._core.zone),
                          holder_key, permission)

    def book_own(self, by: Actor, service_id: str, day_text: str, time_text: str,
                 read: CardRead) -> Outcome[Appointment]:
        """A citizen at the kiosk books a slot for the card they hold (today's wait is long):
        the seat is counted as any booking's (through the hub on a member terminal)."""
        return self._book_slot(by, service_id, day_text, time_text, read.holder.key,
                               "book_own")

    def cancel(self, by: Actor, appointment_id: str) -> Outcome[Appointment]:
        core = self._core
        core.require(by, "appointment", "book_appointment")
        with core.write() as conn:
            held = self._open(appointment_id)
            core.emit(conn, EventType.APPOINTMENT_CANCELLED,
                      {"appointment_id": held.id, "at": core.now_iso()}, by)
        return core.outcome(self.get(appointment_id))

    def reschedule(self, by: Actor, appointment_id: str, day_text: str,
                   time_text: str) -> Outcome[Appointment]:
        """Move a booking to another slot of its service, the new seat checked as a booking's
        (through the hub on a member terminal: a new booking there, this one cancelled)."""
        core = self._core
        core.require(by, "appointment", "book_appointment")
        held = self._open(appointment_id)
        day = _day(day_text)
        moment = datetime.combine(day, _time(time_text), core.zone)
        if self.router is not None:  # the hub counts the new seat: a new booking, the old freed
            key = core.conn.execute("SELECT holder_key FROM appointments WHERE appointment_id = ?",
                                    (held.id,)).fetchone()[0]
            moved = self.book(by, held.service, moment, str(key)).value
            self.cancel(by, held.id)
            return core.outcome(moved)
        day, slot = self._slot(held.service, moment)
        with core.write() as conn:
            self._open(appointment_id)
            self._check_seat(conn, held.service, day, slot)
            core.emit(conn, EventType.APPOINTMENT_RESCHEDULED, {
                "appointment_id": held.id,
                "slot_at": iso_local(self._at(day, slot.start), core.zone),
                "at": core.now_iso()}, by)
        return core.outcome(self.get(appointment_id))

    def _open(self, appointment_id: str) -> Appointment:
        held = self.get(appointment_id)
        if held.status != "booked":
            raise DomainError(f"appointment {appointment_id} is {held.status}, not booked",
                              code="appointment_closed", params={"status": held.status})
        return held

    def on_day(self, day: str | None = None) -> list[Appointment]:
        rows = self._core.conn.execute(
            "SELECT appointment_id FROM appointments WHERE day = ? ORDER BY slot_ms, "
            "appointment_id", (day or self._core.today(),)).fetchall()
        return [self.get(r[0]) for r in rows]

    def due(self, within_min: int = 30) -> list[Appointment]:
        """Booked appointments whose slot starts in the next `within_min` minutes (the desk's
        and the display's "due soon")."""
        now = self._core.now()
        lo = int(now.timestamp() * 1000)
        hi = int((now + timedelta(minutes=within_min)).timestamp() * 1000)
        rows = self._core.conn.execute(
            "SELECT appointment_id FROM appointments WHERE status = 'booked' AND slot_ms "
            "BETWEEN ? AND ? ORDER BY slot_ms", (lo, hi)).fetchall()
        return [self.get(r[0]) for r in rows]

    def record_no_shows(self, by: Actor) -> Outcome[list[str]]:
        """Bookings whose check-in window has closed become no-shows (once each)."""
        core = self._core
        late = self._settings().booking().late_min
        cutoff = int((core.now() - timedelta(minutes=late)).timestamp() * 1000)
        if core.conn.execute("SELECT 1 FROM appointments WHERE status = 'booked' AND "
                             "slot_ms < ? LIMIT 1", (cutoff,)).fetchone() is None:
            return Outcome([], NOTHING)  # nothing due: no write, no notice
        with core.write() as conn:
            gone = [r[0] for r in conn.execute(
                "SELECT appointment_id FROM appointments WHERE status = 'booked' AND "
                "slot_ms < ? ORDER BY slot_ms", (cutoff,)).fetchall()]
            for appointment_id in gone:
                core.emit(conn, EventType.APPOINTMENT_MISSED,
                          {"appointment_id": appointment_id, "at": core.now_iso()}, by)
        return core.outcome(gone)

    def next_no_show_at(self) -> datetime | None:
        """When the next open booking's check-in window closes (its no-show is due), or None:
        a desk's timer sleeps until then (ui/booking_clock.py) rather than polling."""
        late = self._settings().booking().late_min
        row = self._core.conn.execute(
            "SELECT MIN(slot_ms) FROM appointments WHERE status = 'booked'").fetchone()
        if row is None or row[0] is None:
            return None
        return datetime.fromtimestamp(row[0] / 1000, self._core.zone) + timedelta(minutes=late)

    def sweep_no_shows(self, by: Actor) -> Outcome[NoShowSweep]:
        """The clock's turn: record the no-shows that are due and say when to look again."""
        missed = self.record_no_shows(by)
        return Outcome(NoShowSweep(tuple(missed.value), self.next_no_show_at(),
                                   self._core.now()), missed.changes)

    def of_holder(self, holder_key: str, day: str | None = None) -> list[Appointment]:
        rows = self._core.conn.execute(
            "SELECT appointment_id FROM appointments WHERE holder_key = ? AND day = ? "
            "ORDER BY slot_ms", (holder_key, day or self._core.today())).fetchall()
        return [self.get(r[0]) for r in rows]

    def check_in(self, by: Actor, read: CardRead) -> Outcome[TicketView]:
        """The holder's next booked appointment of today becomes a ticket (check_in_at)."""
        done = self.check_in_at(by, read)
        return Outcome(done.value.ticket, done.changes)

    def check_in_at(self, by: Actor, read: CardRead) -> Outcome[CheckIn]:
        """预约签到 in the hall's window around the slot, in one transaction: from `early_min`
        before the slot an appointment-priority ticket; earlier `too_early` (with when to come
        back); later than `late_min` after its start a walk-in ticket and a plain note."""
        core = self._core
        core.require(by, "check_in", "check_in")
        booked = [a for a in self.of_holder(read.holder.key) if a.status == "booked"]
        if not booked:
            raise DomainError("no appointment today for this card", code="no_appointment")
        rules = self._settings().booking()
        now = core.now()
        chosen = booked[0]
        for held in booked:  # the first whose window has not closed, else the last
            chosen = held
            if now <= datetime.fromisoformat(held.slot_at) + timedelta(minutes=rules.late_min):
                break
        slot = datetime.fromisoformat(chosen.slot_at)
        opens = slot - timedelta(minutes=rules.early_min)
        if now < opens:
            back = opens.astimezone(core.zone).strftime("%H:%M")
            raise DomainError(f"too early for the {chosen.time} appointment: check in from "
                              f"{back}", code="too_early",
                              params={"come_back_at": back, "time": chosen.time})
        late = now > slot + timedelta(minutes=rules.late_min)
        service = core.catalog.get(chosen.service)
        with core.write() as conn:
            ticket_id = self._tickets.issue_in(
                conn, by, service.id, service.series, "regular" if late else "appointment",
                appointment_at=None if late else slot, holder=read.holder)
            payload: dict[str, Any] = {"appointment_id": chosen.id, "ticket_id": ticket_id,
                                       "at": core.now_iso()}
            if late:
                payload["late"] = True
            core.emit(conn, EventType.APPOINTMENT_CHECKED_IN, payload, by)
            ticket = find(conn, ticket_id, core.zone)
        note = (f"the {chosen.time} appointment was missed (check-in closed "
                f"{rules.late_min} min after it): a regular ticket in the walk-in queue"
                if late else None)
        return core.outcome(CheckIn(ticket, self.get(chosen.id), late, note))

    def get(self, appointment_id: str) -> Appointment:
        row = self._core.conn.execute(
            "SELECT appointment_id, service_id, slot_ms, day, status, ticket_id "
            "FROM appointments WHERE appointment_id = ?", (appointment_id,)).fetchone()
        if row is None:
            raise DomainError(f"no appointment {appointment_id!r}", code="unknown_appointment")
        return Appointment(row[0], row[1], iso_of_ms(row[2], self._core.zone), row[3], row[4],
                           row[5])



def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        from hall.errors import ConfigError

        raise ConfigError(f"--day: not a date (YYYY-MM-DD): {str(text)[:20]!r}",
                          code="bad_day", params={"day": str(text)[:20]}) from None


def _time(text: str) -> time:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        _bad_time(text)
    try:
        return time.fromisoformat(text)
    except ValueError:
        _bad_time(text)
        raise


def _bad_time(text: Any) -> None:
    from hall.errors import ConfigError

    raise ConfigError(f"--time: not a time (HH:MM): {str(text)[:20]!r}", code="bad_time",
                      params={"time": str(text)[:20]})
