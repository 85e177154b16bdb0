"""The day's figures: issued, served, no-show, wait and service times per service and window.

A clerk sees the tickets they served; a supervisor (or the operator) the whole hall's.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from hall.actors import Actor
from hall.core import Core
from hall.ratings import BAD


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

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "hall": self.hall, "terminal": self.terminal,
                "scope": self.scope, "total": self.total.to_json(),
                "by_service": {k: v.to_json() for k, v in self.by_service.items()},
                "by_window": {k: v.to_json() for k, v in self.by_window.items()},
                "ratings": {str(k): v for k, v in sorted(self.ratings.items())},
                "follow_ups": self.follow_ups}


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
        """The hall's figures for those allowed them; a clerk's own figures otherwise."""
        core = self._core
        hall_wide = by.can("stats_hall")
        if not hall_wide:
            core.require(by, "stats_own", "stats")
        day = day or core.today()
        sql = ("SELECT service_id, status, issued_ms, first_called_ms, started_ms, done_ms, "
               "COALESCE(outcome_window, window) FROM tickets WHERE day = ?")
        params: list[Any] = [day]
        if not hall_wide:
            sql += " AND served_by = ?"
            params.append(by.name)
        rows = core.conn.execute(sql, params).fetchall()
        by_service: dict[str, list[tuple[Any, ...]]] = {}
        by_window: dict[str, list[tuple[Any, ...]]] = {}
        for r in rows:
            by_service.setdefault(r[0], []).append(r)
            if r[6] is not None:
                by_window.setdefault(r[6], []).append(r)
        grade_rows = core.conn.execute(
            "SELECT r.grade, COUNT(*) FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id "
            "WHERE t.day = ?" + (" AND t.served_by = ?" if not hall_wide else "") +
            " GROUP BY r.grade", params).fetchall()
        bad = sum(n for g, n in grade_rows if g <= BAD)
        return DayStats(
            day=day, hall=core.config.hall_id, terminal=core.config.terminal_id,
            scope="hall" if hall_wide else by.name, total=figures(rows),
            by_service={k: figures(v) for k, v in sorted(by_service.items())},
            by_window={k: figures(v) for k, v in sorted(by_window.items())},
            ratings={int(g): int(n) for g, n in grade_rows},
            follow_ups=int(bad))
