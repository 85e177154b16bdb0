"""Opening hours: the week, the lunch rule, special days, the last-ticket time, per service.

Hours are a hall setting (hall/hall_settings.py), a plain JSON object so a hub can sign it and
every terminal read it the same way:

    {"week": {"mon": ["08:30-17:30"], …, "sat": [], "sun": []},   # a day not named is closed
     "lunch": {"from": "12:00", "to": "13:30", "open": false},     # open: 午休不关门
     "special": {"2026-10-01": "closed",                           # a holiday
                 "2026-10-10": "workday",                          # 调休: open as a weekday
                 "2026-12-24": ["08:30-20:00"]},                   # 延时服务 that evening
     "last_ticket_min": 30,                                        # 取号 stops 30 min before close
     "services": {"SVC": {"week": …, "lunch": …, "special": …}}}   # a service's own hours

No hours at all (the setting absent or null) is a hall that never closes (24小时不打烊). Times are
the hall's wall time (its timezone); "24:00" ends a day. A `workday` takes the hours of Monday
(the model workday) with the hall's lunch rule; an explicit list of ranges on a special day
replaces that day's hours (the lunch rule still cuts them unless the hall stays open at lunch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from hall.errors import ConfigError, DomainError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAY_MODEL = "mon"
LOOKAHEAD_DAYS = 400  # the next opening is searched this far (a year of holidays and then some)
Range = tuple[int, int]  # minutes from midnight, [start, end)


@dataclass(frozen=True)
class Hours:
    week: dict[str, tuple[Range, ...]]
    lunch: Range | None  # None: no lunch rule; else the lunch break
    lunch_open: bool  # 午休不关门: the break does not close the hall
    special: dict[str, str | tuple[Range, ...]]  # "closed", "workday" or ranges
    last_ticket_min: int
    services: dict[str, Hours]

    def ranges_on(self, day: date) -> tuple[Range, ...]:
        """The hall's open ranges on a calendar day, the lunch break cut out when it closes."""
        rule = self.special.get(day.isoformat())
        if rule == "closed":
            return ()
        if rule == "workday":
            base = self.week.get(WORKDAY_MODEL, ())
        elif isinstance(rule, tuple):
            base = rule
        else:
            base = self.week.get(DAYS[day.weekday()], ())
        if self.lunch is None or self.lunch_open:
            return base
        lo, hi = self.lunch
        cut: list[Range] = []
        for start, end in base:
            if start < lo:
                cut.append((start, min(end, lo)))
            if end > hi:
                cut.append((max(start, hi), end))
        return tuple(r for r in cut if r[0] < r[1])

    def for_service(self, service_id: str | None) -> Hours:
        return self.services.get(service_id or "", self)


def parse(raw: Any, *, key: str = "hours") -> Hours | None:
    """Hours from their JSON form (None: never closes); ConfigError naming what is wrong."""
    if raw is None:
        return None
    return _parse(raw, key, nested=False)


