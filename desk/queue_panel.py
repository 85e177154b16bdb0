"""The queue panel: the ticket this window holds, the actions (叫号, 重呼, 过号, 转移, 暂停, 完成,
开始办理, 请评价) with their keys, how many wait for each service this window serves, the next tickets
in the call policy's order, the tickets this window parked, and 帮办 requests from the kiosks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.keys import ACTIONS, key_hint
from desk.names import HELP, PRIORITY, STATUS, name
from desk.state import QueueState
from ui.parts import button, card, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.help import HelpRequest
    from hall.ticket_views import TicketView


class QueuePanel(QFrame):
    action = Signal(str)  # call, recall, no_show, transfer, park, done, start, ask
    resume = Signal(str)  # a parked ticket's id
    take_help = Signal(str)  # a help request's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gap = Theme.instance().current.size("gap")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(gap)

        now, now_layout = card()
        self.caption = label(self.tr("Now at this window"), "muted")
        self.number = label("—", "display")
        self.detail = label(self.tr("No ticket. Press Call next."), wrap=True)
        now_layout.addWidget(self.caption)
        now_layout.addWidget(self.number)
        now_layout.addWidget(self.detail)
        outer.addWidget(now)

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(gap // 2)
        words = {"call": self.tr("Call next"), "recall": self.tr("Call again"),
                 "no_show": self.tr("No-show"), "transfer": self.tr("Transfer"),
                 "park": self.tr("Park"), "done": self.tr("Done"),
                 "start": self.tr("Start serving"), "ask": self.tr("Ask for a rating")}
        for i, code in enumerate(ACTIONS):
            b = button(f"{words[code]}  {key_hint(code)}", "primary" if code == "call" else None)
            b.clicked.connect(lambda _=False, c=code: self.action.emit(c))
            self.buttons[code] = b
            grid.addWidget(b, i // 3, i % 3)
        outer.addLayout(grid)

        lists = QWidget()
        self.lists = QVBoxLayout(lists)
        self.lists.setContentsMargins(0, 0, 0, 0)
        self.lists.setSpacing(gap // 2)
        self.waiting_rows = Rows(self.lists, self._waiting_row)
        self.upcoming_rows = Rows(self.lists, lambda: label("", wrap=True))
        self.parked_rows = Rows(self.lists, lambda: self._button_row(self.tr("Resume"),
                                                                     self.resume))
        self.help_rows = Rows(self.lists, lambda: self._button_row(self.tr("I'll go"),
                                                                   self.take_help))
        # without the hub, and not every peer heard: what the panel shows may lack tickets
        self.incomplete = label("", "error", wrap=True)
        self.nobody = label(self.tr("Nobody is waiting."), "muted")
        self.no_ticket = label(self.tr("No ticket for this window."), "muted")
        self.parked_heading = label(self.tr("Parked at this window"), "heading")
        self.help_heading = label(self.tr("Help requests from kiosks"), "heading")
        for part in (self.incomplete, label(self.tr("Waiting"), "heading"), self.nobody,
                     self.waiting_rows,
                     label(self.tr("Next in line"), "heading"), self.no_ticket,
                     self.upcoming_rows, self.parked_heading, self.parked_rows,
                     self.help_heading, self.help_rows):
            if isinstance(part, Rows):
                part.attach()
            else:
                self.lists.addWidget(part)
        self.lists.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(lists)
        outer.addWidget(scroll, 1)
        self._state: QueueState | None = None
        self._shown: object = ()  # what the panel shows now: a new state like it repaints nothing
        self.show_state(None)

    @staticmethod
    def _waiting_row() -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        row.name = label("", wrap=True)  # type: ignore[attr-defined]
        row.count = label("")  # type: ignore[attr-defined]
        layout.addWidget(row.name, 1)  # type: ignore[attr-defined]
        layout.addWidget(row.count)  # type: ignore[attr-defined]
        return row

    @staticmethod
    def _button_row(text: str, signal: SignalInstance) -> QWidget:
        """A line of text and a button that emits `signal` with the row's current id."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        row.text = label("", wrap=True)  # type: ignore[attr-defined]
        row.key = ""  # type: ignore[attr-defined]
        b = button(text)
        b.clicked.connect(lambda _=False: signal.emit(row.key))  # type: ignore[attr-defined]
        layout.addWidget(row.text, 1)  # type: ignore[attr-defined]
        layout.addWidget(b)
        return row

    def show_state(self, state: QueueState | None) -> None:
        self._state = state
        current = state.current if state else None
        names = state.service_names if state else {}
        shown = (current, state.waiting, state.upcoming, state.parked, state.help,
                 state.sync.whole_queue, state.sync.unheard) if state else None
        if shown == self._shown:
            return  # the status timer's read, or a commit elsewhere: nothing to redraw
        self._shown = shown
        if current is None:
            self.number.setText("—")
            self.detail.setText(self.tr("No ticket. Press Call next."))
        else:
            self.number.setText(current.number)
            parts = [name(STATUS, current.status), names.get(current.service, current.service)]
            if current.priority != "regular":
                parts.append(name(PRIORITY, current.priority))
            if current.recalls:
                parts.append(self.tr("called {n} times").format(n=current.recalls + 1))
            self.detail.setText(" · ".join(parts))
        status = current.status if current else None
        self.buttons["call"].setEnabled(current is None)
        self.buttons["recall"].setEnabled(status == "called")
        self.buttons["no_show"].setEnabled(status == "called")
        self.buttons["start"].setEnabled(status == "called")
        for code in ("transfer", "park", "done", "ask"):
            self.buttons[code].setEnabled(current is not None)

        waiting = state.waiting if state else ()
        upcoming = state.upcoming if state else ()
        parked = state.parked if state else ()
        helps = state.help if state else ()
        self.show_completeness(state)
        self.nobody.setVisible(state is not None and not waiting)
        self.no_ticket.setVisible(state is not None and not upcoming)

        def fill_waiting(row: Any, item: tuple[str, str, int]) -> None:
            row.name.setText(item[1])
            row.count.setText(self.tr("{n} waiting").format(n=item[2]))

        def fill_upcoming(row: Any, t: TicketView) -> None:
            mark = "" if t.priority == "regular" else f" · {name(PRIORITY, t.priority)}"
            row.setText(f"{t.number}  {names.get(t.service, t.service)}{mark}")

        def fill_parked(row: Any, t: TicketView) -> None:
            row.key = t.id
            row.text.setText(f"{t.number}  {names.get(t.service, t.service)}")

        def fill_help(row: Any, h: HelpRequest) -> None:
            row.key = h.id
            row.text.setText(self.tr("{what}, kiosk {kiosk}, {time}").format(
                what=name(HELP, h.kind), kiosk=h.terminal, time=h.requested_at[11:16]))

        self.waiting_rows.show(list(waiting), fill_waiting)
        self.upcoming_rows.show(list(upcoming), fill_upcoming)
        self.parked_heading.setVisible(bool(parked))
        self.parked_rows.show(list(parked), fill_parked)
        self.help_heading.setVisible(bool(helps))
        self.help_rows.show(list(helps), fill_help)


    def show_completeness(self, state: QueueState | None) -> None:
        """Without the hub, a desk that does not hear every terminal of the hall says so."""
        sync = state.sync if state is not None else None
        if sync is None or sync.whole_queue:
            self.incomplete.hide()
            return
        if sync.unheard:
            why = self.tr("cannot reach {who}; tickets issued there may be missing").format(
                who=", ".join(sync.unheard))
        else:
            why = self.tr("the hall server cannot be reached and no other terminal is known; "
                          "only this desk's tickets are shown")
        self.incomplete.setText(self.tr("Possibly incomplete: {why}").format(why=why))
        self.incomplete.show()


class Rows:
    """The rows of one list on the panel, kept from one refresh to the next: a change fills
    the rows there are, adds what is missing and hides the rest (no widgets made and thrown
    away on every commit)."""

    def __init__(self, layout: QVBoxLayout, make: Callable[[], QWidget]) -> None:
        self._layout = layout
        self._make = make
        self._box = QVBoxLayout()
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(layout.spacing())
        self.rows: list[QWidget] = []

    def attach(self) -> None:
        self._layout.addLayout(self._box)

    def show(self, items: list[Any], fill: Callable[[Any, Any], None]) -> None:
        while len(self.rows) < len(items):
            row = self._make()
            self._box.addWidget(row)
            self.rows.append(row)
        for row, item in zip(self.rows, items, strict=False):
            fill(row, item)
            row.show()
        for row in self.rows[len(items):]:
            row.hide()
