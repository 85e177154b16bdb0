"""The rating pad following its desk through the hall: the pad (rater/pad.py) fed through the
bridge with what hall.pad_view reads for its window, on every change the hall reports (its own
store is kept in sync with the hub like any terminal's) and on a slow timer (a visit finished
long enough ago stops being offered). A grade goes to the hall as the pad's own rater session,
which rates the visits of its window only."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from rater.pad import RatingPad

if TYPE_CHECKING:
    from hall.errors import HallError
    from hall.pad_view import PadView
    from ui.bridge import HallBridge

log = logging.getLogger("tingduan.rater")

REFRESH_MS = 5000


class RaterWindow(RatingPad):
    """The pad of one window, following that window's desk."""

    followed = Signal(object)  # a PadView, once shown (tests)
    sent = Signal(object)  # the rating the hall recorded (tests)

    def __init__(self, bridge: HallBridge, window: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window_name = window
        self.view: PadView | None = None
        self._rated: set[str] = set()  # tickets rated here, while the store catches up
        self._reading = False
        self._again = False
        self.show_window(window)
        self.show_clerk(None)
        self.rated.connect(self._send)
        bridge.ready.connect(self.refresh)
        bridge.changed.connect(self._changed)
        if bridge.is_ready:
            self.refresh()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def _changed(self, changes: Any) -> None:
        if changes.tickets or changes.ratings or changes.accounts:
            self.refresh()

    def refresh(self) -> None:
        """One read in flight at a time; a change during it reads again after it."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        window = self.window_name
        self.bridge.submit(lambda pad: pad.pad_view(window), self._show, self._read_failed)

    def _read_failed(self, error: HallError) -> None:
        log.warning("pad read: %s", error.code)
        self._done_reading()

    def _done_reading(self) -> None:
        self._reading = False
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, view: PadView) -> None:
        self.view = view
        asking = self.currentWidget() in (self.grade_page, self.reason_page)
        thanking = self.currentWidget() is self.thanks_page
        if view.to_rate is not None and view.to_rate not in self._rated and not thanking:
            if self.asking != view.to_rate_number:
                self._set_clerk(view.clerk, view.photo, view.clerk_name, view.staff_no)
                self.ask(view.to_rate_number or "")
        else:
            self.show_clerk(view.clerk, view.serving, view.photo, name=view.clerk_name,
                            staff_no=view.staff_no, keep=asking or thanking)
        self.followed.emit(view)
        self._done_reading()

    def _send(self, grade: int, reasons: list[str]) -> None:
        view = self.view
        if view is None or view.to_rate is None:
            self.back_to_card()
            return
        ticket = view.to_rate
        self._rated.add(ticket)
        self.show_thanks()  # at once: the citizen never waits on the store
        self.bridge.submit(  # the bridge's session is this pad's (its window's rater)
            lambda pad: pad.ratings.rate(ticket, grade, reasons=reasons).value,
            self.sent.emit, self._send_failed)

    def _send_failed(self, error: HallError) -> None:
        # already rated (another pad, the kiosk) or the visit moved: nothing for the citizen to do
        log.warning("rating not recorded: %s", error.code)