def _parse(raw: Any, key: str, *, nested: bool) -> Hours:
    if not isinstance(raw, dict):
        _bad(key, "an object with week, lunch, special, last_ticket_min")
    allowed = {"week", "lunch", "special", "last_ticket_min"} | (set() if nested else
                                                                 {"services"})
    unknown = sorted(set(raw) - allowed)
    if unknown:
        _bad(f"{key}.{unknown[0]}", f"not an hours field (one of {', '.join(sorted(allowed))})")
    week_raw = raw.get("week", {})
    if not isinstance(week_raw, dict):
        _bad(f"{key}.week", "an object of days (mon … sun) to lists of HH:MM-HH:MM")
    week: dict[str, tuple[Range, ...]] = {}
    for day, ranges in week_raw.items():
        if day not in DAYS:
            _bad(f"{key}.week.{day}", f"not a day (one of {', '.join(DAYS)})")
        week[day] = _ranges(ranges, f"{key}.week.{day}")
    lunch: Range | None = None
    lunch_open = False
    lunch_raw = raw.get("lunch")
    if lunch_raw is not None:
        if not isinstance(lunch_raw, dict) or set(lunch_raw) - {"from", "to", "open"}:
            _bad(f"{key}.lunch", 'an object {"from": "12:00", "to": "13:30", "open": false}')
        lo = _minute(lunch_raw.get("from"), f"{key}.lunch.from")
        hi = _minute(lunch_raw.get("to"), f"{key}.lunch.to")
        if lo >= hi:
            _bad(f"{key}.lunch", "from must be before to")
        lunch = (lo, hi)
        lunch_open = lunch_raw.get("open", False)
        if not isinstance(lunch_open, bool):
            _bad(f"{key}.lunch.open", "true (午休不关门) or false")
    special: dict[str, str | tuple[Range, ...]] = {}
    special_raw = raw.get("special", {})
    if not isinstance(special_raw, dict) or len(special_raw) > 1000:
        _bad(f"{key}.special", "an object of dates (YYYY-MM-DD) to closed, workday or ranges")
    for day_text, rule in special_raw.items():
        try:
            date.fromisoformat(day_text)
        except (TypeError, ValueError):
            _bad(f"{key}.special.{day_text}", "not a date (YYYY-MM-DD)")
        if rule in ("closed", "workday"):
            special[day_text] = rule
        else:
            special[day_text] = _ranges(rule, f"{key}.special.{day_text}")
    last = raw.get("last_ticket_min", 0)
    if type(last) is not int or not 0 <= last <= 240:
        _bad(f"{key}.last_ticket_min", "whole minutes, 0-240")
    services: dict[str, Hours] = {}
    services_raw = raw.get("services", {})
    if not isinstance(services_raw, dict):
        _bad(f"{key}.services", "an object of service ids to their own hours")
    for service_id, own in services_raw.items():
        services[str(service_id)] = _parse(own, f"{key}.services.{service_id}", nested=True)
    return Hours(week, lunch, lunch_open, special, last, services)


def _ranges(raw: Any, key: str) -> tuple[Range, ...]:
    if not isinstance(raw, list) or len(raw) > 8:
        _bad(key, 'a list of up to 8 ranges like "08:30-17:30"')
    out: list[Range] = []
    for item in raw:
        if not isinstance(item, str) or item.count("-") != 1:
            _bad(key, f'{str(item)[:20]!r} is not a range like "08:30-17:30"')
        lo_text, hi_text = item.split("-")
        lo, hi = _minute(lo_text, key), _minute(hi_text, key)
        if lo >= hi:
            _bad(key, f"{item}: the start must be before the end")
        out.append((lo, hi))
    out.sort()
    for (_, end), (start, _) in pairwise(out):
        if start < end:
            _bad(key, "ranges overlap")
    return tuple(out)


def _minute(text: Any, key: str) -> int:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (
            text[:2].isdigit() and text[3:].isdigit()):
        _bad(key, f"{str(text)[:20]!r} is not a time HH:MM")
    hours, minutes = int(text[:2]), int(text[3:])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        _bad(key, f"{text} is not a time of day (00:00-24:00)")
    return hours * 60 + minutes


def _bad(key: str, why: str) -> Any:
    raise ConfigError(f"{key}: {why}", code="bad_setting", params={"key": key, "reason": why})


def to_json(hours: Hours | None) -> dict[str, Any] | None:
    if hours is None:
        return None
    out: dict[str, Any] = {
        "week": {d: [_range_text(r) for r in hours.week.get(d, ())] for d in DAYS},
        "lunch": None if hours.lunch is None else {
            "from": _hhmm(hours.lunch[0]), "to": _hhmm(hours.lunch[1]), "open": hours.lunch_open},
        "special": {d: (r if isinstance(r, str) else [_range_text(x) for x in r])
                    for d, r in sorted(hours.special.items())},
        "last_ticket_min": hours.last_ticket_min,
    }
    if hours.services:
        out["services"] = {s: to_json(h) for s, h in sorted(hours.services.items())}
    return out


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _range_text(r: Range) -> str:
    return f"{_hhmm(r[0])}-{_hhmm(r[1])}"


