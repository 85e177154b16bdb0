"""The no-show clock (预约, issue 26): a booking whose check-in window has closed is recorded as a
no-show when that moment comes, not only when someone lists the day.

The hall decides which bookings are due and says when the next one will be
(`Appointments.sweep_no_shows`); this only sleeps until then, in the GUI thread's event loop,
and asks again through the bridge (never blocking on the store). A change to the hall's
bookings (one made here, or pulled from the hub) re-arms it: a new booking may close sooner.
The sleep is capped, so a wall clock stepped forward is caught within `MAX_SLEEP_S`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from hall.appointments import NoShowSweep
    from hall.session import Session
    from ui.bridge import HallBridge

MAX_SLEEP_S = 300.0
MIN_SLEEP_S = 1.0


class NoShowClock(QObject):
    swept = Signal(object)  # hall.appointments.NoShowSweep, after each sweep

    def __init__(self, bridge: HallBridge, session: Callable[[], Session | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._session = session  # the signed-in account's (None: no one signed in)
        self._running = False
        self._in_flight = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sweep)

    def start(self) -> None:
        self._running = True
        self.sweep()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()

    def poke(self) -> None:
        """The hall's bookings changed: look again soon (a new booking may close sooner)."""
        if self._running and not self._in_flight:
            self._timer.start(200)  # one sweep for a burst of commits

    @property
    def next_in_ms(self) -> int:
        """How long until the next sweep (-1: none armed)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def sweep(self) -> None:
        session = self._session()
        if not self._running or self._in_flight or session is None:
            return
        self._in_flight = True

        def run(_face: Session) -> NoShowSweep:  # the signed-in account's, not the face's
            return session.appointments.sweep_no_shows().value

        self._bridge.submit(run, self._done, self._failed, label="no-shows")

    def _done(self, swept: NoShowSweep) -> None:
        self._in_flight = False
        if not self._running:
            return
        self.swept.emit(swept)
        wait = swept.wait_s
        if wait is None:
            self._arm(MAX_SLEEP_S)
            return
        # just past the closing moment (the hall records a no-show only after it)
        self._arm(min(MAX_SLEEP_S, max(MIN_SLEEP_S, wait + 0.5)))

    def _failed(self, _error: Any) -> None:
        self._in_flight = False
        if self._running:
            self._arm(MAX_SLEEP_S / 10)  # a store briefly locked: try again soon

    def _arm(self, seconds: float) -> None:
        self._timer.start(int(seconds * 1000))
