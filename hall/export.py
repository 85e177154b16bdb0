"""Exports for supervisors: the cases as JSON lines, and the day's figures as CSV or XLSX; masked
(never a plain personal field or a text a person typed), written atomically with owner-only
rights. Audited.

XLSX through openpyxl (kept, pure Python, writes real Office Open XML that WPS and Excel open
without a conversion prompt); CSV through the standard library, UTF-8 with a byte-order mark so
Excel on a Chinese Windows reads the headings as Chinese, not as GBK mojibake.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from hall.actors import Actor
from hall.core import Core, Outcome
from hall.ratings import GRADES
from hall.security import audit
from hall.stats import DayStats, Figures

StatsFormat = Literal["csv", "xlsx"]
FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("issued", "取号"), ("served", "办结"), ("no_show", "过号"), ("waiting", "等候中"),
    ("cancelled", "取消"), ("wait_avg_s", "平均等候(秒)"), ("wait_p90_s", "90%等候(秒)"),
    ("service_avg_s", "平均办理(秒)"), ("service_p90_s", "90%办理(秒)"))


@dataclass(frozen=True)
class ExportReport:
    file: str
    cases: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "cases": self.cases}


@dataclass(frozen=True)
class StatsExport:
    file: str
    format: str
    day: str
    scope: str
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "day": self.day, "scope": self.scope,
                "rows": self.rows}


def write_private(path: Path, lines: list[str]) -> None:
    """Write a file atomically, readable by its owner only (an export may be sensitive)."""
    def body(fh: IO[bytes]) -> None:
        for line in lines:
            fh.write((line + "\n").encode("utf-8"))

    write_private_bytes(path, body)


def write_private_bytes(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """`write(fh)` into a temporary file (mode 0600), synced, then renamed over `path`."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _figure_row(scope: str, key: str, name: str, f: Figures) -> list[Any]:
    values = f.to_json()
    return [scope, key, name, *(values[k] for k, _ in FIGURE_COLUMNS)]


def stats_tables(core: Core, stats: DayStats,
                 follow_ups: list[tuple[str, int, str | None, str]]
                 ) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The sheets of a figures export: (headings, rows) by sheet name. Nothing personal: ticket
    numbers, service names, windows, counts and times; a 差评's comment stays out."""
    names = {s.id: s.name for s in core.catalog.services}
    figures = [_figure_row("全厅" if stats.scope == "hall" else "本人", "", "合计", stats.total)]
    figures += [_figure_row("事项", k, names.get(k, k), f) for k, f in stats.by_service.items()]
    figures += [_figure_row("窗口", k, f"{k}号窗口", f) for k, f in stats.by_window.items()]
    ratings = [[g, GRADES[g], stats.ratings.get(g, 0)] for g in sorted(GRADES, reverse=True)]
    # per window, clerk, matter and department (hall/rating_figures.py): staff user names, no citizen
    rf = stats.rating_figures
    groups = [[scope, label, v["count"], v["mean"], v["bad"], v["bad_rate"]]
              for scope, key, label_of in (("窗口", "by_window", lambda k: f"{k}号窗口"),
                                           ("工作人员", "by_clerk", lambda k: k),
                                           ("事项", "by_service", lambda k: names.get(k, k)),
                                           ("部门", "per_department", lambda k: k))
              for k, v in rf.get(key, {}).items() for label in (label_of(k),)]
    return {
        "办件量": (["范围", "编号", "名称", *(h for _, h in FIGURE_COLUMNS)], figures),
        "好差评": (["等级", "评价", "件数"], ratings),
        "评价分布": (["范围", "名称", "评价数", "平均分", "差评", "差评率"], groups),
        "差评整改": (["票号", "等级", "整改期限", "评价时间"],
                   [[t, g, due or "", at[:16].replace("T", " ")] for t, g, due, at in follow_ups]),
    }


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

    def stats(self, by: Actor, out: Path, fmt: StatsFormat = "xlsx",
              day: str | None = None) -> Outcome[StatsExport]:
        """The day's figures (the hall's, for a supervisor), the ratings and the 差评 to follow
        up, as CSV (one table: a `表` column names the part) or XLSX (a sheet per part)."""
        core = self._core
        core.require(by, "export", "export_stats")
        if fmt not in ("csv", "xlsx"):
            from hall.errors import DomainError

            raise DomainError(f"an export is csv or xlsx, not {fmt!r}", code="export_format",
                              params={"format": str(fmt)})
        from hall.ratings import Ratings
        from hall.stats import Stats

        stats = Stats(core).day(by, day)
        follow = [(r.ticket, r.grade, r.follow_up_due, r.given_at)
                  for r in Ratings(core).follow_ups(by)] if by.can("follow_up") else []
        tables = stats_tables(core, stats, follow)
        count = sum(len(rows) for _, rows in tables.values())
        write_private_bytes(out, lambda fh: (_xlsx if fmt == "xlsx" else _csv)(tables, fh))
        audit.record(core, actor=by, action="export", target=out.name,
                     detail={"kind": "stats", "format": fmt, "day": stats.day, "rows": count})
        return core.outcome(StatsExport(str(out), fmt, stats.day, stats.scope, count))


def _csv(tables: dict[str, tuple[list[str], list[list[Any]]]], fh: IO[bytes]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    for name, (headings, rows) in tables.items():
        writer.writerow(["表", *headings])
        writer.writerows([name, *("" if v is None else v for v in row)] for row in rows)
        writer.writerow([])
    fh.write(text.getvalue().encode("utf-8-sig"))


def _xlsx(tables: dict[str, tuple[list[str], list[list[Any]]]], fh: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (headings, rows) in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for i, heading in enumerate(headings, 1):
            width = max([len(str(heading)) * 2, *(len(str(r[i - 1])) + 2 for r in rows)])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(width, 40)
        sheet.freeze_panes = "A2"
    book.save(fh)
