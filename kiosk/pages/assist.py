"""预约签到 (check in by card) and 请求帮办 (ask a staff member to come)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout, QWidget

from kiosk.widgets import Page, button, label
from ui.theme import Theme


class CheckInPage(Page):
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Appointment check-in"), "title")
        card = QFrame()
        card.setProperty("role", "card")
        box = QVBoxLayout(card)
        self.instruction = label(self.tr("Please tap the ID card you booked with, or insert "
                                         "your social security card, or show your ID code."),
                                 "heading")
        self.detail = label(self.tr("You get a number with the priority of your appointment."))
        box.addWidget(self.instruction)
        box.addWidget(self.detail)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.title)
        self.body.addWidget(card)
        self.body.addStretch(1)
        self.body.addWidget(self.back_button)


class HelpPage(Page):
    requested = Signal(str)  # hall.help KINDS: elder | disabled | pregnant | other
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Ask staff for help"), "title")
        self.instruction = label(self.tr("A staff member will come to this terminal to help "
                                         "you. Who needs help?"), "heading")
        self.choices = QWidget()
        grid = QGridLayout(self.choices)
        grid.setContentsMargins(0, 0, 0, 0)
        self.kind_buttons = {
            "elder": button(self.tr("A senior citizen"), "tile"),
            "disabled": button(self.tr("A person with a disability"), "tile"),
            "pregnant": button(self.tr("A pregnant woman"), "tile"),
            "other": button(self.tr("Someone else"), "tile"),
        }
        for n, (kind, b) in enumerate(self.kind_buttons.items()):
            b.clicked.connect(lambda _=False, k=kind: self.requested.emit(k))
            grid.addWidget(b, n // 2, n % 2)
        self._grid = grid
        self.sent = label("", "status-ok")
        self.sent.hide()
        self.done_button = button(self.tr("Back"))
        self.done_button.clicked.connect(self.done)
        self.body.addWidget(self.title)
        self.body.addWidget(self.instruction)
        self.body.addWidget(self.choices)
        self.body.addWidget(self.sent)
        self.body.addStretch(1)
        self.body.addWidget(self.done_button)

    def mode_changed(self) -> None:
        self._grid.setSpacing(self.theme.current.size("gap"))

    def show_sent(self, answered: bool) -> None:
        self.choices.hide()
        self.instruction.setText(self.tr("Please stay here."))
        self.sent.setText(self.tr("A staff member is on the way.") if answered else
                          self.tr("The staff have been told. Someone will come to you soon."))
        self.sent.show()
        self.done_button.setText(self.tr("Done"))

    def reset(self) -> None:
        self.choices.show()
        self.sent.hide()
        self.instruction.setText(self.tr("A staff member will come to this terminal to help "
                                         "you. Who needs help?"))
        self.done_button.setText(self.tr("Back"))
