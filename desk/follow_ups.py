"""差评整改 at the desk: a supervisor's tab listing the follow-ups of the hall's 差评 (open ones by
default, overdue first), each with its deadline in working days on the hall's calendar; the one
chosen opens below it, where the supervisor hands it on, writes the 整改 action, records the 回访
and closes it. The typed text goes to the hall, which seals it as every typed text
(hall/follow_ups.py); the panel only shows and asks, DeskFollowUps runs each step in the hall's
worker as the signed-in account (session.ratings: follow_up_list, assign, act, revisit, close).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hall.text_limits import CASE_NOTE
from ui import messages
from ui.bridge import HallBridge
from ui.parts import button, card_layout, label, restyle

if TYPE_CHECKING:
    from hall.follow_ups import FollowUpView
    from hall.session import Session

ESCALATED_TO = "admin"  # hall/follow_ups.py: an overdue one goes to the hall's admin role
NOTE_CHARS = CASE_NOTE  # what the hall takes of an action or a 回访 note (text_limits "note")


class FollowUpsPanel(QFrame):
    refresh = Signal()
    chosen = Signal(str)  # a follow-up's id: open it
    assign = Signal(str, str)  # id, assignee
    act = Signal(str, str)  # id, the 整改 action
    revisit = Signal(str, str, str)  # id, satisfied|unsatisfied, note
    finish = Signal(str)  # id: close it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = card_layout(self)
        head = QHBoxLayout()
        self.title = label(self.tr("Poor ratings to follow up"), "heading")
        head.addWidget(self.title, 1)
        self.open_only = QCheckBox(self.tr("Open only"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _on: self.refresh.emit())
        head.addWidget(self.open_only)
        self.refresh_button = button(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh.emit)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("Ticket"), self.tr("Rating"), self.tr("Window · clerk"),
            self.tr("Assigned to"), self.tr("Due"), self.tr("Working days left"),
            self.tr("State")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col in range(7):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 2)

        # the follow-up opened: what happened so far, and its next steps
        self.details = label(self.tr("Choose a follow-up above."), wrap=True)
        # room for its lines kept: the form below does not jump under the supervisor's mouse
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 4)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        form = QGridLayout()
        self.assignee = QLineEdit()
        self.assignee.setPlaceholderText(self.tr("An account or a department, e.g. 市公安局"))
        self.assignee.setMaxLength(200)
        self.assign_button = button(self.tr("Assign"))
        form.addWidget(label(self.tr("Assign to")), 0, 0)
        form.addWidget(self.assignee, 0, 1)
        form.addWidget(self.assign_button, 0, 2)
        self.action = QPlainTextEdit()
        self.action.setPlaceholderText(self.tr("The rectification taken (整改措施)"))
        self.action.setFixedHeight(self.action.fontMetrics().lineSpacing() * 3 + 16)
        self.act_button = button(self.tr("Record action"))
        form.addWidget(label(self.tr("Action")), 1, 0)
        form.addWidget(self.action, 1, 1)
        form.addWidget(self.act_button, 1, 2)
        self.result = QComboBox()
        self.result.addItem(self.tr("Satisfied"), "satisfied")
        self.result.addItem(self.tr("Unsatisfied"), "unsatisfied")
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("What the citizen said on the call back"))
        self.note.setMaxLength(NOTE_CHARS)
        revisit_row = QHBoxLayout()
        revisit_row.addWidget(self.result)
        revisit_row.addWidget(self.note, 1)
        self.revisit_button = button(self.tr("Record call back"))
        form.addWidget(label(self.tr("Call back")), 2, 0)
        form.addLayout(revisit_row, 2, 1)
        form.addWidget(self.revisit_button, 2, 2)
        form.setColumnStretch(1, 1)
        layout.addLayout(form)
        closing = QHBoxLayout()
        closing.addStretch(1)
        self.close_button = button(self.tr("Close follow-up"), "primary")
        closing.addWidget(self.close_button)
        layout.addLayout(closing)
        self.message = label("X", "status-ok", wrap=True)
        self.message.setMinimumHeight(self.message.sizeHint().height())  # kept, shown or not
        self.say("")
        layout.addWidget(self.message)

        self.assign_button.clicked.connect(self._assign)
        self.act_button.clicked.connect(self._act)
        self.revisit_button.clicked.connect(self._revisit)
        self.close_button.clicked.connect(self._close)
        self.items: list[FollowUpView] = []
        self.opened: FollowUpView | None = None
        self._enable()

    # -- showing -------------------------------------------------------------------------------
    def show_list(self, items: list[FollowUpView]) -> None:
        """The hall's order (overdue first, then by due date); the opened one stays chosen."""
        keep = self.opened.id if self.opened else None
        self.items = list(items)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.items))
        again = None
        for row, f in enumerate(self.items):
            cells = (f.ticket, self._grade(f.grade),
                     f"{f.window or '—'} · {f.clerk or '—'}",
                     self._assignee(f), f.due, self._days(f),
                     self._state(f))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if f.overdue and col in (4, 5):
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, item)
            if f.id == keep:
                again = row
        if again is None:  # the opened one left the list (closed): no row stays chosen
            self.table.clearSelection()
        self.table.blockSignals(False)
        opened = sum(1 for f in self.items if f.state != "closed")
        overdue = sum(1 for f in self.items if f.overdue)
        self.title.setText(self.tr("Poor ratings to follow up: {open} open, {overdue} overdue")
                           .format(open=opened, overdue=overdue))
        if again is not None:
            self.table.selectRow(again)
        else:
            self.show_follow_up(None)

    def show_follow_up(self, f: FollowUpView | None) -> None:
        """The opened follow-up, as the hall has it now (plain text: a supervisor's to read)."""
        self.opened = f
        if f is None:
            self.details.setText(self.tr("Choose a follow-up above.") if self.items
                                 else self.tr("No poor ratings to follow up."))
        else:
            lines = [self.tr("Ticket {ticket}, rated {grade}, window {window}, clerk {clerk}; "
                             "due {due} ({days}); {state}").format(
                ticket=f.ticket, grade=self._grade(f.grade), window=f.window or "—", clerk=f.clerk or "—",
                due=f.due, days=self._days(f), state=self._state(f))]
            if f.assignee:
                lines.append(self.tr("Assigned to {who}").format(who=self._assignee(f)))
            if f.action:
                lines.append(self.tr("Action: {text}").format(text=f.action))
            if f.revisit:
                lines.append(self.tr("Call back: {result}, {note}").format(
                    result=self.tr("satisfied") if f.revisit == "satisfied"
                    else self.tr("unsatisfied"), note=f.note or "—"))
            self.details.setText("\n".join(lines))
        self._enable()

    def _assignee(self, f: FollowUpView) -> str:
        if f.assignee is None:
            return self.tr("Supervisors")
        if f.escalated and f.assignee == ESCALATED_TO:  # the role, not an account's name
            return self.tr("Hall admin")
        return f.assignee

    def _grade(self, grade: int) -> str:
        """A 差评's grade as the national scale names it (1 and 2 open follow-ups)."""
        names = {1: self.tr("1 Very dissatisfied"), 2: self.tr("2 Dissatisfied")}
        return names.get(grade, str(grade))

    def _days(self, f: FollowUpView) -> str:
        if f.days_left is None:
            return "—"
        if f.days_left < 0:
            return self.tr("{n} working days overdue").format(n=-f.days_left)
        if f.days_left == 0:
            return self.tr("due today")
        return self.tr("{n} working days left").format(n=f.days_left)

    def _state(self, f: FollowUpView) -> str:
        names = {"open": self.tr("Open"), "assigned": self.tr("Assigned"),
                 "acted": self.tr("Acted on"), "revisited": self.tr("Called back"),
                 "closed": self.tr("Closed")}
        text = names.get(f.state, f.state)
        return text + self.tr(", escalated") if f.escalated else text

    def say(self, text: str, role: str = "status-ok") -> None:
        """A step's outcome under the form; its line is always there (empty: no colour)."""
        restyle(self.message, role if text else "muted")
        self.message.setText(text)

    # -- asking --------------------------------------------------------------------------------
    def current(self) -> FollowUpView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def _selection(self) -> None:
        f = self.current()
        if f is not None:
            self.chosen.emit(f.id)
        else:
            self.show_follow_up(None)

    def _enable(self) -> None:
        f = self.opened
        live = f is not None and f.state != "closed"
        steps: list[QWidget] = [self.assign_button, self.act_button, self.assignee, self.action]
        for w in steps:
            w.setEnabled(live)
        after_action = live and f is not None and f.state in ("acted", "revisited")
        revisits: list[QWidget] = [self.revisit_button, self.result, self.note]
        for w in revisits:
            w.setEnabled(after_action)
        self.close_button.setEnabled(live and f is not None and f.state == "revisited")

    def _assign(self) -> None:
        who = self.assignee.text().strip()
        if self.opened is None:
            return
        if not who:
            self.say(self.tr("Type the account or department first."), "error")
            return
        self.assign.emit(self.opened.id, who)

    def _act(self) -> None:
        text = self.action.toPlainText().strip()
        if self.opened is None:
            return
        if not text:
            self.say(self.tr("Write the action taken first."), "error")
            return
        self.act.emit(self.opened.id, text[:NOTE_CHARS])

    def _revisit(self) -> None:
        note = self.note.text().strip()
        if self.opened is None:
            return
        if not note:
            self.say(self.tr("Write what the citizen said first."), "error")
            return
        self.revisit.emit(self.opened.id, str(self.result.currentData()), note)

    def _close(self) -> None:
        if self.opened is not None:
            self.finish.emit(self.opened.id)

    def clear_typed(self) -> None:
        """After a step went through: the typed text is the hall's now (sealed), not the form's."""
        self.assignee.clear()
        self.action.clear()
        self.note.clear()


