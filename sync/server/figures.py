"""The figures of many halls on the central platform (a city's view, issue 27): per hall, the
好差评 of a day (count, mean, 差评, 差评 rate, per window too), how the 差评 follow-ups went
(opened, closed, closed on time, overdue), and the cases (accepted, refused, completed,
delivered, 补正 asked). Counted from the events every hall pushed, so it agrees with what each
hall counts for itself; nothing personal: hall ids, windows, staff user names, counts.

Who sees which halls: `GET /v1/figures?day=` with a credential enrolled `--role viewer` for a
"hall" id that is a prefix (`SY` sees SY-ZW01, SY-ZW02, …; a hall's own id sees that hall);
a hub's credential sees its own hall. `serve figures` reads the platform's database directly
(the operator on the platform's host, like `serve status`). When the hall directory of the
central platform lands (issue 24), a viewer's scope should come from it instead of the prefix.

The day is the hall's local day, as each event's `at` says it (the terminal's own offset).

The shape of a hall's 好差评 figures is the hall's own (hall/rating_figures.py: `by_window`,
`by_clerk`, `by_service`, `per_department`, `grades`, `results`, the follow-ups), counted here
from the events instead of a hall's projections. A rating's departments are decided by the same
rule (`rating_departments`): its case's parts as the events left them (CaseAccepted's steps, a
CaseStepReassigned moving one), else its matter's parts in the catalog the hub decides with
(hall/catalog.py's default: the platform holds no hall's own catalog).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Engine, select

from hall.rating_figures import group as _group
from hall.rating_figures import rating_departments
from sync.server.tables import events

TYPES = ("RatingGiven", "FollowUpStep", "CaseAccepted", "CaseRefused", "CaseCompleted",
         "ResultDelivered", "CaseStepDecided", "CaseStepReassigned", "PartArrived")
MAX_HALLS = 2000  # one answer's bound (a province has fewer halls than this)
_GROUPS = (("by_window", "window"), ("by_clerk", "clerk"), ("by_service", "service_id"))


@cache
def catalog_departments() -> dict[str, tuple[str, ...]]:
    """Each matter's departments in the catalog the hub decides with (loaded once)."""
    from hall.catalog import load_catalog

    return load_catalog().departments_of()


def in_scope(hall_id: str, scope: str) -> bool:
    """A hall id within a viewer's scope: the id itself, or a prefix of it at a '-'."""
    hall, scope = hall_id.upper(), scope.upper()
    return hall == scope or hall.startswith(scope + "-")


def halls_in(engine: Engine, scope: str) -> list[str]:
    with engine.connect() as conn:
        known = conn.execute(select(events.c.hall_id).distinct()).scalars().all()
    return sorted(h for h in known if in_scope(h, scope))[:MAX_HALLS]


def count(engine: Engine, halls: Iterable[str], day: str, today: str | None = None
          ) -> dict[str, Any]:
    """{"day", "halls": {hall: figures}, "total": figures}; `today`: the date a follow-up
    counts as overdue after its due date (default: `day`)."""
    as_of = today or day
    per: dict[str, dict[str, Any]] = {}
    chosen = list(halls)
    totals: list[int] = []
    departments: dict[str, list[int]] = {}
    for hall in chosen:
        with engine.connect() as conn:
            rows = conn.execute(
                select(events.c.type, events.c.payload)
                .where(events.c.hall_id == hall, events.c.type.in_(TYPES))
                .order_by(events.c.pos)).all()
        figures, grades, of_department = _hall(rows, day, as_of)
        per[hall] = figures
        totals += grades
        for name, graded in of_department.items():
            departments.setdefault(name, []).extend(graded)
    total = _group(totals)
    total["halls"] = len(chosen)
    total["per_department"] = {k: _group(v) for k, v in sorted(departments.items())}
    return {"day": day, "halls": per, "total": total}


def _hall(rows: Iterable[Any], day: str, as_of: str
          ) -> tuple[dict[str, Any], list[int], dict[str, list[int]]]:
    grades: list[int] = []
    rated: list[dict[str, Any]] = []  # the day's ratings, counted once the cases are known
    per: dict[str, dict[str, list[int]]] = {key: {} for key, _ in _GROUPS}
    due: dict[str, str] = {}  # the day's 差评: rating id -> due date
    closed: dict[str, str] = {}  # rating id -> the day it was closed
    escalated: set[str] = set()
    parts: dict[str, dict[int, str]] = {}  # case id -> step -> the department that has it
    cases = {"accepted": 0, "refused": 0, "completed": 0, "delivered": 0, "corrections": 0}
    seen: set[str] = set()  # a rating pushed twice (hub and terminal) counts once
    for kind, raw in rows:
        p = json.loads(raw) if isinstance(raw, str) else raw
        on_day = str(p.get("at", ""))[:10] == day
        if kind == "RatingGiven":
            if not on_day or p.get("rating_id") in seen:
                continue
            seen.add(p["rating_id"])
            grades.append(int(p["grade"]))
            rated.append(p)
            for key, field in _GROUPS:
                if p.get(field):
                    per[key].setdefault(str(p[field]), []).append(int(p["grade"]))
            if p.get("follow_up_due"):
                due[p["rating_id"]] = str(p["follow_up_due"])
        elif kind == "FollowUpStep":
            if p.get("step") == "close":
                closed.setdefault(str(p.get("rating_id")), str(p.get("at", ""))[:10])
            elif p.get("step") == "escalate":
                escalated.add(str(p.get("rating_id")))
        elif kind in ("CaseAccepted", "PartArrived"):  # its parts, whatever the day
            parts[str(p.get("case_id"))] = {
                int(s["step"]): str(s["department"]) for s in p.get("steps") or ()
                if isinstance(s, dict) and s.get("department")}
            if on_day and kind == "CaseAccepted":
                cases["accepted"] += 1
        elif kind == "CaseStepReassigned":  # a part handed on counts for the one that has it
            parts.setdefault(str(p.get("case_id")), {})[int(p["step"])] = str(p["department"])
        elif on_day:
            if kind == "CaseRefused":
                cases["refused"] += 1
            elif kind == "CaseCompleted":
                cases["completed"] += 1
            elif kind == "ResultDelivered":
                cases["delivered"] += 1
            elif kind == "CaseStepDecided" and p.get("outcome") == "correction":
                cases["corrections"] += 1
    of_department: dict[str, list[int]] = {}
    for p in rated:
        steps = parts.get(str(p.get("case_id"))) if p.get("case_id") else None
        of_case = tuple(dict.fromkeys(d for _, d in sorted(steps.items()))) if steps else None
        for name in rating_departments(of_case, p.get("service_id"), catalog_departments()):
            of_department.setdefault(name, []).append(int(p["grade"]))
    out = _group(grades)
    out["grades"] = {str(g): grades.count(g) for g in sorted(set(grades))}
    out["results"] = sum(1 for p in rated if p.get("stage") == "result")  # rated again at 出件
    for key, groups in per.items():
        out[key] = {k: _group(v) for k, v in sorted(groups.items())}
    out["per_department"] = {k: _group(v) for k, v in sorted(of_department.items())}
    done = {r: d for r, d in closed.items() if r in due}
    out["follow_ups"] = {
        "opened": len(due), "closed": len(done),
        "closed_on_time": sum(1 for r, d in done.items() if d <= due[r]),
        "overdue": sum(1 for r, d in due.items() if r not in done and d < as_of),
        "escalated": sum(1 for r in due if r in escalated)}
    out["cases"] = cases
    return out, grades, of_department
