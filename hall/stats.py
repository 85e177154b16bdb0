"""The day's figures: issued, served, no-show, wait and service times per service and window.

A clerk sees the tickets they served; a supervisor (or the operator) the whole hall's. Once a day
is closed (hall/close_day.py) the hall's figures of that day are the frozen ones of its close
(`frozen`, with `closed` saying which close and what arrived after it).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from hall.actors import Actor
from hall.booking_figures import count_bookings
from hall.config import TerminalConfig
from hall.core import Core
from hall.rating_figures import count_ratings
from hall.ratings import BAD

if TYPE_CHECKING:
    from hall import counted_close


@dataclass(frozen=True)
class Figures:
    issued: int
    served: int
    no_show: int
    waiting: int
    cancelled: int
    wait_avg_s: float | None
    wait_p90_s: float | None
    service_avg_s: float | None
    service_p90_s: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class DayStats:
    day: str
    hall: str
    terminal: str
    scope: str  # "hall", or the clerk whose own figures these are
    total: Figures
    by_service: dict[str, Figures]
    by_window: dict[str, Figures]
    ratings: dict[int, int]  # grade -> count
    follow_ups: int  # 差评 of the day, each with a follow-up deadline
    # 办件 of the day (the back office, hall/parts.py): accepted, parts decided on time, parts
    # overdue (open past their due date, as of the count), 补正 asked
    cases: dict[str, int] = field(default_factory=dict)
    # 预约 of the day (hall/booking_figures.py): booked, checked in, no-shows, walk-in share
    bookings: dict[str, Any] = field(default_factory=dict)
    closed: counted_close.ClosedDay | None = None  # the day's close, once some terminal closed it
    # 好差评 per window, clerk and matter, and their follow-ups (hall/rating_figures.py)
    rating_figures: dict[str, Any] = field(default_factory=dict)

    @property
    def frozen(self) -> bool:
        """The hall's figures of a closed day: those its close froze, not counted again."""
        return self.closed is not None and self.scope == "hall"

    def to_json(self) -> dict[str, Any]:
        out = self.figures_json()
        out["frozen"] = self.frozen
        out["closed"] = None if self.closed is None else self.closed.to_json()
        return out

    def figures_json(self) -> dict[str, Any]:
        """The figures alone: what a close freezes (into its DayClosed event)."""
        return {"day": self.day, "hall": self.hall, "terminal": self.terminal,
                "scope": self.scope, "total": self.total.to_json(),
                "by_service": {k: v.to_json() for k, v in self.by_service.items()},
                "by_window": {k: v.to_json() for k, v in self.by_window.items()},
                "ratings": {str(k): v for k, v in sorted(self.ratings.items())},
                "follow_ups": self.follow_ups, "cases": dict(self.cases),
                "bookings": dict(self.bookings),
                "rating_figures": dict(self.rating_figures)}

    @classmethod
    def frozen_of(cls, close: counted_close.ClosedDay) -> DayStats:
        """The figures a close froze, read back from its event."""
        f = close.figures
        return cls(day=str(f["day"]), hall=str(f["hall"]), terminal=str(f["terminal"]),
                   scope=str(f["scope"]), total=Figures.from_json(f["total"]),
                   by_service={k: Figures.from_json(v) for k, v in f["by_service"].items()},
                   by_window={k: Figures.from_json(v) for k, v in f["by_window"].items()},
                   ratings={int(k): int(v) for k, v in f["ratings"].items()},
                   follow_ups=int(f["follow_ups"]),
                   cases={k: int(v) for k, v in f.get("cases", {}).items()},
                   bookings=dict(f.get("bookings", {})), closed=close,
                   rating_figures=dict(f.get("rating_figures") or {}))


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)], 1)


