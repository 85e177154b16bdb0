"""The queue panel: the ticket this window holds, the actions (叫号, 重呼, 过号, 转移, 暂停, 完成,
开始办理) with their keys, how many wait for each service this window serves, the next tickets
in the call policy's order, the tickets this window parked, and 帮办 requests from the kiosks."""

from __future__ import annotations

from PySide6.QtCore import Signal
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
from desk.parts import button, card, clear, label
from desk.state import QueueState
from ui.theme import Theme


class QueuePanel(QFrame):
    action = Signal(str)  # call, recall, no_show, transfer, park, done, start
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
                 "start": self.tr("Start serving")}
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
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(lists)
        outer.addWidget(scroll, 1)
        self._state: QueueState | None = None
        self.show_state(None)

    def show_state(self, state: QueueState | None) -> None:
        self._state = state
        current = state.current if state else None
        names = state.service_names if state else {}
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
        for code in ("transfer", "park", "done"):
            self.buttons[code].setEnabled(current is not None)

        clear(self.lists)
        if state is None:
            self.lists.addStretch(1)
            return
        self.lists.addWidget(label(self.tr("Waiting"), "heading"))
        if not state.waiting:
            self.lists.addWidget(label(self.tr("Nobody is waiting."), "muted"))
        for _sid, service, count in state.waiting:
            row = QHBoxLayout()
            row.addWidget(label(service, wrap=True), 1)
            row.addWidget(label(self.tr("{n} waiting").format(n=count)))
            self.lists.addLayout(row)
        self.lists.addWidget(label(self.tr("Next in line"), "heading"))
        if not state.upcoming:
            self.lists.addWidget(label(self.tr("No ticket for this window."), "muted"))
        for t in state.upcoming:
            mark = "" if t.priority == "regular" else f" · {name(PRIORITY, t.priority)}"
            self.lists.addWidget(label(f"{t.number}  {names.get(t.service, t.service)}{mark}",
                                       wrap=True))
        if state.parked:
            self.lists.addWidget(label(self.tr("Parked at this window"), "heading"))
            for t in state.parked:
                row = QHBoxLayout()
                row.addWidget(label(f"{t.number}  {names.get(t.service, t.service)}", wrap=True),
                              1)
                b = button(self.tr("Resume"))
                b.clicked.connect(lambda _=False, tid=t.id: self.resume.emit(tid))
                row.addWidget(b)
                self.lists.addLayout(row)
        if state.help:
            self.lists.addWidget(label(self.tr("Help requests from kiosks"), "heading"))
            for h in state.help:
                row = QHBoxLayout()
                row.addWidget(label(self.tr("{what}, kiosk {kiosk}, {time}").format(
                    what=name(HELP, h.kind), kiosk=h.terminal, time=h.requested_at[11:16]),
                    wrap=True), 1)
                b = button(self.tr("I'll go"))
                b.clicked.connect(lambda _=False, rid=h.id: self.take_help.emit(rid))
                row.addWidget(b)
                self.lists.addLayout(row)
        self.lists.addStretch(1)
