"""The call screen following its hall: the board (display/board.py) fed through the bridge, each
call spoken.

The display is a terminal of its own: its store is kept in sync with the hub by sync's long-poll
in this process, and it follows the calls in that store (hall.views.calls_after from the log
position it last showed), so a call reaches the screen within a poll of arriving. Each call is
spoken (devices/voice.py: "请A001号到3号窗口办理", repeated per voice.json, one at a time). A
display that loses the hub says so and keeps showing the last state.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from display.board import CallBoard
from display.config import load_display_config
from display.state import DisplayState, read_display, read_due, read_hall_face
from ui.sync_state import read_sync

if TYPE_CHECKING:
    from devices.voice import Announcement, CallSpeaker
    from hall.views import Call, WaitingBoard
    from ui.bridge import HallBridge

log = logging.getLogger("tingduan.display")

STATUS_MS = 1000


class DisplayWindow(CallBoard):
    """The board following the hall through the bridge, and speaking each call."""

    shown = Signal(object)  # a Call, once it is on the screen (tests, the benchmark)

    def __init__(self, bridge: HallBridge, speaker: CallSpeaker | None, *,
                 config: dict[str, Any] | None = None, voice_problem: str | None = None,
                 parent: QWidget | None = None) -> None:
        config = config or load_display_config(None)
        super().__init__("", config["notices"], parent)
        self.setWindowTitle(self.tr("Call screen"))
        self.bridge = bridge
        self.speaker = speaker
        self.last_calls = int(config["last_calls"])
        self.log_pos: int | None = None
        self._reading = False
        self._again = False
        self._history: list[Call] = []
        self.announcements: list[tuple[Call, Announcement]] = []
        bridge.ready.connect(self._start)
        bridge.changed.connect(self._changed)
        if bridge.is_ready:
            self._start()
        self._status = QTimer(self)
        self._status.setInterval(STATUS_MS)
        self._status.timeout.connect(
            lambda: bridge.submit(read_sync, self.show_sync, lambda _e: None))
        self._voice_problem = voice_problem  # the speaker could not be made at all
        self._status.timeout.connect(self._voice_status)
        self._status.timeout.connect(self.refresh_due)  # who is due moves with the clock
        self._status.start()
        self._voice_status()

    def _voice_status(self) -> None:
        problem = self.speaker.problem if self.speaker is not None else self._voice_problem
        self.show_voice(problem)

    def _start(self) -> None:
        n = self.last_calls
        self.bridge.submit(lambda screen: read_display(screen, n), self._first_state)
        self.bridge.submit(read_hall_face, self._hall_face, lambda _e: None)

    def _first_state(self, state: DisplayState) -> None:
        self.hall.setText(state.hall_name)
        self.zone = ZoneInfo(state.timezone)
        self._tick()
        self._history = list(state.last)
        if state.last:
            self.show_call(state.last[0])
        self.show_last(self._history[1:])
        self.show_waiting(state.waiting)
        self.show_sync(state.sync)
        self.show_due(state.due_soon)
        self.log_pos = state.pos
        self._follow()

    def _changed(self, changes: Any) -> None:
        if self.log_pos is not None and (changes.calls or changes.tickets):
            self._follow()
        if getattr(changes, "appointments", False):
            self.refresh_due()
        if changes.config:  # a new hall settings version: its name and notices on the screen
            self.bridge.submit(read_hall_face, self._hall_face, lambda _e: None)

    def refresh_due(self) -> None:
        self.bridge.submit(read_due, self.show_due, lambda _e: None)

    def _hall_face(self, face: tuple[str, list[str] | None]) -> None:
        name, notices = face
        self.hall.setText(name)
        if notices is not None:
            self.ticker.set_notices(notices)

    def _follow(self) -> None:
        """New calls since the last position shown; one read in flight at a time."""
        if self.log_pos is None:
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        pos = self.log_pos
        self.bridge.submit(lambda s: (s.views.calls_after(pos), s.views.waiting()),
                           self._new_calls, lambda _e: self._done_reading())

    def _done_reading(self) -> None:
        self._reading = False
        if self._again:
            self._again = False
            self._follow()

    def _new_calls(self, result: tuple[list[Call], WaitingBoard]) -> None:
        calls, board = result
        for call in calls:
            self.log_pos = max(self.log_pos or 0, call.pos)
            self._history.insert(0, call)
            self.show_call(call)
            if self.speaker is not None:
                try:
                    self.announcements.append(
                        (call, self.speaker.announce_call(call.number, call.window)))
                except Exception as exc:  # a closed or broken voice never stops the screen
                    log.warning("voice: %s", type(exc).__name__)
            self.shown.emit(call)
        del self._history[self.last_calls + 1:]
        self.announcements = self.announcements[-50:]
        if calls:
            self.show_last(self._history[1:])
        self.show_waiting(board)
        self._done_reading()
