"""What the call screen shows, painted from plain values: the call being made, big; the last
calls; who waits; the notices' ticker. No hall here (display/window.py feeds it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.parts import ElidedLabel, FitLabel, label, restyle
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.views import Call, WaitingBoard
    from ui.sync_state import SyncState

TICK_MS = 300
NUMBER_SHARE = 0.3  # the number's font size as a share of a landscape board's height
NUMBER_SHARE_PORTRAIT = 0.2


class Ticker(QLabel):
    """The notices: shown whole when they fit the strip, else scrolling by one character a
    tick (a marquee: its text is wider than the strip by design, and it never widens the
    window). Cheap: no repaint of anything else."""

    def __init__(self, notices: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "notice")
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.set_notices(notices)
        self._timer.start()

    def set_notices(self, notices: list[str]) -> None:
        self._whole = "　　　　".join(notices)
        self._text = self._whole + "　　　　" if notices else ""
        self._offset = 0
        self.setVisible(bool(notices))
        self.setText(self._whole)

    @property
    def scrolling(self) -> bool:
        return bool(self._text) and (self.fontMetrics().horizontalAdvance(self._whole)
                                     > self.contentsRect().width())

    def minimumSizeHint(self) -> QSize:
        return QSize(1, super().minimumSizeHint().height())

    def _tick(self) -> None:
        if not self.scrolling:
            if self._offset or self.text() != self._whole:
                self._offset = 0
                self.setText(self._whole)
            return
        self._offset = (self._offset + 1) % len(self._text)
        self.setText(self._text[self._offset:] + self._text[:self._offset])


class WaitingCell(QFrame):
    """One group's count: its name over "N人等候"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        gap = Theme.instance().current.size("gap")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(gap, gap // 2, gap, gap // 2)
        layout.setSpacing(0)
        self.name = ElidedLabel("", "heading")
        self.count = ElidedLabel("", "title")
        layout.addWidget(self.name)
        layout.addWidget(self.count)

    def minimumSizeHint(self) -> QSize:
        return QSize(1, super().minimumSizeHint().height())


