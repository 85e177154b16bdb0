"""The end of a day (日结): unserved tickets closed as no-shows, the day's figures frozen.

`hall.closing.close_day(by, day=None, force=False)`, permission `close_day` (admins, the local
operator, the system). For each day it closes, in one transaction:

- every ticket of that day still waiting, called or parked becomes a no-show, one `TicketNoShow`
  event each with reason "day_closed" (a ticket being served is left as it is, and counted);
- then one `DayClosed` event carries the hall's figures of that day as this store counts them,
  the frozen figures (`stats --day D` shows them from then on, marked frozen), and an audit entry
  names who closed it.

Which days: by default every day before today that has tickets and is not closed yet, and every
closed day where tickets are open again (they arrived after the close); today too once the hall
has closed for the day by its opening hours (hall/hours.py: the end of its last open range), so
a nightly run, or the desk at closing, ends the day on the hall's hours. `day=` closes one day;
today before the hall's closing time (or on a hall with no hours, which never closes) only with
`force=True` (a hall closing early: the kiosks may still issue, and what they issue after the
close is "late", not in the figures); after closing time it needs no force. A day in the future
is refused.

Closing twice changes nothing: a day some store of the hall has closed (this one, or another
whose close sync brought) gets no second `DayClosed`, and the answer says it was already closed,
by whom, with its frozen figures. Only tickets open again are ended (reported as `no_shows`,
the figures stay frozen). When two terminals close one day before either hears of the other,
hall/counted_close.py decides which close counts, the same on every store; nothing is counted twice.

Run it after a sync (`sync --once`), so the close counts what the hub knows of the day.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hall import counted_close
from hall.actors import Actor
from hall.changes import NOTHING, Changes
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.hours import Hours, closing_time
from hall.stats import DayStats, count_day

REASON = "day_closed"
OPEN = ("waiting", "called", "parked")  # what the close of a day ends
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class DayClosing:
    """What closing one day did, and the day's frozen figures."""

    day: str
    closed_now: bool  # this call wrote the day's close (False: it was closed already)
    no_shows: int  # tickets this call ended as no-shows
    serving: int  # tickets still being served, left as they are
    stats: DayStats  # the frozen figures, with the close that counts (`stats.closed`)

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "closed_now": self.closed_now,
                "already_closed": not self.closed_now, "no_shows": self.no_shows,
                "serving": self.serving, "figures": self.stats.to_json()}


def checked_day(text: str) -> str:
    """A calendar day written YYYY-MM-DD, or a clear refusal."""
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{text!r} is not a day (YYYY-MM-DD)", code="bad_day",
                          params={"day": text}) from None
    return text


class Closing:
    def __init__(self, core: Core, hours: Callable[[], Hours | None] = lambda: None) -> None:
        self._core = core
        self._hours = hours  # the hall's opening hours as it runs them (hall.settings.hours)

    def closes_at(self, day: str | None = None) -> datetime | None:
        """When the hall closes on `day` (default today) by its hours; None: it never closes."""
        core = self._core
        return closing_time(self._hours(), date.fromisoformat(day or core.today()), core.zone)

    def closed_for_today(self) -> bool:
        """The hall's closing time today has passed: today's close is offered (no force)."""
        closes = self.closes_at()
        return closes is not None and self._core.now() >= closes

    def close_day(self, by: Actor, day: str | None = None, *,
                  force: bool = False) -> Outcome[list[DayClosing]]:
        """Close `day`, or by default every unclosed day before today (see the module)."""
        core = self._core
        core.require(by, "close_day", "close_day")
        today = core.today()
        after_closing = self.closed_for_today()
        if day is None:
            days = self.pending_days(today, through_today=after_closing)
        else:
            day = checked_day(day)
            if day > today:
                raise DomainError(f"{day} has not ended: it is still {today} in the hall",
                                  code="close_day_future", params={"day": day, "today": today})
            if day == today and not force and not after_closing:
                closes = self.closes_at(today)
                when = closes.strftime("%H:%M") if closes is not None else None
                raise DomainError(
                    f"{day} is today and the hall "
                    + (f"closes at {when}" if when else "has no closing time (no opening hours)")
                    + ": tickets may still be issued and served; close today before that only "
                    "on purpose (--force)", code="close_day_today",
                    params={"day": day, "closes_at": when})
            days = [day]
        done: list[DayClosing] = []
        changed: Changes = NOTHING
        for one in days:  # a transaction per day: a long backlog commits as it goes
            with core.write() as conn:
                done.append(self._close(conn, by, one))
            changed = changed | core.last_changes
        return Outcome(done, changed)

    def pending_days(self, today: str, *, through_today: bool = False) -> list[str]:
        """Days before today (and today itself, `through_today`: the hall has closed for the
        day) that need closing: with tickets and not closed, or closed with tickets open again
        (they arrived after the close)."""
        conn = self._core.conn
        until = "<=" if through_today else "<"
        with_tickets = {r[0] for r in conn.execute(
            f"SELECT DISTINCT day FROM tickets WHERE day {until} ?", (today,))}
        reopened = {r[0] for r in conn.execute(
            f"SELECT DISTINCT day FROM tickets WHERE day {until} ? AND status IN (?, ?, ?)",
            (today, *OPEN))}
        return sorted((with_tickets - counted_close.closed_days(conn)) | reopened)

    def _close(self, conn: sqlite3.Connection, by: Actor, day: str) -> DayClosing:
        core = self._core
        at = core.now_iso()
        still_open = [r[0] for r in conn.execute(
            "SELECT ticket_id FROM tickets WHERE day = ? AND status IN (?, ?, ?) "
            "ORDER BY issued_ms, ticket_id", (day, *OPEN))]
        for ticket_id in still_open:
            core.emit(conn, EventType.TICKET_NO_SHOW,
                      {"ticket_id": ticket_id, "at": at, "reason": REASON}, by)
        earlier = counted_close.closed(conn, day)
        if earlier is None:
            figures = count_day(conn, core.config, day,
                                departments=core.catalog.departments_of())
            core.emit(conn, EventType.DAY_CLOSED, {
                "day": day, "figures": figures.figures_json(), "no_shows": len(still_open),
                "at": at}, by)
        if earlier is None or still_open:
            from hall.security import audit

            audit.record_in(core, conn, actor=by, action="close_day", target=day,
                            outcome="ok" if earlier is None else "late_tickets",
                            detail={"no_shows": len(still_open)})
        serving = int(conn.execute("SELECT COUNT(*) FROM tickets WHERE day = ? AND "
                                   "status = 'serving'", (day,)).fetchone()[0])
        close = counted_close.closed(conn, day)
        assert close is not None  # just written, or found
        return DayClosing(day, earlier is None, len(still_open), serving,
                          DayStats.frozen_of(close))

    def closed(self, day: str) -> counted_close.ClosedDay | None:
        """The close of `day` that counts, or None."""
        return counted_close.closed(self._core.conn, checked_day(day))