# -- where a moment stands ----------------------------------------------------------------------
def _at(day: date, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone) + timedelta(minutes=minute)


def open_range(hours: Hours | None, moment: datetime, zone: ZoneInfo) -> tuple[datetime,
                                                                             datetime] | None:
    """The open range holding this moment (start, close), or None: closed now."""
    if hours is None:
        return (moment, moment + timedelta(days=LOOKAHEAD_DAYS))
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for start, end in hours.ranges_on(local.date()):
        if start <= minute < end:
            return (_at(local.date(), start, zone), _at(local.date(), end, zone))
    return None


def next_opening(hours: Hours | None, moment: datetime, zone: ZoneInfo) -> datetime | None:
    """The next moment after `moment` the hall opens (None: never, within the look-ahead)."""
    if hours is None:
        return None
    local = moment.astimezone(zone)
    minute = local.hour * 60 + local.minute
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        for start, _end in hours.ranges_on(day):
            if offset > 0 or start > minute:
                return _at(day, start, zone)
    return None


def closing_time(hours: Hours | None, day: date, zone: ZoneInfo) -> datetime | None:
    """When the hall closes for good on `day` (the end of its last open range; the day's start
    on a day it stays closed). None: a hall that never closes (no hours)."""
    if hours is None:
        return None
    end = max((e for _s, e in hours.ranges_on(day)), default=0)
    return _at(day, end, zone)


@dataclass(frozen=True)
class Standing:
    """Where a moment stands in a hall's (or a service's) hours."""

    open_now: bool
    closes_at: datetime | None  # the end of the open range now (None: closed, or never closes)
    last_ticket_at: datetime | None  # when 取号 stops in this range
    next_opening: datetime | None  # when closed (or past the last ticket): the next opening

    def to_json(self) -> dict[str, Any]:
        def iso(v: datetime | None) -> str | None:
            return None if v is None else v.isoformat(timespec="minutes")

        return {"open_now": self.open_now, "closes_at": iso(self.closes_at),
                "last_ticket_at": iso(self.last_ticket_at),
                "next_opening": iso(self.next_opening)}


def standing(hours: Hours | None, moment: datetime, zone: ZoneInfo) -> Standing:
    if hours is None:
        return Standing(True, None, None, None)
    now_range = open_range(hours, moment, zone)
    if now_range is None:
        return Standing(False, None, None, next_opening(hours, moment, zone))
    close = now_range[1]
    last = close - timedelta(minutes=hours.last_ticket_min)
    upcoming = next_opening(hours, moment, zone) if moment >= last else None
    return Standing(True, close, last, upcoming)


def check_take(hours: Hours | None, service_id: str, moment: datetime, zone: ZoneInfo) -> None:
    """取号 refused outside the hours of the hall (or the service's own), and past the last
    ticket time: `hall_closed`, with the next opening in the message and the params."""
    if hours is None:
        return
    own = hours.for_service(service_id)
    where = standing(own, moment, zone)
    if where.open_now and (where.last_ticket_at is None or moment < where.last_ticket_at):
        return
    reason = "closed" if not where.open_now else "last_ticket"
    nxt = where.next_opening
    when = nxt.isoformat(timespec="minutes") if nxt else None
    why = ("the hall is closed" if reason == "closed" else
           f"no more tickets today: the last ticket was at "
           f"{where.last_ticket_at.strftime('%H:%M') if where.last_ticket_at else '?'}")
    opens = nxt.strftime("%m-%d %H:%M") if nxt else "-"
    raise DomainError(f"{why}; next opening {when or 'not scheduled'}", code="hall_closed",
                      params={"reason": reason, "next_opening": when, "opens": opens,
                              "service": service_id})
