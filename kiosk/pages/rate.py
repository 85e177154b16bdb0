"""好差评: the visit (the number on the ticket, typed or scanned), five grades as big buttons,
and for a 差评 the reasons as big buttons (hall.ratings.BAD_REASONS)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from kiosk.widgets import Keyboard, Page, button, entry, label
from ui.theme import Theme

BAD = 2  # grades at or below are 差评 (hall.ratings.BAD): the reasons are asked


class RatePage(Page):
    ticket_entered = Signal(str)
    graded = Signal(int)
    reasons_given = Signal(list)
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Rate our service"), "title")
        self.instruction = label("", "heading")
        # step 1: which visit
        self.ask = QWidget()
        ask = QHBoxLayout(self.ask)
        ask.setContentsMargins(0, 0, 0, 0)
        self.field = entry(self.tr("Number on your ticket"))
        self.next_button = button(self.tr("Next"), "primary")
        self.next_button.clicked.connect(self._entered)
        self.field.returnPressed.connect(self._entered)
        ask.addWidget(self.field, 1)
        ask.addWidget(self.next_button)
        self.keyboard = Keyboard(theme)
        self.keyboard.typed.connect(lambda c: self.field.setText(self.field.text() + c))
        self.keyboard.backspace.connect(lambda: self.field.setText(self.field.text()[:-1]))
        self.keyboard.cleared.connect(self.field.clear)
        # step 2: the grade
        self.grades = QWidget()
        grades = QGridLayout(self.grades)
        grades.setContentsMargins(0, 0, 0, 0)
        self.grade_grid = grades
        names = {5: self.tr("Very satisfied"), 4: self.tr("Satisfied"),
                 3: self.tr("Basically satisfied"), 2: self.tr("Dissatisfied"),
                 1: self.tr("Very dissatisfied")}
        self.grade_buttons: dict[int, QPushButton] = {}
        for grade in (5, 4, 3, 2, 1):
            b = button(names[grade], "tile")
            b.clicked.connect(lambda _=False, g=grade: self.graded.emit(g))
            self.grade_buttons[grade] = b
        # step 3: the reasons of a 差评
        self.reasons = QWidget()
        self.reason_grid = QGridLayout(self.reasons)
        self.reason_grid.setContentsMargins(0, 0, 0, 0)
        self.reason_buttons: list[QPushButton] = []
        self.submit = button(self.tr("Send"), "primary")
        self.submit.clicked.connect(self._send_reasons)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.title)
        self.body.addWidget(self.instruction)
        self.body.addWidget(self.ask)
        self.body.addWidget(self.grades)
        self.body.addWidget(self.reasons)
        self.body.addStretch(1)
        self.body.addWidget(self.keyboard)
        self.body.addWidget(self.submit)
        self.body.addWidget(self.back_button)
        self.arrange(False)
        self.reset()

    def arrange(self, landscape: bool) -> None:
        """Five grades: one column on a portrait screen, three on a landscape one."""
        columns = 3 if landscape else 1
        for b in self.grade_buttons.values():
            self.grade_grid.removeWidget(b)
        for n, b in enumerate(self.grade_buttons.values()):
            self.grade_grid.addWidget(b, n // columns, n % columns)
        self._place_reasons(3 if landscape else 2)

    def mode_changed(self) -> None:
        gap = self.theme.current.size("gap")
        for grid in (self.reason_grid,):
            grid.setSpacing(gap)
        layout = self.grades.layout()
        if layout is not None:
            layout.setSpacing(gap)

    def set_reasons(self, reasons: Sequence[str]) -> None:
        if self.reason_buttons:
            return
        for reason in reasons:
            b = button(reason)
            b.setCheckable(True)
            b.toggled.connect(lambda on, w=b: self._mark(w, on))
            self.reason_buttons.append(b)
        self._place_reasons(2)

    def _place_reasons(self, columns: int) -> None:
        for b in self.reason_buttons:
            self.reason_grid.removeWidget(b)
        for n, b in enumerate(self.reason_buttons):
            self.reason_grid.addWidget(b, n // columns, n % columns)

    @staticmethod
    def _mark(widget: QPushButton, on: bool) -> None:
        """A chosen reason is filled (primary), so the choice is seen, not only a border."""
        widget.setProperty("role", "primary" if on else "")
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _entered(self) -> None:
        if self.field.text().strip():
            self.ticket_entered.emit(self.field.text().strip())

    def _send_reasons(self) -> None:
        self.reasons_given.emit([b.text() for b in self.reason_buttons if b.isChecked()])

    def _step(self, step: str) -> None:
        self.ask.setVisible(step == "ask")
        self.keyboard.setVisible(step == "ask")
        self.grades.setVisible(step == "grade")
        self.reasons.setVisible(step == "reasons")
        self.submit.setVisible(step == "reasons")
        self.step = step

    def ask_ticket(self) -> None:
        self.instruction.setText(self.tr("Enter the number on your ticket, or scan the QR code "
                                         "on the ticket."))
        self._step("ask")

    def ask_grade(self, number: str) -> None:
        self.instruction.setText(self.tr("How was your visit with number {number}?")
                                 .format(number=number))
        self._step("grade")

    def ask_reasons(self) -> None:
        self.instruction.setText(self.tr("We are sorry. What went wrong? Choose one or more."))
        for b in self.reason_buttons:
            b.setChecked(False)
        self._step("reasons")

    def thanks(self) -> None:
        self.instruction.setText(self.tr("Thank you for your rating."))
        self._step("thanks")

    def reset(self) -> None:
        self.field.clear()
        self.ask_ticket()
