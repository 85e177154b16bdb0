"""办件查询: a case's progress by its number (typed), its receipt's QR (scanned) or the ID card
(tapped): the steps done, each department's part, the promised date (承诺时限)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.pages.take import scroller
from kiosk.widgets import Keyboard, Page, button, clear_layout, entry, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.views import Progress


class ProgressPage(Page):
    lookup = Signal(str)  # a case number
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Case progress"), "title")
        self.instruction = label(self.tr("Enter the case number on your receipt, scan the QR "
                                         "code on the receipt, or tap your ID card."))
        self.field = entry(self.tr("Case number"))
        self.find_button = button(self.tr("Look up"), "primary")
        self.find_button.clicked.connect(self._lookup)
        self.field.returnPressed.connect(self._lookup)
        field_row = QHBoxLayout()
        field_row.addWidget(self.field, 1)
        field_row.addWidget(self.find_button)
        self.keyboard = Keyboard(theme)
        self.keyboard.typed.connect(lambda c: self.field.setText(self.field.text() + c))
        self.keyboard.backspace.connect(lambda: self.field.setText(self.field.text()[:-1]))
        self.keyboard.cleared.connect(self.field.clear)
        self.area, inner = scroller(theme)
        self.results = QVBoxLayout(inner)
        self.results.setContentsMargins(0, 0, 0, 0)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.title)
        self.body.addWidget(self.instruction)
        self.body.addLayout(field_row)
        self.body.addWidget(self.area, 1)
        self.body.addWidget(self.keyboard)
        self.body.addWidget(self.back_button)
        self.area.hide()

    def mode_changed(self) -> None:
        self.results.setSpacing(self.theme.current.size("gap"))

    def _lookup(self) -> None:
        if self.field.text().strip():
            self.lookup.emit(self.field.text().strip())

    def show_results(self, found: Sequence[Progress]) -> None:
        clear_layout(self.results)
        self.keyboard.hide()
        self.area.show()
        if not found:
            self.results.addWidget(label(self.tr("No case was found for this card."), "notice"))
        for p in found:
            self.results.addWidget(self._case(p))
        self.results.addStretch(1)

    def _case(self, p: Progress) -> QFrame:
        card = QFrame()
        card.setProperty("role", "card")
        box = QVBoxLayout(card)
        box.addWidget(label(p.service_name, "heading"))
        box.addWidget(label(self.tr("Case number: {number}").format(number=p.number), "muted"))
        status = {"accepted": self.tr("Being handled"), "completed": self.tr("Done: ready to "
                                                                             "pick up"),
                  "not_permitted": self.tr("Not permitted: pick up the written notice"),
                  "delivered": self.tr("Done and handed over"),
                  "refused": self.tr("Not accepted")}.get(p.status, p.status)
        if p.status == "accepted" and p.ready:
            status = self.tr("Ready to pick up")  # 可以领取
        box.addWidget(label(self.tr("Status: {status}").format(status=status), "heading"))
        for part in p.owed:  # said plainly first: what the applicant must do
            what = (self.tr("bring {materials}").format(
                materials=self.tr(", ").join(part.bring)) if part.bring
                else self.tr("ask at the window what to correct"))
            box.addWidget(label(self.tr("Correction needed for {matter}: please come to the "
                                        "window and {what}.").format(matter=part.matter,
                                                                     what=what), "notice"))
        if p.steps_total:
            box.addWidget(label(self.tr("Steps done: {done} of {total}").format(
                done=p.steps_done, total=p.steps_total)))
            states = {"pending": self.tr("waiting"), "received": self.tr("in progress"),
                      "corrected": self.tr("in progress"), "approved": self.tr("approved"),
                      "rejected": self.tr("not approved"),
                      "correction": self.tr("correction needed")}
            for part in p.steps:
                line = self.tr("{matter} ({department}): {state}").format(
                    matter=part.matter, department=part.department,
                    state=states.get(part.status, part.status))
                if part.decided_at:
                    line += self.tr(", decided {date}").format(date=part.decided_at[:10])
                elif part.due and part.status != "correction":
                    line += self.tr(", due {date}").format(date=part.due)
                box.addWidget(label(line, "muted"))
        if p.promised:
            box.addWidget(label(self.tr("Promised by {date}").format(date=p.promised)))
        if p.outstanding:
            box.addWidget(label(self.tr("Still to bring: {materials}").format(
                materials=self.tr(", ").join(p.outstanding)), "notice"))
        return card

    def reset(self) -> None:
        self.field.clear()
        clear_layout(self.results)
        self.area.hide()
        self.keyboard.show()
