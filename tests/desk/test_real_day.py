"""What a real day at the counter hit (issue 21), through the desk's widgets on a real store
with the GA 467 emulator on a pty: F9/F10/F11, a desk restarted mid-visit (the ticket's matter,
its case shown, no second case without asking), a card already lying on the reader, and 出件
(补交, why a button is greyed, no stale error, the collector's card)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from devices.emulators import people
from hall.actors import Actor
from hall.app import Hall
from tests.desk import test_desk as base
from tests.desk.conftest import sign_in

_modal, take = base._modal, base.take
desk_dir, read_card = base.desk_dir, base.read_card  # the desk tests' fixtures

OP = Actor.operator("t")


def _serve_with_card(qtbot: QtBot, desk, emulator) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(desk, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: desk.queue_state.current is not None, timeout=10_000)
    emulator.present(people.RESIDENT)
    qtbot.waitUntil(lambda: desk.read is not None, timeout=10_000)


def test_f9_f10_f11_act_as_the_buttons_say(read_card, qtbot: QtBot, desk_dir: Path) -> None:
    desk, emulator = read_card
    take(desk_dir, "newborn")
    sign_in(qtbot, desk, "li", "3")
    _serve_with_card(qtbot, desk, emulator)
    printed: list[Path] = []
    desk.a4.printed.connect(lambda _t, path: printed.append(path))
    QTest.keyClick(desk, Qt.Key.Key_F10)  # 一次性告知: nothing marked yet, so all is missing
    qtbot.waitUntil(lambda: len(printed) == 1, timeout=20_000)
    desk.work.acceptance.all_submitted.click()
    QTest.keyClick(desk, Qt.Key.Key_F9)  # 受理并打印回执
    qtbot.waitUntil(lambda: len(printed) == 2, timeout=20_000)
    seen: list[str] = []

    def cancel(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append(type(dialog).__name__)
        dialog.reject()

    from desk.dialogs import RefuseDialog

    _modal(qtbot, RefuseDialog, cancel)
    QTest.keyClick(desk, Qt.Key.Key_F11)  # 不予受理 asks for the reasons
    qtbot.waitUntil(lambda: seen == ["RefuseDialog"], timeout=10_000)
    with Hall.open(desk_dir) as hall:
        assert [c.service for c in hall.cases.list(OP)] == ["newborn"]


def test_a_restarted_desk_shows_the_tickets_matter_and_case_and_asks_first(
        read_card, make_desk, qtbot: QtBot, desk_dir: Path) -> None:
    """Killed mid-visit and started again: the matter is the ticket's (新生儿出生, not the first
    of the list), its case is shown, and F9 makes no second case unless the clerk says so."""
    desk, emulator = read_card
    take(desk_dir, "newborn")
    sign_in(qtbot, desk, "li", "3")
    _serve_with_card(qtbot, desk, emulator)
    desk.work.acceptance.all_submitted.click()
    desk.work.acceptance.accept_button.click()
    qtbot.waitUntil(lambda: bool(desk.queue_state.current_cases), timeout=20_000)
    number = desk.queue_state.current_cases[0].number

    again = make_desk(desk_dir)  # the restarted desk: a new window on the same store
    panel = again.work.acceptance
    assert panel.current_service().id != "newborn"  # the list's first, before sign-in
    sign_in(qtbot, again, "li", "3")
    qtbot.waitUntil(lambda: panel.current_service().id == "newborn", timeout=10_000)
    qtbot.waitUntil(lambda: panel.existing.isVisible(), timeout=10_000)
    assert number in panel.existing.text() and "此号已有办件" in panel.existing.text()
    again.read = desk.read  # the applicant's card, read again on the restarted desk
    panel.all_submitted.click()
    asked: list[str] = []

    def say_no(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    _modal(qtbot, QMessageBox, say_no)
    QTest.keyClick(again, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: bool(asked) and QApplication.activeModalWidget() is None,
                    timeout=20_000)
    assert number in asked[0]
    qtbot.wait(300)
    with Hall.open(desk_dir) as hall:
        assert len(hall.cases.list(OP)) == 1  # no second case without a word

    def say_yes(box: QMessageBox) -> None:
        box.button(QMessageBox.StandardButton.Yes).click()

    _modal(qtbot, QMessageBox, say_yes)
    QTest.keyClick(again, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: len(again.queue_state.current_cases) == 2, timeout=20_000)


def test_a_card_lying_on_the_reader_is_read_when_serving_starts(
        read_card, qtbot: QtBot, desk_dir: Path) -> None:
    desk, emulator = read_card
    take(desk_dir, "newborn")
    emulator.present(people.RESIDENT)  # put down before anyone signed in: read, ignored
    qtbot.waitUntil(lambda: emulator.reads >= 1, timeout=10_000)
    sign_in(qtbot, desk, "li", "3")
    assert desk.read is None
    QTest.keyClick(desk, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: desk.read is not None, timeout=10_000)
    assert desk.work.applicant.values["id"].text() == "420302********0010"


def test_hand_out_says_why_takes_the_supply_and_asks_for_the_collectors_card(
        read_card, qtbot: QtBot, desk_dir: Path) -> None:
    from hall.cases import MaterialItem
    from hall.identity import Applicant

    desk, emulator = read_card
    with Hall.open(desk_dir) as hall:
        case = hall.cases.accept(
            OP, "newborn", Applicant.from_id(hall.core.index_key, "王小明",
                                             "11010519491231002X", verified=True),
            [MaterialItem("申请人居民身份证", "exempt"), MaterialItem("户口簿", "submitted"),
             MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
             MaterialItem("出生医学证明", "submitted"),
             MaterialItem("父母结婚证", "deferred", due="2099-01-31")],
            promise="按期补交").value
        for step in case.steps:  # decided by its department (the back office)
            dept = Actor.account("d1", "department", department=step.department)
            hall.parts.decide(dept, case.number, step.step, "received")
            hall.parts.decide(dept, case.number, step.step, "approved")
    sign_in(qtbot, desk, "li", "3")
    delivery = desk.work.delivery
    desk.work.tabs.setCurrentWidget(desk.work.delivery_page)
    delivery.case_input.setText("NO-SUCH-CASE")
    delivery.find_button.click()
    qtbot.waitUntil(lambda: "找不到" in delivery.message.text(), timeout=10_000)
    delivery.case_input.setText(case.number)
    delivery.find_button.click()
    qtbot.waitUntil(lambda: delivery.values["number"].text() == case.number, timeout=10_000)
    assert not delivery.message.isVisible()  # the stale error went with the lookup
    assert not delivery.complete_button.isEnabled() and not delivery.deliver_button.isEnabled()
    assert "父母结婚证" in delivery.why.text() and "补交" in delivery.why.text()
    assert delivery.supply_choice.currentText() == "父母结婚证"
    delivery.supply_button.click()  # 补交 at the desk
    qtbot.waitUntil(lambda: delivery.complete_button.isEnabled(), timeout=10_000)
    delivery.complete_button.click()
    qtbot.waitUntil(lambda: delivery.deliver_button.isEnabled(), timeout=10_000)
    delivery.deliver_button.click()  # nobody's card read yet: not handed out
    qtbot.waitUntil(lambda: "领取人" in delivery.message.text(), timeout=10_000)
    with Hall.open(desk_dir) as hall:
        assert hall.cases.get(OP, case.number).status == "completed"
    emulator.present(people.RESIDENT)  # the collector's card; the desk stays on 出件
    qtbot.waitUntil(lambda: desk.read is not None, timeout=10_000)
    assert desk.work.tabs.currentWidget() is desk.work.delivery_page
    delivery.deliver_button.click()
    qtbot.waitUntil(lambda: "已交给" in delivery.message.text(), timeout=10_000)
    assert "测**" in delivery.message.text()
    with Hall.open(desk_dir) as hall:
        assert hall.cases.get(OP, case.number).status == "delivered"


def test_the_date_cell_and_the_header_are_not_clipped(shell, make_desk, desk_dir: Path,  # type: ignore[no-untyped-def]
                                                      qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QDateEdit

    desk = make_desk(desk_dir)
    sign_in(qtbot, desk, "li", "3")
    panel = desk.work.acceptance
    panel.choose("newborn")
    panel.set_mark("父母结婚证", "deferred", "2099-12-31")
    when = panel.table.cellWidget(4, 2)
    assert isinstance(when, QDateEdit)
    qtbot.waitUntil(lambda: when.isVisible(), timeout=5_000)
    assert when.width() >= when.sizeHint().width()  # the whole date, not "2099-"
    assert when.width() >= when.fontMetrics().horizontalAdvance("2099-12-31")
    header = panel.table.horizontalHeader()
    assert header.height() >= header.fontMetrics().height()
    assert panel.table.rowViewportPosition(0) >= 0  # the first row starts below the header


def test_the_signature_lines_never_stand_alone_on_page_two(shell, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A long receipt (many materials, a long promise): set tighter until it fits one page,
    else the promise goes to page 2 with the lines that sign it. The thermal slip wraps."""
    import re
    import unicodedata

    from pypdf import PdfReader

    from desk.printing import render_pdf
    from devices.escpos.layout import receipt_slip_layout
    from hall.slips import ReceiptSlip

    promise = "申请人承诺：" + "本人承诺所提交材料真实有效，容缺材料于期限内补交，逾期未补交的" \
        "自愿承担相应责任。" * 3
    for count in (12, 40):
        rows = tuple((f"材料{i}", "已提交（原件核验，复印件存档）") for i in range(count))
        slip = ReceiptSlip("十堰市政务服务中心", "受理回执", (("办件编号", "SY-ZW01-0001"), *rows),
                           (promise,), "https://zwfw.example.gov.cn/c/SY/0001",
                           ("申请人(承诺人)签名", "受理人签名"))
        pages = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text()))
                 for p in PdfReader(str(render_pdf(
                     slip, tmp_path / f"r{count}.pdf", "Noto Sans CJK SC"))).pages]
        signed = [text for text in pages if "签名" in text]
        # the words signed are on every page with lines to sign: none stands alone
        assert signed and all("本人承诺" in text for text in signed)
        if count == 12:
            assert len(pages) == 1  # set tighter: one page
    layout = receipt_slip_layout(slip)
    from devices.escpos.layout import Text

    widths = [sum(2 if ord(c) > 0x2E80 else 1 for c in e.text) for e in layout.elements
              if isinstance(e, Text)]
    assert max(widths) <= 48  # nothing runs off an 80 mm roll
