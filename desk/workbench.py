"""The department's workbench (后台分类审批): the desk signed in with a department account opens
here, on 待审批: its parts across the hall's cases, overdue first, then by due date. Each row shows
the case, the matter, the due date and the masked applicant; the selected case shows its
materials (which are deferred) and the other parts' states it may see.

Keyboard first: Up/Down choose a part; F5 签收, F6 approve, F7 不予许可 (the reasons typed in the
note line first), F8 补正 (what to correct in the note line). It only shows and asks: desk/window.py
runs each move in the hall's worker as the signed-in department account."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.names import PART, name
from ui.parts import button, label, restyle
from ui.theme import Theme

MOVES = (("received", "F5"), ("approved", "F6"), ("rejected", "F7"), ("correction", "F8"))
_KEYS = {Qt.Key.Key_F5: "received", Qt.Key.Key_F6: "approved", Qt.Key.Key_F7: "rejected",
         Qt.Key.Key_F8: "correction"}


class WorkbenchPage(QWidget):
    decide = Signal(str, int, str, str)  # case number, step, outcome, note
    case_chosen = Signal(str)  # case number: its details are wanted
    sign_out = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        gap = Theme.instance().current.size("gap")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(gap, gap, gap, gap)
        outer.setSpacing(gap)
        bar = QHBoxLayout()
        self.where = label("", "heading")
        self.sign_out_button = button(self.tr("Sign out"))
        self.sign_out_button.clicked.connect(self.sign_out)
        bar.addWidget(self.where)
        bar.addStretch(1)
        bar.addWidget(self.sign_out_button)
        outer.addLayout(bar)
        self.notice = label("", "notice", wrap=True)
        self.notice.hide()
        outer.addWidget(self.notice)
        self.title = label(self.tr("To decide"), "heading")  # 待审批
        outer.addWidget(self.title)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("Due"), self.tr("Case"), self.tr("Matter"), self.tr("State"),
            self.tr("Applicant"), self.tr("Accepted")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._selection)
        outer.addWidget(self.table, 3)
        self.details = label("", wrap=True)
        outer.addWidget(self.details, 1)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Reasons (不予许可) or what to correct (补正)"))
        self.note.setMaxLength(2000)
        outer.addWidget(self.note)
        actions = QHBoxLayout()
        captions = {"received": self.tr("Sign for"), "approved": self.tr("Approve"),
                    "rejected": self.tr("Not permitted"), "correction": self.tr("Ask for correction")}
        self.buttons: dict[str, Any] = {}
        for outcome, key in MOVES:
            b = button(f"{captions[outcome]} ({key})",
                       "primary" if outcome == "approved" else None)
            b.clicked.connect(lambda _=False, o=outcome: self._move(o))
            self.buttons[outcome] = b
            actions.addWidget(b)
        actions.addStretch(1)
        outer.addLayout(actions)
        self.parts: list[Any] = []
        self.table.installEventFilter(self)
        self.note.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F5–F8 from the list or the note line: the moves."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            outcome = _KEYS.get(Qt.Key(event.key()))
            if outcome is not None:
                self._move(outcome)
                return True
        return super().eventFilter(watched, event)

    def show_session(self, hall_name: str, department: str, user: str) -> None:
        self.where.setText(f"{hall_name} · {department} · {user}")

    def show_parts(self, parts: list[Any]) -> None:
        """hall.parts.PartView rows, in the hall's order (overdue first, then by due date)."""
        chosen = self.current()
        key = (chosen.case, chosen.step) if chosen else None
        self.parts = list(parts)
        self.table.setRowCount(len(self.parts))
        again = 0
        for row, p in enumerate(self.parts):
            due = p.due or "—"
            if p.overdue:
                due = self.tr("{date} overdue").format(date=due)
            elif p.due_soon:
                due = self.tr("{date} due soon").format(date=due)
            for col, text in enumerate((due, p.case, p.matter, name(PART, p.status),
                                        p.applicant or "—", p.accepted_at[:16])):
                item = QTableWidgetItem(text)
                if p.overdue and col == 0:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, item)
            if key == (p.case, p.step):
                again = row
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.title.setText(self.tr("To decide: {n}").format(n=len(self.parts)))
        if self.parts:
            self.table.selectRow(again)
        else:
            self.details.setText(self.tr("Nothing to decide."))
        self._enable()

    def show_case(self, case: Any) -> None:
        """The selected part's case (hall.cases.CaseView as this department sees it)."""
        materials = "；".join(
            m.name + (self.tr(" (deferred, due {date})").format(date=m.due)
                      if m.status == "deferred" else "") for m in case.materials)
        parts = "；".join(f"{s.step} {s.department} {s.matter}: {name(PART, s.status)}"
                         for s in case.steps)
        self.details.setText(self.tr("{service} · {applicant}\nMaterials: {materials}\n"
                                     "Parts: {parts}").format(
            service=case.service_name, applicant=case.applicant or "—",
            materials=materials or "—", parts=parts))

    def current(self) -> Any:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.parts):
            return None
        return self.parts[rows[0].row()]

    def say(self, text: str, role: str = "notice") -> None:
        restyle(self.notice, role)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _selection(self) -> None:
        part = self.current()
        if part is not None:
            self.case_chosen.emit(part.case)
        self._enable()

    def _enable(self) -> None:
        part = self.current()
        state = part.status if part is not None else None
        self.buttons["received"].setEnabled(state == "pending")
        for outcome in ("approved", "rejected", "correction"):
            self.buttons[outcome].setEnabled(state in ("received", "corrected"))

    def _move(self, outcome: str) -> None:
        part = self.current()
        if part is None or not self.buttons[outcome].isEnabled():
            return
        note = self.note.text().strip()
        if outcome in ("rejected", "correction") and not note:
            self.say(self.tr("Type the reasons or what to correct in the note line first."),
                     "error")
            self.note.setFocus()
            return
        self.decide.emit(part.case, part.step, outcome, note)
        self.note.clear()
        self.table.setFocus()
