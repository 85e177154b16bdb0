"""The day's figures: issued, served, no-show, wait and service times per service and window."""

from __future__ import annotations

import math
from typing import Any

from hall.service import HallService


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)], 1)


def _avg(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _figures(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    waits = [(r[3] - r[2]) / 1000 for r in rows if r[3] is not None]
    services = [(r[5] - r[4]) / 1000 for r in rows if r[1] == "done" and r[4] and r[5]]
    return {
        "issued": len(rows),
        "served": sum(1 for r in rows if r[1] == "done"),
        "no_show": sum(1 for r in rows if r[1] == "no_show"),
        "waiting": sum(1 for r in rows if r[1] == "waiting"),
        "cancelled": sum(1 for r in rows if r[1] == "cancelled"),
        "wait_avg_s": _avg(waits),
        "wait_p90_s": _p90(waits),
        "service_avg_s": _avg(services),
        "service_p90_s": _p90(services),
    }


def day_stats(hall: HallService, day: str | None = None) -> dict[str, Any]:
    day = day or hall.today()
    rows = hall.store.conn.execute(
        "SELECT service_id, status, issued_ms, first_called_ms, started_ms, done_ms, "
        "COALESCE(outcome_window, window) FROM tickets WHERE day = ?", (day,)).fetchall()
    by_service: dict[str, list[tuple[Any, ...]]] = {}
    by_window: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_service.setdefault(r[0], []).append(r)
        if r[6] is not None:
            by_window.setdefault(r[6], []).append(r)
    return {
        "day": day,
        "hall": hall.config.hall_id,
        "terminal": hall.config.terminal_id,
        "total": _figures(rows),
        "by_service": {k: _figures(v) for k, v in sorted(by_service.items())},
        "by_window": {k: _figures(v) for k, v in sorted(by_window.items())},
    }
