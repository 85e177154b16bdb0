"""The clerk asks for a rating (issue 27: the pad shows the grades "when the clerk finishes (or
asks)"): the desk's 请评价 (button and F8) on the ticket being served records the ask, and the
window's rating pad, its own bridge on the same store, shows the grades for that ticket before
it is finished; the rating knows its visit. A desk with no ticket, or a ticket already rated,
is not asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desk.window import DeskWindow
from hall.app import Hall
from hall.errors import DomainError
from rater.window import RaterWindow
from tests.desk.conftest import add_accounts, sign_in
from ui.app import Shell
from ui.bridge import HallBridge
from ui.opening import face_opener


@pytest.fixture
def pad(qtbot: QtBot, data_dir: Path, normal_mode: Shell) -> Iterator[RaterWindow]:
    bridge = HallBridge(face_opener(data_dir, "rater", window="3"))
    with qtbot.waitSignal(bridge.ready, timeout=20_000):
        bridge.start()
    window = RaterWindow(bridge, "3")
    window.resize(800, 480)
    window.show()
    yield window
    window.close()
    assert bridge.stop()


def test_the_clerk_asks_and_the_pad_shows_the_grades(
        qtbot: QtBot, data_dir: Path, make_desk: Callable[..., DeskWindow],
        pad: RaterWindow) -> None:
    add_accounts(data_dir)
    desk = make_desk(data_dir)
    sign_in(qtbot, desk, "li", "3")
    ask = desk.work.queue.buttons["ask"]
    assert ask.text() == "请评价  F8" and not ask.isEnabled()  # no ticket at the window
    with Hall.open(data_dir) as hall:
        first = hall.kiosk_session().tickets.take("newborn").value
        second = hall.kiosk_session().tickets.take("newborn").value
    desk.work.queue.buttons["call"].click()
    qtbot.waitUntil(lambda: desk.current() is not None and ask.isEnabled(), timeout=20_000)
    assert desk.current().id == first.id and desk.current().status == "called"
    qtbot.waitUntil(lambda: pad.serving.text() == f"正在办理：{first.number}号", timeout=20_000)
    assert pad.currentWidget() is pad.clerk_page
    ask.click()  # 请评价: only called, not started
    qtbot.waitUntil(lambda: pad.currentWidget() is pad.grade_page, timeout=20_000)
    assert pad.grade_ticket.text() == f"{first.number}号"
    assert desk.work.notice.text() == f"{first.number}：评价器已请群众评价。"
    with qtbot.waitSignal(pad.sent, timeout=20_000) as sent:
        pad.grade_buttons[4].click()
    rating = sent.args[0]
    assert (rating.grade, rating.window, rating.clerk, rating.service, rating.stage) == (
        4, "3", "li", "newborn", "visit")
    # asked again for the rated visit: refused, said at the desk; finishing it asks nothing more
    ask.click()
    qtbot.waitUntil(lambda: desk.work.notice.text() == "这次办事已经评价过了，谢谢您。", timeout=20_000)
    desk.act("done")
    qtbot.waitUntil(lambda: desk.current() is None, timeout=20_000)
    pad.back_to_card()
    # the next ticket, asked by the key (F8) while being served
    desk.act("call")
    qtbot.waitUntil(lambda: desk.current() is not None and desk.current().id == second.id,
                    timeout=20_000)
    desk.act("start")
    qtbot.waitUntil(lambda: desk.current().status == "serving", timeout=20_000)
    desk.activateWindow()
    QTest.keyClick(desk, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: pad.asking == second.number, timeout=20_000)
    assert pad.currentWidget() is pad.grade_page
    with Hall.open(data_dir) as hall:
        asks = hall.core.conn.execute(
            "SELECT json_extract(payload, '$.ticket_id'), json_extract(payload, '$.window'), "
            "json_extract(payload, '$.by.name') FROM events WHERE type = 'RatingAsked' "
            "ORDER BY pos").fetchall()
    assert asks == [(first.id, "3", "li"), (second.id, "3", "li")]


def test_an_ask_is_only_for_the_ticket_a_window_holds(make_hall) -> None:
    from hall.actors import Actor

    hall: Hall = make_hall()
    clerk = Actor.account("li", "clerk", "3")
    other = Actor.account("wang", "clerk", "4")
    waiting = hall.tickets.take(hall.kiosk(), "newborn").value
    with pytest.raises(DomainError) as not_called:  # waiting: not at a window
        hall.ratings.ask(clerk, waiting.id)
    assert not_called.value.code == "rating_not_askable"
    hall.tickets.call_next(clerk, "3")
    with pytest.raises(DomainError) as elsewhere:  # another window's clerk
        hall.ratings.ask(other, waiting.id)
    assert elsewhere.value.code == "rating_not_askable"
    # not asked, a ticket only called cannot be rated (the pad does not offer it either)
    with pytest.raises(DomainError) as early:
        hall.rater_session("3").ratings.rate(waiting.id, 5)
    assert early.value.code == "not_served"
    assert hall.pad_view("3").to_rate is None
    assert hall.ratings.ask(clerk, waiting.id).value.id == waiting.id
    assert hall.pad_view("3").to_rate == waiting.id
    assert hall.rater_session("3").ratings.rate(waiting.id, 5).value.stage == "visit"
    assert hall.pad_view("3").to_rate is None
