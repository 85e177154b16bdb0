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
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select

from sync.server.tables import events

TYPES = ("RatingGiven", "FollowUpStep", "CaseAccepted", "CaseRefused", "CaseCompleted",
         "ResultDelivered", "CaseStepDecided")
BAD = 2  # hall/ratings.py BAD: grades at or below it are 差评
MAX_HALLS = 2000  # one answer's bound (a province has fewer halls than this)


def _group(grades: list[int]) -> dict[str, Any]:
    bad = sum(1 for g in grades if g <= BAD)
    return {"count": len(grades),
            "mean": round(sum(grades) / len(grades), 2) if grades else None,
            "bad": bad, "bad_rate": round(bad / len(grades), 4) if grades else None}


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
    for hall in chosen:
        with engine.connect() as conn:
            rows = conn.execute(
                select(events.c.type, events.c.payload)
                .where(events.c.hall_id == hall, events.c.type.in_(TYPES))
                .order_by(events.c.pos)).all()
        figures, grades = _hall(rows, day, as_of)
        per[hall] = figures
        totals += grades
    total = _group(totals)
    total["halls"] = len(chosen)
    return {"day": day, "halls": per, "total": total}


def _hall(rows: Iterable[Any], day: str, as_of: str) -> tuple[dict[str, Any], list[int]]:
    grades: list[int] = []
    by_window: dict[str, list[int]] = {}
    due: dict[str, str] = {}  # the day's 差评: rating id -> due date
    closed: dict[str, str] = {}  # rating id -> the day it was closed
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
            if p.get("window"):
                by_window.setdefault(str(p["window"]), []).append(int(p["grade"]))
            if p.get("follow_up_due"):
                due[p["rating_id"]] = str(p["follow_up_due"])
        elif kind == "FollowUpStep":
            if p.get("step") == "close":
                closed.setdefault(str(p.get("rating_id")), str(p.get("at", ""))[:10])
        elif on_day:
            if kind == "CaseAccepted":
                cases["accepted"] += 1
            elif kind == "CaseRefused":
                cases["refused"] += 1
            elif kind == "CaseCompleted":
                cases["completed"] += 1
            elif kind == "ResultDelivered":
                cases["delivered"] += 1
            elif kind == "CaseStepDecided" and p.get("outcome") == "correction":
                cases["corrections"] += 1
    out = _group(grades)
    out["by_window"] = {w: _group(g) for w, g in sorted(by_window.items())}
    done = {r: d for r, d in closed.items() if r in due}
    out["follow_ups"] = {
        "opened": len(due), "closed": len(done),
        "closed_on_time": sum(1 for r, d in done.items() if d <= due[r]),
        "overdue": sum(1 for r, d in due.items() if r not in done and d < as_of)}
    out["cases"] = cases
    return out, grades