class WaitingGrid(QWidget):
    """Who waits, one cell per group (its name over "2人等候"), in as many columns as the
    screen's width holds: a cell never breaks inside, and the grid never widens the window (a
    name too long for a cell as wide as the screen ends in "…")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gap = Theme.instance().current.size("gap")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(gap)
        self.cells: list[WaitingCell] = []
        self._columns = 0

    def set_items(self, items: list[tuple[str, str]]) -> None:
        """(name, count) per group."""
        for cell in self.cells[len(items):]:
            self._grid.removeWidget(cell)
            cell.deleteLater()
        del self.cells[len(items):]
        while len(self.cells) < len(items):
            self.cells.append(WaitingCell(self))
        for cell, (name, count) in zip(self.cells, items, strict=True):
            cell.name.setText(name)
            cell.count.setText(count)
        self._columns = 0  # lay out again for the new widths
        self._arrange(self.width())

    def columns_for(self, width: int) -> int:
        if not self.cells:
            return 1
        widest = max(c.sizeHint().width() for c in self.cells)
        spacing = self._grid.horizontalSpacing()
        return max(1, min(len(self.cells), (width + spacing) // (widest + spacing)))

    def _arrange(self, width: int) -> None:
        columns = self.columns_for(width)
        if columns == self._columns:
            return
        self._columns = columns
        for cell in self.cells:
            self._grid.removeWidget(cell)
        for i, cell in enumerate(self.cells):
            self._grid.addWidget(cell, i // columns, i % columns)
            cell.show()
        for col in range(self._grid.columnCount()):
            self._grid.setColumnStretch(col, 1 if col < columns else 0)
        self.updateGeometry()  # rows changed: the page gives the grid its new height

    def minimumSizeHint(self) -> QSize:
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)


class CallBoard(QWidget):
    """What the screen shows: the call being made, big; the last calls; who waits; notices.
    Landscape puts the last calls beside the call, portrait below it; nothing on it makes the
    window wider than its screen."""

    def __init__(self, hall_name: str = "", notices: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        gap = Theme.instance().current.size("gap")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(gap * 2, gap, gap * 2, gap)
        outer.setSpacing(gap)
        top = QHBoxLayout()
        # the hall's name wraps on a narrow screen instead of ending in "…" after a character
        self.hall = label(hall_name, "title", wrap=True)
        self.clock = label("", "heading")
        top.addWidget(self.hall, 1)
        top.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)
        self.status = label("", "error", wrap=True)
        self.status.hide()
        outer.addWidget(self.status)
        self.voice = label("", "notice", wrap=True)  # why calls are not heard, when they are not
        self.voice.hide()
        outer.addWidget(self.voice)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(gap * 2)
        now = QFrame()
        now.setProperty("role", "card")
        now_layout = QVBoxLayout(now)
        now_layout.setContentsMargins(gap * 2, gap, gap * 2, gap)
        self.caption = label(self.tr("Now calling"), "heading")
        self.number = FitLabel("—")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.where = FitLabel("")
        self.where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sentence = label("", "heading", wrap=True)
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # an appointment's ticket (预约) is marked, so those who walked in see why it came first
        self.booked = label(self.tr("Appointment"), "status-ok", wrap=False)
        self.booked.hide()
        caption_row = QHBoxLayout()
        caption_row.addWidget(self.caption, 1)
        caption_row.addWidget(self.booked)
        now_layout.addLayout(caption_row)
        now_layout.addStretch(1)
        now_layout.addWidget(self.number)
        now_layout.addWidget(self.where)
        now_layout.addStretch(1)
        now_layout.addWidget(self.sentence)
        self.body.addWidget(now, 3)
        last = QFrame()
        last.setProperty("role", "card")
        last_layout = QVBoxLayout(last)
        last_layout.setContentsMargins(gap, gap, gap, gap)
        last_layout.addWidget(label(self.tr("Last calls"), "heading"))
        self.last_grid = QGridLayout()
        self.last_grid.setHorizontalSpacing(gap * 2)
        self._last_rows: list[tuple[QLabel, QLabel, QLabel]] = []
        last_layout.addLayout(self.last_grid)
        last_layout.addStretch(1)
        self.body.addWidget(last, 2)
        outer.addLayout(self.body, 1)
        # 预约: how many booked visitors are due in the next half hour (hall.appointments.due)
        self.due = label("", "notice", wrap=True)
        self.due.hide()
        outer.addWidget(self.due)
        self.waiting = WaitingGrid()
        outer.addWidget(self.waiting)
        self.ticker = Ticker(notices or [])
        outer.addWidget(self.ticker)
        self.current: Call | None = None
        self.zone: ZoneInfo | None = None  # the hall's time zone, once known (no clock before)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._tick()

    def _tick(self) -> None:
        self.clock.setText(datetime.now(self.zone).strftime("%Y-%m-%d %H:%M")
                           if self.zone is not None else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A call screen fills whatever screen it hangs on: the number takes a share of its
        # height (no theme size is that large), read from across the hall, as far as its card's
        # width allows. A portrait screen puts the last calls under the call.
        size = event.size()
        portrait = size.height() > size.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                               else QBoxLayout.Direction.LeftToRight)
        height = max(size.height(), 400)
        # NUMBER_SHARE of the height as the font's pixel size gives digits (cap height ~0.72
        # of it) at least a fifth of the screen's height on a landscape panel: read from
        # across the hall. A long number (A-K3-001) is bounded by the card's width instead.
        self.number.fit(int(height * (NUMBER_SHARE_PORTRAIT if portrait else NUMBER_SHARE)))
        self.where.fit(int(height * (0.07 if portrait else 0.09)))
        super().resizeEvent(event)

    def show_voice(self, problem: str | None) -> None:
        """Why calls are not heard (devices/voice.py's codes), or None when they are."""
        words = {"no_player": self.tr("no audio player is installed"),
                 "no_sound_device": self.tr("no sound device was found"),
                 "play_failed": self.tr("the sound device does not play"),
                 "voice_missing": self.tr("no speech engine is installed"),
                 "voice_config": self.tr("voice.json is wrong")}
        if problem is None:
            self.voice.hide()
            return
        self.voice.setText(self.tr("Calls are shown but not spoken: {why}.").format(
            why=words.get(problem, problem)))
        self.voice.show()

    def show_call(self, call: Call) -> None:
        self.current = call
        self.number.setText(call.number)
        self.where.setText(self.tr("Window {window}").format(window=call.window))
        self.sentence.setText(self.tr("{number}, please go to window {window}").format(
            number=call.number, window=call.window))
        self.caption.setText(self.tr("Calling again") if call.kind == "recall"
                             else self.tr("Now calling"))
        self.booked.setVisible(call.booked)

    def show_last(self, calls: tuple[Call, ...] | list[Call]) -> None:
        """The last calls, newest first, in rows kept from one call to the next."""
        while len(self._last_rows) < len(calls):
            row = len(self._last_rows)
            cells = (label("", "heading"), label("", "heading"), label("", "muted"))
            for col, cell in enumerate(cells):
                self.last_grid.addWidget(cell, row, col)
            self._last_rows.append(cells)
        for i, (number, where, when) in enumerate(self._last_rows):
            if i < len(calls):
                call = calls[i]
                number.setText(call.number)
                where.setText(self.tr("Window {window}").format(window=call.window))
                when.setText(call.called_at[11:16] if not call.booked else self.tr(
                    "{time} appointment").format(time=call.called_at[11:16]))
            for cell in (number, where, when):
                cell.setVisible(i < len(calls))

    def show_waiting(self, board: WaitingBoard) -> None:
        self.waiting.set_items([(group.name, self.tr("{n} waiting").format(n=group.count))
                                for group in board.by_group])

    def show_due(self, count: int) -> None:
        self.due.setText(self.tr("{n} booked visitors are due in the next half hour").format(
            n=count))
        self.due.setVisible(count > 0)

    def show_sync(self, sync: SyncState) -> None:
        # Without the hub the screen still hears the desks directly (sync/peering.py): the
        # banner is for a screen that hears no one at all
        if sync.enrolled and not sync.online and sync.failing and not sync.hears_anyone:
            restyle(self.status, "error")
            self.status.setText(self.tr("The connection to the hall server is lost. This screen "
                                        "shows the last calls it received."))
            self.status.show()
        else:
            self.status.hide()
