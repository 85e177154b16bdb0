"""预约: a later slot booked at the kiosk for the card the person holds (today's wait is long),
chosen from the next slots with a free seat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout

from kiosk.pages.take import scroller
from kiosk.widgets import Page, button, clear_layout, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.appointments import Appointment, SlotView


class BookPage(Page):
    chosen = Signal(str, str)  # day YYYY-MM-DD, time HH:MM
    back = Signal()
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Book a later time"), "title")
        self.service = label("", "heading")
        self.instruction = label(self.tr("Choose a time. On the day, check in at Appointment "
                                         "check-in with the same card a little before it."))
        self.area, inner = scroller(theme)
        self.grid = QGridLayout(inner)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.result = QFrame()
        self.result.setProperty("role", "card")
        box = QVBoxLayout(self.result)
        self.booked = label("", "heading")
        self.booked_detail = label("")
        box.addWidget(self.booked)
        box.addWidget(self.booked_detail)
        self.result.hide()
        self.empty = label(self.tr("No time can be booked for this matter in the next days."),
                           "notice")
        self.empty.hide()
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.done_button = button(self.tr("Done"), "primary")
        self.done_button.clicked.connect(self.done)
        self.done_button.hide()
        self.body.addWidget(self.title)
        self.body.addWidget(self.service)
        self.body.addWidget(self.instruction)
        self.body.addWidget(self.area, 1)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.result)
        self.body.addStretch(0)
        self.body.addWidget(self.done_button)
        self.body.addWidget(self.back_button)

    def mode_changed(self) -> None:
        gap = self.theme.current.size("gap")
        self.grid.setSpacing(gap)

    def day_text(self, day: str) -> str:
        d = date.fromisoformat(day)
        weekday = (self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"),
                   self.tr("Fri"), self.tr("Sat"), self.tr("Sun"))[d.weekday()]
        return self.tr("{month}/{day} {weekday}").format(month=d.month, day=d.day,
                                                        weekday=weekday)

    def show_slots(self, service_name: str, slots: Sequence[tuple[str, SlotView]]) -> None:
        self.service.setText(service_name)
        self.service.show()
        self.result.hide()
        self.done_button.hide()
        self.instruction.show()
        clear_layout(self.grid)
        for n, (day, slot) in enumerate(slots):
            free = slot.capacity - slot.booked
            b = button(self.tr("{day} {start}-{end}\n{free} left").format(
                day=self.day_text(day), start=slot.start, end=slot.end, free=free), "tile")
            b.clicked.connect(lambda _=False, d=day, t=slot.start: self.chosen.emit(d, t))
            self.grid.addWidget(b, n // 2, n % 2)
        self.area.setVisible(bool(slots))
        self.empty.setVisible(not slots)

    def show_booked(self, booked: Appointment, service_name: str, early_min: int) -> None:
        clear_layout(self.grid)
        self.area.hide()
        self.instruction.hide()
        # the booked line names the service again: its heading gives the sentence below room
        # for its last line on a 768-pixel-high screen in elder mode (else cut off)
        self.service.hide()
        self.booked.setText(self.tr("Booked: {service}, {day} {time}").format(
            service=service_name, day=self.day_text(booked.day), time=booked.time))
        self.booked_detail.setText(self.tr(
            "Please come with the same card and check in at Appointment check-in from "
            "{minutes} minutes before your time. You are then called ahead of people without a booking.")
            .format(minutes=early_min))
        self.result.show()
        self.done_button.show()

    def reset(self) -> None:
        clear_layout(self.grid)
        self.service.show()
        self.result.hide()
        self.empty.hide()
        self.done_button.hide()
