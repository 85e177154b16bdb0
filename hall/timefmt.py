"""Times as the log keeps them (ISO 8601 with the hall's offset) and as projections index them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def iso_local(moment: datetime, zone: ZoneInfo) -> str:
    """The wall time people are shown, e.g. 2026-11-23T09:05:01.120+08:00."""
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime | None:
    """A moment as the hall's wall time (a naive one is taken as hall time already), or None
    when it has no place on the calendar there (year 1 at UTC+14, year 9999 at UTC-12)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return None


def ms_of(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def iso_of_ms(ms: int, zone: ZoneInfo) -> str:
    return iso_local(datetime.fromtimestamp(ms / 1000, UTC), zone)


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """The hall's calendar day of a moment: numbers reset at the hall's local midnight."""
    return moment.astimezone(zone).date().isoformat()


def previous_day(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
