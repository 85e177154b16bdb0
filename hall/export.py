"""Exports for supervisors: the cases as JSON lines, masked (never a plain personal field or a
text a person typed), written atomically with owner-only rights. Audited."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hall.actors import Actor
from hall.core import Core, Outcome
from hall.security import audit


@dataclass(frozen=True)
class ExportReport:
    file: str
    cases: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "cases": self.cases}


def write_private(path: Path, lines: list[str]) -> None:
    """Write a file atomically, readable by its owner only (an export may be sensitive)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Exports:
    def __init__(self, core: Core) -> None:
        self._core = core

    def cases(self, by: Actor, out: Path) -> Outcome[ExportReport]:
        core = self._core
        core.require(by, "export", "export")
        from hall.logs import redact_value

        rows = core.conn.execute(
            "SELECT case_number, service_id, status, applicant_masked, accepted_ms, "
            "completed_ms, delivered_ms, promised, assisted, delivery_channel FROM cases "
            "ORDER BY accepted_ms").fetchall()
        keys = ("case_number", "service", "status", "applicant", "accepted_ms", "completed_ms",
                "delivered_ms", "promised", "assisted", "delivery_channel")
        lines = [json.dumps(redact_value("case", dict(zip(keys, row, strict=True))),
                            ensure_ascii=False) for row in rows]
        write_private(out, lines)
        audit.record(core, actor=by, action="export", target=out.name,
                     detail={"cases": len(rows)})
        return core.outcome(ExportReport(str(out), len(rows)))
