"""Working days (工作日) on the hall's calendar: what a part's 承诺时限 is counted in.

China's statutory holidays and the make-up workdays (调休) of each year come from the kept
`holidays` library (its `China` calendar lists the days off, and the weekends worked as
`weekend_workdays`). It was chosen over `chinese-calendar` because it is released monthly and
already carries 2026 with its 调休, while chinese-calendar's last release stops at 2026 and raises
for any later date; for a year whose State Council notice it does not carry yet, `holidays`
falls back to the statutory rules (the festival days and their weekday "observed" days), so a date
is always computable.

The State Council publishes next year's days in the autumn; a hall loads them without a new
release with its own dated file in its data dir (`workdays.json`), which wins over the library:

    {"holidays": ["2027-02-05", …], "workdays": ["2027-02-20", …]}

A day counted: the day of acceptance does not count; the n-th working day after it is the due
date (a limit of 0 days: due the same day).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hall.errors import ConfigError

OVERRIDE_FILE = "workdays.json"
MAX_SPAN_DAYS = 3650 * 2  # a limit is at most 3650 days (catalog): every walk is bounded


@dataclass
class WorkCalendar:
    """China's calendar with a hall's own dated days on top."""

    holidays: frozenset[date] = frozenset()  # the hall's days off that the library lacks
    workdays: frozenset[date] = frozenset()  # the hall's days worked (调休) the library lacks
    _years: dict[int, tuple[frozenset[date], frozenset[date]]] = field(default_factory=dict)

    def _library(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        known = self._years.get(year)
        if known is None:
            import holidays as lib  # ~40 ms: only the commands that count days pay it

            china = lib.country_holidays("CN", years=year)
            days_off = frozenset(d for d in china if d.year == year)
            worked = frozenset(d for d in getattr(china, "weekend_workdays", ())
                               if d.year == year)
            known = self._years[year] = (days_off, worked)
        return known

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        days_off, worked = self._library(day.year)
        if day in worked:
            return True
        return day.weekday() < 5 and day not in days_off

    def add(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself when days is 0)."""
        if days < 0:
            raise ValueError("a count of working days is not negative")
        day, left = start, days
        for _ in range(MAX_SPAN_DAYS):
            if left == 0:
                return day
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        raise ValueError(f"no {days} working days within {MAX_SPAN_DAYS} days of {start}")

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        for _ in range(min(MAX_SPAN_DAYS, max(0, (end - start).days))):
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count


def load(folder: Path) -> WorkCalendar:
    """The hall's calendar: the library, and the override file of `folder` if there is one."""
    path = folder / OVERRIDE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return WorkCalendar()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or set(data) - {"holidays", "workdays", "note"}:
        raise ConfigError(f'{path}: an object with "holidays" and "workdays" lists of '
                          "YYYY-MM-DD dates (and an optional \"note\")")
    off = _dates(path, "holidays", data.get("holidays", []))
    on = _dates(path, "workdays", data.get("workdays", []))
    both = sorted(off & on)
    if both:
        raise ConfigError(f"{path}: {both[0].isoformat()} is both a holiday and a workday")
    return WorkCalendar(off, on)


def _dates(path: Path, key: str, raw: Any) -> frozenset[date]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: {key}: a list of YYYY-MM-DD dates")
    out: set[date] = set()
    for item in raw:
        try:
            if not isinstance(item, str) or len(item) != 10:
                raise ValueError(item)
            out.add(date.fromisoformat(item))
        except ValueError as exc:
            raise ConfigError(f"{path}: {key}: {item!r} is not a YYYY-MM-DD date") from exc
    return frozenset(out)