def _avg(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def figures(rows: list[tuple[Any, ...]]) -> Figures:
    """Rows: (service, status, issued_ms, first_called_ms, started_ms, done_ms, window)."""
    waits = [(r[3] - r[2]) / 1000 for r in rows if r[3] is not None]
    services = [(r[5] - r[4]) / 1000 for r in rows if r[1] == "done" and r[4] and r[5]]
    return Figures(
        issued=len(rows),
        served=sum(1 for r in rows if r[1] == "done"),
        no_show=sum(1 for r in rows if r[1] == "no_show"),
        waiting=sum(1 for r in rows if r[1] == "waiting"),
        cancelled=sum(1 for r in rows if r[1] == "cancelled"),
        wait_avg_s=_avg(waits),
        wait_p90_s=_p90(waits),
        service_avg_s=_avg(services),
        service_p90_s=_p90(services),
    )


class Stats:
    def __init__(self, core: Core) -> None:
        self._core = core

    def day(self, by: Actor, day: str | None = None) -> DayStats:
        """The hall's figures for those allowed them (a closed day's frozen ones); a clerk's own
        figures otherwise (counted as they are, with the day's close named)."""
        core = self._core
        hall_wide = by.can("stats_hall")
        if not hall_wide:
            core.require(by, "stats_own", "stats")
        day = day or core.today()
        from hall import counted_close

        close = counted_close.closed(core.conn, day)
        if close is not None and hall_wide:
            return DayStats.frozen_of(close)
        counted = count_day(core.conn, core.config, day, None if hall_wide else by.name,
                            today=core.today(), departments=core.catalog.departments_of())
        return counted if close is None else replace(counted, closed=close)


def count_day(conn: sqlite3.Connection, config: TerminalConfig, day: str,
              served_by: str | None = None, *, today: str | None = None,
              departments: Mapping[str, tuple[str, ...]] | None = None) -> DayStats:
    """The figures of a day as this store knows it now: the hall's, or one clerk's."""
    sql = ("SELECT service_id, status, issued_ms, first_called_ms, started_ms, done_ms, "
           "COALESCE(outcome_window, window) FROM tickets WHERE day = ?")
    params: list[Any] = [day]
    if served_by is not None:
        sql += " AND served_by = ?"
        params.append(served_by)
    rows = conn.execute(sql, params).fetchall()
    by_service: dict[str, list[tuple[Any, ...]]] = {}
    by_window: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_service.setdefault(r[0], []).append(r)
        if r[6] is not None:
            by_window.setdefault(r[6], []).append(r)
    grade_rows = conn.execute(
        "SELECT r.grade, COUNT(*) FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id "
        "WHERE t.day = ?" + (" AND t.served_by = ?" if served_by is not None else "") +
        " GROUP BY r.grade", params).fetchall()
    bad = sum(n for g, n in grade_rows if g <= BAD)
    return DayStats(
        day=day, hall=config.hall_id, terminal=config.terminal_id,
        scope="hall" if served_by is None else served_by, total=figures(rows),
        by_service={k: figures(v) for k, v in sorted(by_service.items())},
        by_window={k: figures(v) for k, v in sorted(by_window.items())},
        ratings={int(g): int(n) for g, n in grade_rows},
        follow_ups=int(bad), cases=count_cases(conn, day, served_by),
        bookings=count_bookings(conn, day) if served_by is None else {},
        rating_figures=count_ratings(conn, day, served_by, today, config.zone, departments))


def count_cases(conn: sqlite3.Connection, day: str, accepted_by: str | None = None
                ) -> dict[str, int]:
    """The day's 办件 figures; a clerk's own: the cases they accepted."""
    stamp = f"%-{day.replace('-', '')}-%"
    if accepted_by is not None:
        row = conn.execute("SELECT COUNT(*) FROM cases WHERE status != 'refused' AND "
                           "case_number LIKE ? AND accepted_by = ?", (stamp, accepted_by))
        return {"accepted": int(row.fetchone()[0])}
    accepted = conn.execute("SELECT COUNT(*) FROM cases WHERE status != 'refused' AND "
                            "case_number LIKE ?", (stamp,)).fetchone()[0]
    on_time, corrections = conn.execute(
        "SELECT COALESCE(SUM(json_extract(e.payload, '$.outcome') IN ('approved', 'rejected') "
        "AND (s.due IS NULL OR substr(json_extract(e.payload, '$.at'), 1, 10) <= s.due)), 0), "
        "COALESCE(SUM(json_extract(e.payload, '$.outcome') = 'correction'), 0) "
        "FROM events e LEFT JOIN case_steps s "
        "ON s.case_id = json_extract(e.payload, '$.case_id') "
        "AND s.step = json_extract(e.payload, '$.step') "
        "WHERE e.type = 'CaseStepDecided' AND substr(json_extract(e.payload, '$.at'), 1, 10) = ?",
        (day,)).fetchone()
    overdue = conn.execute(
        "SELECT COUNT(*) FROM case_steps s JOIN cases c ON c.case_id = s.case_id "
        "WHERE c.status = 'accepted' AND s.status IN ('pending', 'received', 'corrected') "
        "AND s.due < ?", (day,)).fetchone()[0]
    return {"accepted": int(accepted), "decided_on_time": int(on_time),
            "overdue": int(overdue), "corrections": int(corrections)}
