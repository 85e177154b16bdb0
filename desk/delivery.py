"""出件 (and 办结): find a case by its number (typed, or the receipt's QR scanned), see where it
stands, close it, and record the handover — at the window or by mail with the EMS number."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QWidget,
)

from desk.names import CASE, PART, name
from ui.parts import button, card_layout, label, restyle
from ui.theme import Theme


class DeliveryPanel(QFrame):
    lookup = Signal(str)  # a case number
    complete = Signal(str)  # case id
    deliver = Signal(str, str, str)  # case id, channel (window|mail), tracking
    supply = Signal(str, str)  # case id, the deferred material handed in (补交)
    correct = Signal(str, int)  # case id, step: the applicant handed in the 补正

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gap = Theme.instance().current.size("gap")
        layout = card_layout(self, spacing=gap)
        self.ready_title = label(self.tr("Ready to hand out"), "heading")  # 待出件, oldest first
        layout.addWidget(self.ready_title)
        self.ready_list = QListWidget()
        self.ready_list.setMaximumHeight(140)
        self.ready_list.itemActivated.connect(self._ready_chosen)
        self.ready_list.itemClicked.connect(self._ready_chosen)
        layout.addWidget(self.ready_list)
        layout.addWidget(label(self.tr("Hand out a result"), "heading"))
        find = QHBoxLayout()
        self.case_input = QLineEdit()
        self.case_input.setPlaceholderText(self.tr("Case number, or scan the receipt's QR code"))
        self.find_button = button(self.tr("Find"))
        find.addWidget(self.case_input, 1)
        find.addWidget(self.find_button)
        layout.addLayout(find)

        grid = QGridLayout()
        grid.setHorizontalSpacing(gap)
        self.values: dict[str, Any] = {}
        for i, (key, caption) in enumerate([
                ("number", self.tr("Case")), ("service", self.tr("Matter")),
                ("applicant", self.tr("Applicant")), ("status", self.tr("Status")),
                ("promised", self.tr("Promised by")), ("outstanding", self.tr("Still missing")),
                ("parts", self.tr("Parts"))]):
            grid.addWidget(label(caption, "muted"), i, 0)
            value = label("—", wrap=True)
            self.values[key] = value
            grid.addWidget(value, i, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        how = QHBoxLayout()
        self.at_window = QRadioButton(self.tr("At the window"))
        self.by_mail = QRadioButton(self.tr("By mail (EMS)"))
        self.at_window.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.at_window)
        group.addButton(self.by_mail)
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText(self.tr("EMS tracking number"))
        how.addWidget(self.at_window)
        how.addWidget(self.by_mail)
        how.addWidget(self.tracking, 1)
        layout.addLayout(how)
        supply_row = QHBoxLayout()  # 补交: a 容缺 material handed in after acceptance
        self.supply_choice = QComboBox()
        self.supply_button = button(self.tr("Hand in (补交)"))
        supply_row.addWidget(label(self.tr("Deferred material"), "muted"))
        supply_row.addWidget(self.supply_choice, 1)
        supply_row.addWidget(self.supply_button)
        layout.addLayout(supply_row)
        actions = QHBoxLayout()
        self.correct_button = button(self.tr("Correction handed in"))
        actions.addWidget(self.correct_button)
        self.complete_button = button(self.tr("Mark completed"))
        self.deliver_button = button(self.tr("Hand out"), "primary")
        actions.addWidget(self.complete_button)
        actions.addStretch(1)
        actions.addWidget(self.deliver_button)
        layout.addLayout(actions)
        # why a button is greyed: a clerk never guesses
        self.why = label("", "muted", wrap=True)
        layout.addWidget(self.why)
        self.message = label("", "status-ok", wrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch(1)

        self._case: Any = None
        self.find_button.clicked.connect(self._find)
        self.case_input.returnPressed.connect(self._find)
        self.by_mail.toggled.connect(self._channel_changed)
        self.complete_button.clicked.connect(
            lambda: self._case is not None and self.complete.emit(self._case.id))
        self.deliver_button.clicked.connect(self._deliver)
        self.supply_button.clicked.connect(
            lambda: self._case is not None and self.supply_choice.currentText() and
            self.supply.emit(self._case.id, self.supply_choice.currentText()))
        self.correct_button.clicked.connect(self._correct)
        self.show_case(None)

    def show_ready(self, cases: list[Any]) -> None:
        """待出件: hall.cases.CaseView rows, oldest first."""
        self.ready_list.clear()
        for case in cases:
            item = QListWidgetItem(f"{case.number}  {case.service_name}  {case.applicant}  "
                                   f"{name(CASE, case.status)}")
            item.setData(Qt.ItemDataRole.UserRole, case.number)
            self.ready_list.addItem(item)
        self.ready_title.setText(self.tr("Ready to hand out: {n}").format(n=len(cases)))

    def _ready_chosen(self, item: QListWidgetItem) -> None:
        self.lookup.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _owed(self) -> list[Any]:
        return [s for s in self._case.steps if s.status == "correction"] if self._case else []

    def _correct(self) -> None:
        owed = self._owed()
        if owed:
            self.correct.emit(self._case.id, owed[0].step)

    def _find(self) -> None:
        text = self.case_input.text().strip()
        if text:
            self.lookup.emit(text.rstrip("/").rsplit("/", 1)[-1])  # a receipt QR is a URL

    def _channel_changed(self) -> None:
        self.tracking.setEnabled(self.by_mail.isChecked())

    def _deliver(self) -> None:
        if self._case is None:
            return
        mail = self.by_mail.isChecked()
        self.deliver.emit(self._case.id, "mail" if mail else "window",
                          self.tracking.text().strip() if mail else "")

    def show_case(self, case: Any) -> None:
        """A hall.cases.CaseView, or None."""
        self._case = case
        if case is None:
            for value in self.values.values():
                value.setText("—")
        else:
            self.values["number"].setText(case.number)
            self.values["service"].setText(case.service_name)
            self.values["applicant"].setText(case.applicant or "—")
            status = name(CASE, case.status)
            if case.status == "delivered" and case.delivery_channel == "mail":
                status += self.tr(", by mail {tracking}").format(
                    tracking=case.delivery_tracking or "")
            self.values["status"].setText(status)
            self.values["promised"].setText(case.promised or "—")
            self.values["outstanding"].setText("、".join(case.outstanding) or "—")
            decided = sum(1 for s in case.steps if s.decided)
            lines = [self.tr("{done} of {total} decided").format(done=decided,
                                                                total=len(case.steps))]
            lines += [f"{s.step} {s.department}: {name(PART, s.status)}"
                      + (f" — {s.note}" if s.note else "")
                      for s in case.steps if s.status in ("correction", "rejected")]
            self.values["parts"].setText("\n".join(lines))
        state = case.status if case is not None else None
        outstanding = list(case.outstanding) if case is not None else []
        self.complete_button.setEnabled(state == "accepted" and not outstanding
                                        and all(s.decided for s in case.steps))
        self.deliver_button.setEnabled(state in ("completed", "not_permitted"))
        self.correct_button.setEnabled(bool(self._owed()))
        self.supply_choice.clear()
        self.supply_choice.addItems(outstanding if state == "accepted" else [])
        self.supply_choice.setEnabled(bool(outstanding) and state == "accepted")
        self.supply_button.setEnabled(bool(outstanding) and state == "accepted")
        self.why.setText(self._why(case, outstanding))
        self._channel_changed()

    def _why(self, case: Any, outstanding: list[str]) -> str:
        if case is None:
            return self.tr("Find a case to complete or hand it out.")
        if case.status == "accepted" and outstanding:
            return self.tr("Completing waits for the deferred materials: {m}. Record each "
                           "with 补交 when it is handed in.").format(m="、".join(outstanding))
        if case.status == "accepted" and not all(s.decided for s in case.steps):
            return self.tr("Completing waits for the departments to decide their parts.")
        if case.status == "accepted":
            return self.tr("Mark it completed, then hand the result out.")
        if case.status in ("completed", "not_permitted"):
            return self.tr("Completed: hand the result out. At the window, read the card of "
                           "the person collecting it first.")
        if case.status == "refused":
            return self.tr("A refused case is neither completed nor handed out.")
        return self.tr("The result has been handed out.")

    def clear_message(self) -> None:
        self.message.setText("")
        self.message.hide()

    def say(self, text: str, role: str = "status-ok") -> None:
        restyle(self.message, role)
        self.message.setText(text)
        self.message.show()
