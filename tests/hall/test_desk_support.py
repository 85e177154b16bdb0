"""What the desk needs from the hall: the next tickets of a window in the call policy's order,
what a window holds, the 一次性告知书 slip, the receipt's signature lines, and the day's figures
exported as CSV and XLSX (permission "export", masked, owner-only, audited)."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.config import CallPolicy
from hall.errors import AccessError, DomainError
from hall.identity import Applicant
from tests.conftest import OP
from tests.hall.test_cases_ratings_stats import newborn_items
from tests.hall.test_policy import issue

CLERK = Actor.account("clerk1", "clerk", "1")
SUPERVISOR = Actor.account("boss", "supervisor")
PERSON = Applicant.from_id(b"k" * 32, "王小明", "11010519491231002X", verified=True)


@pytest.mark.parametrize(("mode", "kinds"), [("strict", "RRPRP"), ("interleave", "RRRRPPP"),
                                             ("interleave", "PPPRRRRRP")])
def test_next_tickets_are_the_order_calls_would_take(make_hall, clock, mode: str,
                                                    kinds: str) -> None:
    hall = make_hall(policy=CallPolicy(mode=mode, regular_per_priority=2,  # type: ignore[arg-type]
                                       max_wait_minutes=0))
    issue(hall, clock, kinds)
    hall.tickets.take(OP, "retirement")  # another window's service: not in window 1's list
    hall.windows.configure(OP, "1", ["newborn"])
    shown = [t.number for t in hall.views.next_for("1", limit=20)]
    called = []
    while True:
        try:
            ticket = hall.tickets.call_next(OP, "1").value
        except DomainError:
            break
        called.append(ticket.number)
        hall.tickets.done(OP, ticket.id)
    assert shown == called and len(called) == len(kinds)
    assert hall.views.next_for("1", limit=3) == []


def test_what_a_window_holds(hall: Hall) -> None:
    for _ in range(3):
        hall.tickets.take(OP, "newborn")
    first = hall.tickets.call_next(OP, "2").value
    hall.tickets.park(OP, first.id)
    second = hall.tickets.call_next(OP, "2").value
    assert [(t.number, t.status) for t in hall.views.held_by("2")] == [
        (second.number, "called"), (first.number, "parked")]
    assert hall.views.held_by("1") == []


def test_the_missing_materials_notice(hall: Hall) -> None:
    slip = hall.missing_notice("newborn", ["父母结婚证", "户口簿"], "王*")
    rows = dict(slip.rows)
    assert slip.title == "一次性告知书"
    assert rows["尚缺材料1"] == "父母结婚证" and rows["尚缺材料2"] == "户口簿"
    assert rows["办理事项"] == hall.catalog.get("newborn").name and rows["申请人"] == "王*"
    assert [v for k, v in slip.rows if k == "已备材料"] == [
        m.name for m in hall.catalog.get("newborn").materials if m.name not in ("父母结婚证", "户口簿")]
    with pytest.raises(DomainError) as refused:
        hall.missing_notice("newborn", ["not a material"])
    assert refused.value.code == "unknown_material"


def test_a_receipt_with_a_promise_has_lines_to_sign(hall: Hall) -> None:
    deferred = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), promise="五日内补交").value
    assert hall.case_receipt(deferred).signatures == ("申请人(承诺人)签名", "受理人签名")
    plain = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(
        父母结婚证=newborn_items()[0].__class__("父母结婚证", "submitted"))).value
    assert hall.case_receipt(plain).signatures == ()


def _a_day(hall: Hall) -> None:
    from hall.app import Hall as _Hall  # noqa: F401  (the type only)

    for _ in range(3):
        hall.tickets.take(OP, "newborn")
    for grade in (5, 1):
        ticket = hall.tickets.call_next(CLERK, "1").value
        hall.tickets.start(CLERK, ticket.id)
        hall.tickets.done(CLERK, ticket.id)
        hall.ratings.rate(hall.kiosk(), ticket.id, grade, "态度不好 王小明 11010519491231002X")
    ticket = hall.tickets.call_next(CLERK, "1").value
    hall.tickets.no_show(CLERK, ticket.id)


def test_figures_export_as_xlsx_and_csv(hall: Hall, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _a_day(hall)
    with pytest.raises(AccessError):
        hall.exports.stats(CLERK, tmp_path / "no.xlsx")
    assert not (tmp_path / "no.xlsx").exists()
    report = hall.exports.stats(SUPERVISOR, tmp_path / "day.xlsx", "xlsx").value
    assert report.scope == "hall" and report.rows > 0
    path = Path(report.file)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = load_workbook(path)
    assert book.sheetnames == ["办件量", "好差评", "评价分布", "差评整改"]
    groups = list(book["评价分布"].iter_rows(min_row=2, values_only=True))
    assert ("窗口", "1号窗口", 2, 3.0, 1, 0.5) in groups  # grades 5 and 1 at window 1
    figures = list(book["办件量"].iter_rows(values_only=True))
    assert figures[0][:5] == ("范围", "编号", "名称", "取号", "办结")
    assert figures[1][:5] == ("全厅", None, "合计", 3, 2)
    assert figures[1][5] == 1  # 过号
    ratings = {r[0]: r[2] for r in book["好差评"].iter_rows(min_row=2, values_only=True)}
    assert ratings[5] == 1 and ratings[1] == 1 and ratings[3] == 0
    follow = list(book["差评整改"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in follow] == [("A002", 1, "2026-11-26")]

    csv_report = hall.exports.stats(SUPERVISOR, tmp_path / "day.csv", "csv").value
    raw = Path(csv_report.file).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese headings as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["表", "范围", "编号", "名称"] and rows[1][:6] == [
        "办件量", "全厅", "", "合计", "3", "2"]
    assert rows[-2][:4] == ["差评整改", "A002", "1", "2026-11-26"]
    for blob in (raw, path.read_bytes()):  # no comment, no name, no number typed by a person
        assert "王小明".encode() not in blob and b"11010519491231002X" not in blob
    exports = [e for e in hall.accounts.audit_trail(OP, action="export")]
    assert len(exports) == 2
    with pytest.raises(DomainError):
        hall.exports.stats(SUPERVISOR, tmp_path / "day.pdf", "pdf")  # type: ignore[arg-type]


def test_a_clerk_sees_only_own_figures(hall: Hall) -> None:
    _a_day(hall)
    other = Actor.account("clerk2", "clerk", "2")
    assert hall.stats.day(CLERK).total.served == 2
    assert hall.stats.day(other).total.issued == 0
    assert hall.stats.day(SUPERVISOR).total.issued == 3
