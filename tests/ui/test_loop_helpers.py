"""The event-loop stall probe and the kiosk's idle watch."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from ui.idle import IdleWatch
from ui.stall import StallProbe


def test_the_probe_measures_a_blocked_loop(qtbot: QtBot) -> None:
    probe = StallProbe()
    probe.start()
    qtbot.wait(100)
    QTimer.singleShot(20, lambda: time.sleep(0.15))  # a slot that blocks the GUI thread
    qtbot.wait(300)
    report = probe.stop()
    print(f"\n{report}")
    assert report.longest_ms >= 120  # the 150 ms block, seen (less the 5 ms interval and jitter)
    assert report.over_50ms >= 1
    assert report.ticks > 20


def test_a_stall_still_going_on_at_stop_counts(qtbot: QtBot) -> None:
    probe = StallProbe()
    probe.start()
    qtbot.wait(30)
    time.sleep(0.1)  # blocked right up to the stop
    assert probe.stop().longest_ms >= 80


def _click(widget: QPushButton) -> None:
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        QApplication.sendEvent(widget, QMouseEvent(kind, QPointF(5, 5), QPointF(5, 5),
                                                   Qt.MouseButton.LeftButton,
                                                   Qt.MouseButton.LeftButton,
                                                   Qt.KeyboardModifier.NoModifier))


def test_idle_counts_down_then_expires(qtbot: QtBot) -> None:
    watch = IdleWatch(timeout=1.2, warning=1.0)
    seconds: list[int] = []
    watch.countdown.connect(seconds.append)
    with qtbot.waitSignal(watch.expired, timeout=5_000):
        watch.start()
    assert seconds == [1]  # the visible countdown came before the end
    assert not watch.counting_down


def test_a_touch_during_the_countdown_resumes(qtbot: QtBot) -> None:
    button = QPushButton("继续")
    qtbot.addWidget(button)
    watch = IdleWatch(timeout=0.8, warning=0.6)
    with qtbot.waitSignal(watch.countdown, timeout=5_000):
        watch.start()
    with qtbot.waitSignal(watch.resumed, timeout=1_000):
        _click(button)  # any input anywhere, through the application's event filter
    assert not watch.counting_down and watch.remaining() > 0.6
    with qtbot.waitSignal(watch.expired, timeout=5_000):
        pass
    watch.stop()


def test_hold_keeps_a_person_acting_from_being_cut_off(qtbot: QtBot) -> None:
    watch = IdleWatch(timeout=0.5, warning=0.3)
    watch.start()
    watch.hold("printing")
    with qtbot.assertNotEmitted(watch.expired, wait=900):
        pass
    assert not watch.counting_down
    watch.release("printing")
    with qtbot.waitSignal(watch.expired, timeout=5_000):
        pass
