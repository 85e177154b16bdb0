"""一件事 acceptance (前台综合受理): the matter or bundle, the catalog's materials checklist where
each item is submitted (已提交), deferred under a promise with a date (容缺), covered by its
e-licence (免提交) or still missing (未提交: it goes on the 一次性告知书), 帮办代办, then 受理 or
不予受理. The panel only collects the clerk's marks; the hall checks them (hall.cases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hall.catalog import Service
from ui.parts import button, label
from ui.theme import Theme

MARKS = ("submitted", "deferred", "exempt", "missing")
DEFER_DAYS = 5  # the due date a 容缺 item starts with


@dataclass(frozen=True)
class Mark:
    material: str
    status: str  # submitted | deferred | exempt | missing
    due: str | None = None


@dataclass(frozen=True)
class AcceptForm:
    service_id: str
    marks: tuple[Mark, ...]
    promise: str
    assisted: bool

    @property
    def missing(self) -> list[str]:
        return [m.material for m in self.marks if m.status == "missing"]


class AcceptancePanel(QFrame):
    accept_requested = Signal(object)  # AcceptForm
    notice_requested = Signal(object)  # AcceptForm (its missing materials)
    refuse_requested = Signal(str)  # service id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        theme = Theme.instance().current
        gap = theme.size("gap")
        self._row_height = theme.size("target") + 4
        layout = QVBoxLayout(self)
        layout.setContentsMargins(gap, gap, gap, gap)
        layout.setSpacing(gap // 2)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("Matter"), "heading"))
        self.service = QComboBox()
        self.service.setMinimumContentsLength(24)
        head.addWidget(self.service, 1)
        self.all_submitted = button(self.tr("All submitted"))
        head.addWidget(self.all_submitted)
        layout.addLayout(head)
        # the cases the ticket being served already has (a desk restarted mid-visit)
        self.existing = label("", "notice", wrap=True)
        self.existing.hide()
        layout.addWidget(self.existing)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Material"), self.tr("Handed in"),
                                              self.tr("Supply by"), self.tr("E-licence")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # the 补交期限 column holds a date editor only once an item is deferred: sized for a
        # whole date and the editor's button from the start, never cut to "2026-"
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(2, self.date_width())
        # the header as tall as its text and padding: it overlapped the first row
        header.setMinimumHeight(header.fontMetrics().height() + 2 * theme.size("padding"))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)

        promise_row = QHBoxLayout()
        promise_row.addWidget(label(self.tr("Promise"), "muted"))
        self.promise = QLineEdit(self.tr("I promise to hand in the deferred materials by the "
                                         "dates above."))
        promise_row.addWidget(self.promise, 1)
        self.assisted = QCheckBox(self.tr("Assisted by staff"))
        promise_row.addWidget(self.assisted)
        layout.addLayout(promise_row)

        actions = QHBoxLayout()
        self.accept_button = button(self.tr("Accept and print receipt  F9"), "primary")
        self.notice_button = button(self.tr("Tell what is missing  F10"))
        self.refuse_button = button(self.tr("Refuse  F11"), "danger")
        actions.addWidget(self.accept_button, 2)
        actions.addWidget(self.notice_button, 1)
        actions.addWidget(self.refuse_button, 1)
        layout.addLayout(actions)

        self._services: list[Service] = []
        self._due: dict[int, QDate] = {}
        self._today = date.today()  # until the hall says its own day (set_today)
        self.service.currentIndexChanged.connect(self._service_changed)
        self.all_submitted.clicked.connect(self._mark_all_submitted)
        self.accept_button.clicked.connect(lambda: self.accept_requested.emit(self.form()))
        self.notice_button.clicked.connect(lambda: self.notice_requested.emit(self.form()))
        self.refuse_button.clicked.connect(
            lambda: self.refuse_requested.emit(self.current_service().id))

    def date_width(self) -> int:
        theme = Theme.instance().current
        probe = QDateEdit()
        probe.setDisplayFormat("yyyy-MM-dd")
        probe.setCalendarPopup(True)
        probe.setDate(QDate(2026, 12, 31))
        return max(probe.sizeHint().width(),
                   probe.fontMetrics().horizontalAdvance("2026-12-31")
                   + theme.size("target") + 2 * theme.size("padding"))

    # -- filling ---------------------------------------------------------------------------
    def set_services(self, services: list[Service]) -> None:
        self._services = [s for s in services if s.materials] or list(services)
        self.service.blockSignals(True)
        self.service.clear()
        for s in self._services:
            self.service.addItem(s.name, s.id)
        self.service.blockSignals(False)
        self._service_changed(0)

    def set_today(self, day: str) -> None:
        """The hall's calendar day (its timezone): a 容缺 date starts from it, none before it."""
        today = date.fromisoformat(day)
        if today == self._today:
            return
        self._today = today
        for row in range(self.table.rowCount()):
            when = self.table.cellWidget(row, 2)
            if isinstance(when, QDateEdit):
                when.setMinimumDate(QDate(today.year, today.month, today.day))

    def show_existing(self, cases: tuple[Any, ...]) -> None:
        """The cases (hall.cases.CaseView) of the ticket being served, or none."""
        from desk.names import CASE, name

        text = "；".join(self.tr("This ticket already has case {case} ({matter}, {status})")
                        .format(case=c.number, matter=c.service_name,
                                status=name(CASE, c.status)) for c in cases)
        self.existing.setText(text)
        self.existing.setVisible(bool(cases))

    def choose(self, service_id: str) -> None:
        index = self.service.findData(service_id)
        if index >= 0:
            self.service.setCurrentIndex(index)

    def current_service(self) -> Service:
        return self._services[max(self.service.currentIndex(), 0)]

    def _service_changed(self, _index: int) -> None:
        if not self._services:
            return
        service = self.current_service()
        self.service.setToolTip("；".join(service.conditions))  # 受理条件, on demand
        self._due = {}
        self.table.setRowCount(0)  # drop the last matter's row widgets before the new rows
        self.table.setRowCount(len(service.materials))
        due = self._today + timedelta(days=DEFER_DAYS)
        words = {"submitted": self.tr("Submitted"), "deferred": self.tr("Deferred (容缺)"),
                 "exempt": self.tr("Exempt: e-licence"), "missing": self.tr("Not yet")}
        for row, m in enumerate(service.materials):
            item = QTableWidgetItem(m.name if m.required else self.tr("{name} (if any)").format(
                name=m.name))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, item)
            marks = QComboBox()
            for code in MARKS:
                if (code == "deferred" and not m.deferrable) or (
                        code == "exempt" and not m.e_licence):
                    continue
                marks.addItem(words[code], code)
            marks.setCurrentIndex(marks.findData("exempt" if m.e_licence else "missing"))
            self.table.setCellWidget(row, 1, marks)
            self._due[row] = QDate(due.year, due.month, due.day)
            licence = QTableWidgetItem(m.e_licence or "—")
            licence.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 3, licence)
            marks.currentIndexChanged.connect(lambda _i, r=row: self._mark_changed(r))
            self._mark_changed(row)
            self.table.setRowHeight(row, self._row_height)

    def _mark_changed(self, row: int) -> None:
        """A date only where one is due (容缺); the date chosen is kept if the mark changes."""
        marks = self.table.cellWidget(row, 1)
        if not isinstance(marks, QComboBox):
            return
        old = self.table.cellWidget(row, 2)
        if isinstance(old, QDateEdit):
            self._due[row] = old.date()
        if marks.currentData() == "deferred":
            if not isinstance(old, QDateEdit):
                when = QDateEdit(self._due[row])
                when.setCalendarPopup(True)
                when.setDisplayFormat("yyyy-MM-dd")
                today = self._today
                when.setMinimumDate(QDate(today.year, today.month, today.day))
                self.table.setCellWidget(row, 2, when)
        elif old is not None:
            self.table.removeCellWidget(row, 2)
            blank = QTableWidgetItem("—")
            blank.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 2, blank)

    def _mark_all_submitted(self) -> None:
        for row in range(self.table.rowCount()):
            marks = self.table.cellWidget(row, 1)
            if isinstance(marks, QComboBox) and marks.currentData() == "missing":
                marks.setCurrentIndex(marks.findData("submitted"))

    def set_mark(self, material: str, status: str, due: str | None = None) -> None:
        """Mark one item (what a click on its combo box does; tests and the keypad use it)."""
        for row, m in enumerate(self.current_service().materials):
            if m.name != material:
                continue
            marks = self.table.cellWidget(row, 1)
            assert isinstance(marks, QComboBox)
            index = marks.findData(status)
            if index < 0:
                raise ValueError(f"{material!r} cannot be {status}")
            marks.setCurrentIndex(index)
            when = self.table.cellWidget(row, 2)
            if due is not None and isinstance(when, QDateEdit):
                when.setDate(QDate.fromString(due, "yyyy-MM-dd"))
            return
        raise KeyError(material)

    # -- reading ---------------------------------------------------------------------------
    def form(self) -> AcceptForm:
        service = self.current_service()
        marks = []
        for row, m in enumerate(service.materials):
            combo = self.table.cellWidget(row, 1)
            assert isinstance(combo, QComboBox)
            status = str(combo.currentData())
            when = self.table.cellWidget(row, 2)
            due = when.date().toString("yyyy-MM-dd") if isinstance(when, QDateEdit) else None
            marks.append(Mark(m.name, status, due if status == "deferred" else None))
        return AcceptForm(service.id, tuple(marks), self.promise.text().strip(),
                          self.assisted.isChecked())

    def reset(self) -> None:
        self.assisted.setChecked(False)
        self._service_changed(self.service.currentIndex())
