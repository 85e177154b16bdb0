"""Idle handling for the kiosk: after `timeout` seconds without a touch, a key or a card, the
face goes home and forgets what it read. The last `warning` seconds are a visible countdown
(the face shows "继续" and the seconds from `countdown`); any input in that time cancels it.

A person still acting is never cut off: every input restarts the clock, and `hold()` (while a
print, a card read or spoken guidance is going on) stops it until the matching `release()`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal, Slot

# A key that matches a QShortcut (the desk's F1–F7, the 叫号器's keypad digits) is consumed by
# it and never delivered as a KeyPress: Qt sends ShortcutOverride, then Shortcut, instead. Both
# are a person's key too; without them a clerk calling by keys alone was locked out after
# `lock_after` of steady work (found by the soak run, issue 29).
INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
    QEvent.Type.KeyPress, QEvent.Type.Wheel, QEvent.Type.TabletPress,
    QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
})


class IdleWatch(QObject):
    countdown = Signal(int)  # whole seconds left, once a second in the warning
    expired = Signal()  # the time is up: go home, forget
    resumed = Signal()  # input came during the countdown: hide it

    def __init__(self, timeout: float = 60.0, warning: float = 10.0, *,
                 parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        if not 0 < warning <= timeout:
            raise ValueError("the warning is part of the timeout: 0 < warning <= timeout")
        self.timeout, self.warning = timeout, warning
        self._clock = clock
        self._last = clock()
        self._holds: set[str] = set()
        self._shown: int | None = None  # the second last announced by `countdown`
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._running:
            app.installEventFilter(self)
        self._running = True
        self.poke()
        self._timer.start()

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._running:
            app.removeEventFilter(self)
        self._running = False
        self._timer.stop()
        self._end_countdown()

    @property
    def counting_down(self) -> bool:
        return self._shown is not None

    def remaining(self) -> float:
        return self.timeout - (self._clock() - self._last)

    def poke(self) -> None:
        """Activity that is not a Qt input event (a card read, a scan) restarts the clock."""
        self._last = self._clock()
        self._end_countdown()

    def hold(self, reason: str) -> None:
        self._holds.add(reason)
        self.poke()

    def release(self, reason: str) -> None:
        self._holds.discard(reason)
        self.poke()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.poke()
        return False

    def _end_countdown(self) -> None:
        if self._shown is not None:
            self._shown = None
            self.resumed.emit()

    @Slot()
    def _check(self) -> None:
        if self._holds:
            self._last = self._clock()
            return
        left = self.remaining()
        if left <= 0:
            self._shown = None
            self._timer.stop()
            self._running = False
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self.expired.emit()
        elif left <= self.warning:
            seconds = math.ceil(left)
            if seconds != self._shown:
                self._shown = seconds
                self.countdown.emit(seconds)
