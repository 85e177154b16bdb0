"""Retention: personal data of finished visits is erased after a configurable period.

`purge()` finds the cases finished (delivered, or refused) before the cutoff whose applicant is
still on record, and emits `PersonalDataPurged` events (≤ 500 cases each). The event syncs like
any other; its projection (hall/store/projections.py `_purged`) erases, on every store that
applies it, the case's masked applicant, its blind index, the sealed applicant record inside the
case events and the written promises of 容缺 materials. The case record itself (number, service,
dates, materials, outcome) is kept, as policy asks.

The period is `retention_days` in security.json (default 180 days).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hall.clock import to_ms
from hall.events import EventType
from hall.security import audit
from hall.security import config as security_config
from hall.service import HallService
from hall.timefmt import iso_local

BATCH = 500


def due(hall: HallService, days: int) -> list[str]:
    cutoff = to_ms(hall.now() - timedelta(days=days))
    rows = hall.store.conn.execute(
        "SELECT case_id FROM cases WHERE applicant_key != '' AND ("
        "(status = 'delivered' AND delivered_ms < ?) OR (status = 'refused' AND accepted_ms < ?))"
        " ORDER BY accepted_ms", (cutoff, cutoff)).fetchall()
    return [r[0] for r in rows]


def purge(hall: HallService, *, days: int | None = None, actor: str = "system",
          role: str = "admin", dry_run: bool = False) -> dict[str, Any]:
    period = days if days is not None else security_config.load(
        hall.store.path.parent)["retention_days"]
    cases = due(hall, period)
    cutoff = iso_local(hall.now() - timedelta(days=period), hall.zone)
    if not dry_run:
        for i in range(0, len(cases), BATCH):
            with hall.write() as conn:
                hall.emit(conn, EventType.PERSONAL_DATA_PURGED, {
                    "case_ids": cases[i:i + BATCH], "cutoff": cutoff, "at": hall.now_iso()})
        if cases:
            audit.record(hall, actor=actor, role=role, action="purge",
                         target=f"{len(cases)} cases", detail={"cutoff": cutoff,
                                                               "days": period})
    return {"days": period, "cutoff": cutoff, "cases": len(cases), "dry_run": dry_run}