class DeskFollowUps(QObject):
    """The panel's steps as the signed-in supervisor, each in the hall's worker."""

    def __init__(self, panel: FollowUpsPanel, bridge: HallBridge,
                 session: Callable[[], Session | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel, self.bridge, self._session = panel, bridge, session
        panel.refresh.connect(self.refresh)
        panel.chosen.connect(self.open)
        panel.assign.connect(lambda i, who: self._step(
            lambda s: s.ratings.assign(i, who), self.tr("Assigned to {who}.").format(who=who)))
        panel.act.connect(lambda i, text: self._step(
            lambda s: s.ratings.act(i, text), self.tr("Action recorded.")))
        panel.revisit.connect(lambda i, result, note: self._step(
            lambda s: s.ratings.revisit(i, result, note), self.tr("Call back recorded.")))
        panel.finish.connect(lambda i: self._step(
            lambda s: s.ratings.close(i), self.tr("Follow-up closed.")))

    @staticmethod
    def allowed(session: Session | None) -> bool:
        return session is not None and session.can("follow_up")

    def changed(self, changes: Any) -> None:
        """A rating or a step, here or synced: the list again, while the tab is open."""
        if changes.ratings and self.panel.isVisible() and self.allowed(self._session()):
            self.refresh()

    def refresh(self) -> None:
        session = self._session()
        if not self.allowed(session):
            return
        assert session is not None
        open_only = self.panel.open_only.isChecked()

        def read(_h: Any) -> list[FollowUpView]:
            session.ratings.escalate()  # overdue ones go to the hall's admin first (once)
            return session.ratings.follow_up_list(open_only=open_only)

        self.bridge.submit(read, self.panel.show_list, self._error)

    def open(self, ref: str) -> None:
        session = self._session()
        if session is None:
            return
        self.bridge.submit(lambda _h: session.ratings.follow_up(ref), self.panel.show_follow_up,
                           self._error)

    def _step(self, run: Callable[[Session], Any], done: str) -> None:
        session = self._session()
        if session is None:
            return

        def after(outcome: Any) -> None:
            self.panel.clear_typed()
            self.panel.say(done)
            self.panel.show_follow_up(outcome.value)
            self.panel.table.setFocus()  # not wherever a disabled button leaves it
            self.refresh()

        self.bridge.submit(lambda _h: run(session), after, self._error)

    def _error(self, error: Any) -> None:
        self.panel.say(messages.for_error(error), "error")
