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

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from hall.actors import Actor
from hall.clock import to_ms
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.events import EventType
from hall.security import audit
from hall.security import config as security_config
from hall.timefmt import iso_local

BATCH = 500
MAX_DAYS = 36_500  # a hundred years: beyond it the cutoff is before any hall opened


@dataclass(frozen=True)
class PurgeReport:
    days: int
    cutoff: str
    cases: int
    ratings: int
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Retention:
    def __init__(self, core: Core) -> None:
        self._core = core

    def due(self, days: int) -> tuple[list[str], list[str]]:
        """Finished cases and rated visits older than `days` that still hold personal data."""
        cutoff = to_ms(self._core.now() - timedelta(days=days))
        conn = self._core.conn
        cases = [r[0] for r in conn.execute(
            "SELECT case_id FROM cases WHERE (applicant_key != '' OR note IS NOT NULL OR "
            "reasons NOT IN ('[]') OR EXISTS (SELECT 1 FROM case_materials m WHERE "
            "m.case_id = cases.case_id AND m.promise IS NOT NULL)) AND ("
            "(status = 'delivered' AND delivered_ms < ?) OR "
            "(status = 'refused' AND accepted_ms < ?)) ORDER BY accepted_ms", (cutoff, cutoff))]
        ratings = [r[0] for r in conn.execute(
            "SELECT rating_id FROM ratings WHERE (text IS NOT NULL OR rating_id IN ("
            "SELECT rating_id FROM follow_ups WHERE action IS NOT NULL OR note IS NOT NULL)) "
            "AND given_ms < ? "
            "ORDER BY given_ms", (cutoff,))]
        return cases, ratings

    def purge(self, by: Actor, *, days: int | None = None,
              dry_run: bool = False) -> Outcome[PurgeReport]:
        core = self._core
        core.require(by, "purge", "purge")
        period = days if days is not None else int(
            security_config.load(core.data_dir)["retention_days"])
        if not 1 <= period <= MAX_DAYS:
            raise DomainError(f"the retention period is 1 to {MAX_DAYS} days, not {period}",
                              code="bad_days", params={"days": period, "max": MAX_DAYS})
        cases, ratings = self.due(period)
        cutoff = iso_local(core.now() - timedelta(days=period), core.zone)
        if not dry_run and (cases or ratings):
            for i in range(0, max(len(cases), len(ratings)), BATCH):
                with core.write() as conn:
                    core.emit(conn, EventType.PERSONAL_DATA_PURGED, {
                        "case_ids": cases[i:i + BATCH], "rating_ids": ratings[i:i + BATCH],
                        "cutoff": cutoff, "at": core.now_iso()}, by)
            audit.record(core, actor=by, action="purge",
                         target=f"{len(cases)} cases, {len(ratings)} ratings",
                         detail={"cutoff": cutoff, "days": period})
        return core.outcome(PurgeReport(period, cutoff, len(cases), len(ratings), dry_run))
