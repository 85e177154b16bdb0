"""The rating pad (rater/) offscreen with pytest-qt, on a real bridge over a real store: it
follows the desk of its window (the clerk's sign-in, the ticket served, the finished visit),
a visit is rated 1 with a reason and another by 一键评价; the ratings know their visit; the pad
shows nothing of the citizen; its pages fit 800×480 and 1280×800 in normal and elder mode."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hall.app import Hall
from rater.app import MODES, SIZES, screenshot_pages
from rater.window import RaterWindow
from ui.app import Shell
from ui.bridge import HallBridge
from ui.opening import face_opener
from ui.screenshots import render_pages, visible_texts

PASSWORD = "rater-tests-2026"


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


def test_the_pad_follows_its_desk_and_a_visit_is_rated(qtbot: QtBot, pad: RaterWindow,
                                                        data_dir: Path) -> None:
    (data_dir / "clerk_cards.json").write_text(json.dumps({"li": {"name": "李娜",
                                                                  "number": "0312"}}))
    from PySide6.QtGui import QColor, QImage

    (data_dir / "clerk_photos").mkdir()
    photo = QImage(60, 80, QImage.Format.Format_RGB32)
    photo.fill(QColor("#0A57A8"))
    assert photo.save(str(data_dir / "clerk_photos" / "li.png"))
    with Hall.open(data_dir) as hall:  # the desk of window 3, another process's commits
        admin = hall.accounts.add(None, "admin", "admin", PASSWORD).value
        hall.accounts.add(admin, "li", "clerk", PASSWORD)
        desk = hall.sign_in("li", PASSWORD, window="3")
        qtbot.waitUntil(lambda: pad.clerk_number.text() == "工号：0312", timeout=20_000)
        assert pad.clerk_name.text() == "李娜" and pad.currentWidget() is pad.clerk_page
        assert pad.photo.isVisible() and not pad.photo.pixmap().isNull()
        kiosk = hall.kiosk_session()
        first = kiosk.tickets.take("newborn").value
        second = kiosk.tickets.take("newborn").value
        desk.tickets.call_next("3")
        desk.tickets.start(first.id)
        qtbot.waitUntil(lambda: pad.serving.text() == f"正在办理：{first.number}号",
                        timeout=20_000)
        desk.tickets.done(first.id)
        qtbot.waitUntil(lambda: pad.currentWidget() is pad.grade_page, timeout=20_000)
        assert pad.grade_ticket.text() == f"{first.number}号"
        shown = " ".join(visible_texts(pad))
        pad.grade_buttons[1].click()
        assert pad.currentWidget() is pad.reason_page
        pad.reason_buttons["等候时间长"].click()
        with qtbot.waitSignal(pad.sent, timeout=20_000) as sent:
            pad.send.click()
        assert pad.currentWidget() is pad.thanks_page
        rating = sent.args[0]
        assert (rating.grade, rating.window, rating.clerk, rating.service, rating.reasons) == (
            1, "3", "li", "newborn", ("等候时间长",))
        assert rating.follow_up_due is not None  # a 差评: its follow-up is open
        # the next visit: 一键评价
        desk.tickets.call_next("3")
        desk.tickets.done(second.id)
        pad.back_to_card()  # the citizen need not wait out the thanks
        qtbot.waitUntil(lambda: pad.asking == second.number, timeout=20_000)
        with qtbot.waitSignal(pad.sent, timeout=20_000) as sent:
            pad.one_tap.click()
        assert (sent.args[0].grade, sent.args[0].stage) == (5, "visit")
        # the clerk signs out: the pad says the window is closed
        desk.sign_out()
        pad.back_to_card()
        qtbot.waitUntil(lambda: pad.clerk_name.text() == "本窗口暂停服务", timeout=20_000)
        rows = hall.core.conn.execute(
            "SELECT grade, window, clerk FROM ratings ORDER BY given_ms").fetchall()
    assert rows == [(1, "3", "li"), (5, "3", "li")]
    # nothing of the citizen on the pad: a ticket number, the clerk, the grades
    assert "newborn" not in shown and "新生儿" not in shown


def test_the_pages_fit_both_screens_in_both_modes(qtbot: QtBot, shell: Shell,
                                                   tmp_path: Path) -> None:
    shell.options = argparse.Namespace()
    written = render_pages(screenshot_pages(shell), tmp_path, shell.theme, sizes=SIZES,
                           modes=MODES)
    assert len(written) == 5 * 2 * 2
    from PySide6.QtGui import QImage

    for path in written:
        size = QImage(str(path)).size()
        w, h = (int(x) for x in path.stem.rsplit("-", 1)[1].split("x"))
        assert (size.width(), size.height()) == (w, h), path.name  # no page outgrows it
