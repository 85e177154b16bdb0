"""预约 slots: what a service (or 一件事 bundle) can be booked for on a day, from the hall's
opening hours (hall/hours.py) and its `booking` setting (hall/hall_settings.py).

The setting is a plain JSON object, every field optional:

    {"slot_min": 30,          # a slot's length
     "seats": 4,              # visitors a slot takes in all
     "walk_in_share": 0.25,   # the share of each slot held back for walk-ins (never booked)
     "early_min": 30,         # check-in opens this long before the slot
     "late_min": 30,          # and closes this long after its start: later is a walk-in
     "off": ["SVC"],          # services a hall does not take bookings for
     "online_seats": 1,       # of each slot's bookable seats, those the central platform
                              # sells (the hub and terminals never do): never sold twice,
                              # even while the hall's uplink is down

     "services": {"SVC": {"slot_min": 20, "seats": 6, "walk_in_share": 0}}}

Out of the box (the setting absent) every service is bookable in the opening hours in slots of
30 minutes with 3 bookable seats (4 less a quarter for walk-ins), one of them the central
platform's (`online_seats`: 1, DEFAULT_ONLINE_SEATS) when the hall's hub has an upstream. A hall
with no hours at all never closes, so its slots run the whole day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from hall.errors import ConfigError
from hall.hours import Hours

DEFAULT_SLOT_MIN, DEFAULT_SEATS, DEFAULT_WALK_IN_SHARE = 30, 4, 0.25
DEFAULT_EARLY_MIN, DEFAULT_LATE_MIN = 30, 30
# The platform's seats of a slot out of the box: one of the 3 bookable, so online booking (the
# channel the province's 政务服务网 and app use) works on a new hall without a setting, while
# two stay with the desks and kiosks (and their offline shares). A hub with no upstream counts
# no platform seats (sync/server/bookings.py): nothing could sell them.
DEFAULT_ONLINE_SEATS = 1
_SHAPE = ("slot_min", "seats", "walk_in_share")
_FIELDS = (*_SHAPE, "early_min", "late_min", "off", "services", "online_seats")


@dataclass(frozen=True)
class Shape:
    slot_min: int
    seats: int
    walk_in_share: float

    @property
    def capacity(self) -> int:
        """Bookable seats of one slot: the walk-in share is held back (rounded up)."""
        return max(0, self.seats - math.ceil(self.seats * self.walk_in_share - 1e-9))


@dataclass(frozen=True)
class Booking:
    shape: Shape
    early_min: int
    late_min: int
    off: frozenset[str]
    services: dict[str, Shape]
    online_seats: int = DEFAULT_ONLINE_SEATS  # the central platform's share of each slot

    def online_share(self, capacity: int) -> int:
        return min(self.online_seats, capacity)

    def shape_of(self, service_id: str) -> Shape:
        return self.services.get(service_id, self.shape)


DEFAULT = Booking(Shape(DEFAULT_SLOT_MIN, DEFAULT_SEATS, DEFAULT_WALK_IN_SHARE),
                  DEFAULT_EARLY_MIN, DEFAULT_LATE_MIN, frozenset(), {})


@dataclass(frozen=True)
class Slot:
    start: int  # minutes from the day's midnight, hall time
    end: int
    capacity: int

    @property
    def start_text(self) -> str:
        return hhmm(self.start)

    @property
    def end_text(self) -> str:
        return hhmm(self.end)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse(raw: Any) -> Booking:
    """The setting from its JSON form (None: the defaults); ConfigError naming the field."""
    if raw is None:
        return DEFAULT
    if not isinstance(raw, dict):
        _bad("booking", "an object (slot_min, seats, walk_in_share, early_min, late_min, off, "
             "services)")
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        _bad(f"booking.{unknown[0]}", f"not a booking field (one of {', '.join(_FIELDS)})")
    shape = _shape(raw, DEFAULT.shape, "booking")
    early = _int(raw, "early_min", DEFAULT_EARLY_MIN, 0, 240, "booking")
    late = _int(raw, "late_min", DEFAULT_LATE_MIN, 0, 240, "booking")
    off = raw.get("off", [])
    if not isinstance(off, list) or not all(isinstance(s, str) for s in off):
        _bad("booking.off", "a list of service ids")
    own = raw.get("services", {})
    if not isinstance(own, dict):
        _bad("booking.services", "an object of service ids to slot_min, seats, walk_in_share")
    services: dict[str, Shape] = {}
    for sid, value in own.items():
        if not isinstance(value, dict) or set(value) - set(_SHAPE):
            _bad(f"booking.services.{sid}", "an object of slot_min, seats, walk_in_share")
        services[str(sid)] = _shape(value, shape, f"booking.services.{sid}")
    online = _int(raw, "online_seats", DEFAULT_ONLINE_SEATS, 0, 500, "booking")
    return Booking(shape, early, late, frozenset(off), services, online)


def _shape(raw: dict[str, Any], base: Shape, key: str) -> Shape:
    slot_min = _int(raw, "slot_min", base.slot_min, 5, 240, key)
    seats = _int(raw, "seats", base.seats, 0, 500, key)
    share = raw.get("walk_in_share", base.walk_in_share)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        _bad(f"{key}.walk_in_share", "a share between 0 and 1")
    return Shape(slot_min, seats, float(share))


def _int(raw: dict[str, Any], name: str, default: int, lo: int, hi: int, key: str) -> int:
    value = raw.get(name, default)
    if type(value) is not int or not lo <= value <= hi:
        _bad(f"{key}.{name}", f"whole minutes or seats, {lo}-{hi}")
    return int(value)


def _bad(key: str, why: str) -> Any:
    raise ConfigError(f"{key}: {why}", code="bad_setting", params={"key": key, "reason": why})


def slots_of(hours: Hours | None, booking: Booking, service_id: str, day: date) -> list[Slot]:
    """The day's slots of a service: whole slots inside each open range of its hours (the
    lunch break cut out as the hours cut it). A service turned off has none."""
    if service_id in booking.off:
        return []
    shape = booking.shape_of(service_id)
    ranges = ((0, 24 * 60),) if hours is None else hours.for_service(service_id).ranges_on(day)
    out: list[Slot] = []
    for lo, hi in ranges:
        start = lo
        while start + shape.slot_min <= hi:
            out.append(Slot(start, start + shape.slot_min, shape.capacity))
            start += shape.slot_min
    return out
