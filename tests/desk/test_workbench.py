"""The department's workbench and the window's back-office parts, through the desk's widgets on
a real store: a department account opens on 待审批 (its parts only, overdue first), signs for
and decides from the keyboard; the window sees the 补正 and hands it in, then finds the case in
its 待出件 list. Screens saved for a look with TINGDUAN_SCREENS=DIR."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hall.actors import Actor
from hall.app import Hall
from hall.cases import MaterialItem
from hall.identity import Applicant
from tests.desk.conftest import PASSWORD, add_accounts, sign_in
from ui.app import Shell

CLERK = Actor.account("li", "clerk", "1")


def _screen(widget: object, name: str) -> None:
    folder = os.environ.get("TINGDUAN_SCREENS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))  # type: ignore[attr-defined]


def _case(folder: Path) -> str:
    with Hall.open(folder) as hall:
        admin = hall.accounts.sign_in("admin", PASSWORD)
        hall.accounts.add(admin, "gaj", "department", PASSWORD, department="市公安局")
        person = Applicant.from_id(hall.core.index_key, "测试甲", "990000198001010017",
                                   verified=True)
        items = [MaterialItem(m.name, "submitted")
                 for m in hall.catalog.get("newborn").materials]
        return hall.cases.accept(CLERK, "newborn", person, items).value.number


def test_workbench_by_keyboard_then_the_window_hands_the_correction_in(
        shell: Shell, make_desk, data_dir: Path, qtbot: QtBot) -> None:
    add_accounts(data_dir)
    number = _case(data_dir)
    desk = make_desk(data_dir)
    desk.signin.user.setText("gaj")
    desk.signin.password.setText(PASSWORD)
    desk.signin.window_input.setText("9")
    desk.signin.submit.click()
    qtbot.waitUntil(lambda: desk.currentWidget() is desk.bench and bool(desk.bench.parts),
                    timeout=20_000)
    bench = desk.bench
    assert [(p.case, p.step, p.department) for p in bench.parts] == [(number, 3, "市公安局")]
    qtbot.waitUntil(lambda: "户口簿" in bench.details.text(), timeout=10_000)
    assert "测**" in bench.details.text() and "测试甲" not in bench.details.text()
    _screen(desk, "workbench")
    QTest.keyClick(bench.table, Qt.Key.Key_F5)  # 签收
    qtbot.waitUntil(lambda: bool(bench.parts) and bench.parts[0].status == "received", timeout=10_000)
    QTest.keyClick(bench.table, Qt.Key.Key_F8)  # 补正 with no note: said, nothing sent
    assert "note" in bench.notice.text() or bench.notice.isVisible()
    bench.note.setText("户口簿缺页,请补齐")
    QTest.keyClick(bench.table, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not bench.parts, timeout=10_000)  # waiting on the applicant now
    bench.sign_out_button.click()

    sign_in(qtbot, desk, "li", "1")
    desk.work.tabs.setCurrentWidget(desk.work.delivery_page)
    delivery = desk.work.delivery
    delivery.case_input.setText(number)
    delivery.find_button.click()
    qtbot.waitUntil(lambda: delivery.correct_button.isEnabled(), timeout=10_000)
    assert "户口簿缺页" in delivery.values["parts"].text()
    delivery.correct_button.click()
    qtbot.waitUntil(lambda: not delivery.correct_button.isEnabled(), timeout=10_000)
    with Hall.open(data_dir) as hall:
        for step in hall.cases.get(CLERK, number).steps:
            who = Actor.account("d", "department", department=step.department)
            if step.status == "pending":
                hall.parts.decide(who, number, step.step, "received")
            hall.parts.decide(who, number, step.step, "approved", "同意")
    desk.refresh_ready()
    qtbot.waitUntil(lambda: delivery.ready_list.count() == 1, timeout=10_000)
    assert number in delivery.ready_list.item(0).text()
    _screen(desk, "ready_list")
