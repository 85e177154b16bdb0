"""The 好差评 figures of a day: per window, clerk, matter and department — how many ratings, their mean, how
many 差评 and the 差评 rate — and how their follow-ups went (closed, closed on time, overdue).

Counted from the ratings and follow_ups projections (hall/store/projections.py) of the tickets
issued that day, like the rest of the day's figures (hall/stats.py). Names in them are staff user
names, window names, matter ids and department names: no citizen's data, no typed text.

A rating's departments (`per_department`): where the visit's case exists, the departments of
that case's parts as the hall recorded them (case_steps: a part handed to another department
counts for the one that has it now); without a case, the departments of its matter's parts in
the catalog. A bundle (一件事) rated once counts once for each of its departments, so the
departments' counts may add up to more than the hall's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from hall.ratings import BAD

_ROWS = ("SELECT r.grade, r.window, r.clerk, r.service_id, r.stage, f.state, f.due, "
         "f.closed_ms, f.escalated, r.case_id FROM ratings r JOIN tickets t ON t.ticket_id = r.ticket_id "
         "LEFT JOIN follow_ups f ON f.rating_id = r.rating_id WHERE t.day = ?")


def group(grades: list[int]) -> dict[str, Any]:
    """One group's figures; the central platform counts with it too (sync/server/figures.py)."""
    bad = sum(1 for g in grades if g <= BAD)
    return {"count": len(grades),
            "mean": round(sum(grades) / len(grades), 2) if grades else None,
            "bad": bad, "bad_rate": round(bad / len(grades), 4) if grades else None}


def count_ratings(conn: sqlite3.Connection, day: str, served_by: str | None = None,
                  today: str | None = None, zone: Any = None,
                  departments: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """`today`: the date overdue is judged on (default: `day`); `zone`: the hall's, for the date
    a follow-up was closed on; `departments`: each matter's departments from the catalog
    (`Catalog.departments_of`), for the ratings given without a case."""
    from hall.timefmt import iso_of_ms

    sql, params = _ROWS, [day]
    if served_by is not None:
        sql += " AND t.served_by = ?"
        params.append(served_by)
    rows = conn.execute(sql, params).fetchall()
    grades = [int(r[0]) for r in rows]
    per: dict[str, dict[str, list[int]]] = {"by_window": {}, "by_clerk": {}, "by_service": {}}
    for r in rows:
        for key, value in (("by_window", r[1]), ("by_clerk", r[2]), ("by_service", r[3])):
            if value is not None:
                per[key].setdefault(str(value), []).append(int(r[0]))
    of_case = _case_departments(conn, {r[9] for r in rows if r[9] is not None})
    by_department: dict[str, list[int]] = {}
    for r in rows:
        for department in rating_departments(of_case.get(r[9]) if r[9] is not None else None,
                                             r[3], departments):
            by_department.setdefault(department, []).append(int(r[0]))
    as_of = today or day
    follow = [r for r in rows if r[5] is not None]
    closed = [r for r in follow if r[5] == "closed"]
    on_time = sum(1 for r in closed
                  if zone is None or iso_of_ms(r[7], zone)[:10] <= r[6])
    out: dict[str, Any] = group(grades)
    out["grades"] = {str(g): grades.count(g) for g in sorted(set(grades))}
    out["results"] = sum(1 for r in rows if r[4] == "result")  # rated again at 出件
    for key, groups in per.items():
        out[key] = {k: group(v) for k, v in sorted(groups.items())}
    out["per_department"] = {k: group(v) for k, v in sorted(by_department.items())}
    out["follow_ups"] = {"opened": len(follow), "closed": len(closed), "closed_on_time": on_time,
                         "overdue": sum(1 for r in follow if r[5] != "closed" and r[6] < as_of),
                         "escalated": sum(1 for r in follow if r[8])}
    return out


def rating_departments(of_case: tuple[str, ...] | None, service_id: Any,
                       departments: Mapping[str, tuple[str, ...]] | None) -> tuple[str, ...]:
    """The departments one rating counts for: its case's (as recorded), else its matter's in
    the catalog. The hall and the central platform both decide it here, so they agree."""
    if of_case:
        return of_case
    # no case, or one whose parts were not heard of
    return (departments or {}).get(str(service_id), ()) if service_id is not None else ()


def _case_departments(conn: sqlite3.Connection, case_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """The departments that have each case's parts now, in step order, once each."""
    out: dict[str, dict[str, None]] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for case_id, department in conn.execute(
                f"SELECT case_id, department FROM case_steps WHERE case_id IN ({marks}) "
                "ORDER BY case_id, step", chunk):
            if department:
                out.setdefault(case_id, {})[department] = None
    return {k: tuple(v) for k, v in out.items()}
