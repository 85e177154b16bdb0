"""差评整改 at the desk (issue 27): a supervisor's tab lists the open follow-ups with their deadline
in working days; one is opened, handed to a department, its 整改 action written, the 回访
recorded and it is closed, each step through the signed-in supervisor's session in the hall's
worker; the typed text reaches the log sealed, and the supervisor reads it in plain. A clerk's
desk has no such tab."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desk.window import DeskWindow
from hall.app import Hall
from tests.desk.conftest import PASSWORD, add_accounts, sign_in
from ui.app import Shell

ACTION = "增开高峰时段窗口并公示等候时长"
NOTE = "回访本人，对整改表示认可"


def _rated_visit(folder: Path) -> str:
    """A visit served at window 1 by li and rated 1 on the window's pad: its ticket number."""
    with Hall.open(folder) as hall:
        desk = hall.sign_in("li", PASSWORD, window="1")
        t = hall.kiosk_session().tickets.take("newborn").value
        desk.tickets.call_next("1")
        desk.tickets.start(t.id)
        desk.tickets.done(t.id)
        hall.rater_session("1").ratings.rate(t.id, 1, reasons=["等候时间长"])
        desk.sign_out()
        return t.number


def test_a_supervisor_follows_a_poor_rating_to_its_end_on_the_desk(
        qtbot: QtBot, shell: Shell, data_dir: Path,
        make_desk: Callable[..., DeskWindow]) -> None:
    add_accounts(data_dir)
    number = _rated_visit(data_dir)
    _rated_visit(data_dir)  # another, left open
    desk = make_desk(data_dir)
    tabs, panel = desk.work.tabs, desk.work.follow_ups

    sign_in(qtbot, desk, "li", "1")  # a clerk: no follow-ups tab
    assert not tabs.isTabVisible(desk.work.follow_ups_tab)
    desk.sign_out()
    sign_in(qtbot, desk, "zhao", "1")
    assert tabs.isTabVisible(desk.work.follow_ups_tab)
    tabs.setCurrentIndex(desk.work.follow_ups_tab)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=20_000)
    row = [panel.table.item(0, c).text() for c in range(7)]
    assert row[0] == number and row[1] == "1 非常不满意" and row[2] == "1 · li"
    assert row[3] == "值班主管" and row[5].startswith("剩余 ") and row[5].endswith(" 个工作日")
    assert row[6] == "待指派" and "未办结 2 条，逾期 0 条" in panel.title.text()
    assert not panel.close_button.isEnabled() and not panel.revisit_button.isEnabled()

    panel.table.selectRow(0)  # opened below the list
    qtbot.waitUntil(lambda: panel.opened is not None, timeout=20_000)
    assert f"票号 {number}" in panel.details.text()
    panel.assignee.setText("市公安局")
    panel.assign_button.click()
    qtbot.waitUntil(lambda: panel.opened is not None and panel.opened.state == "assigned",
                    timeout=20_000)
    assert "责任人：市公安局" in panel.details.text()
    panel.act_button.click()  # nothing written: said, nothing sent
    assert panel.message.text() == "请先填写整改措施。"
    panel.action.setPlainText(ACTION)
    panel.act_button.click()
    qtbot.waitUntil(lambda: panel.opened is not None and panel.opened.state == "acted",
                    timeout=20_000)
    assert f"整改措施：{ACTION}" in panel.details.text() and panel.action.toPlainText() == ""
    assert panel.revisit_button.isEnabled() and not panel.close_button.isEnabled()
    panel.result.setCurrentIndex(panel.result.findData("satisfied"))
    panel.note.setText(NOTE)
    panel.revisit_button.click()
    qtbot.waitUntil(lambda: panel.opened is not None and panel.opened.state == "revisited",
                    timeout=20_000)
    assert f"回访：满意，{NOTE}" in panel.details.text()
    panel.close_button.click()
    qtbot.waitUntil(lambda: panel.message.text() == "整改已办结。", timeout=20_000)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=20_000)  # open only
    # the other one is not shown as chosen while nothing is opened
    assert panel.opened is None and not panel.table.selectionModel().hasSelection()
    assert not panel.close_button.isEnabled() and not panel.assign_button.isEnabled()
    panel.open_only.setChecked(False)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=20_000)
    assert panel.table.item(1, 6).text() == "已办结" and panel.table.item(1, 5).text() == "—"

    with Hall.open(data_dir) as hall:
        steps = [r[0] for r in hall.core.conn.execute(
            "SELECT payload FROM events WHERE type = 'FollowUpStep' ORDER BY pos")]
        boss = hall.sign_in("zhao", PASSWORD)
        [done] = [f for f in boss.ratings.follow_up_list() if f.state == "closed"]
    assert [s.split('"step":"')[1].split('"')[0] for s in steps] == [
        "assign", "action", "revisit", "close"]
    log = "".join(steps)
    assert ACTION not in log and NOTE not in log  # sealed in the log
    assert '"by":{"kind":"account","name":"zhao","role":"supervisor"' in log
    assert (done.state, done.action, done.note, done.assignee) == ("closed", ACTION, NOTE,
                                                                    "市公安局")
