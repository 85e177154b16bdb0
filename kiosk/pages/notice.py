"""一次性告知: every material and condition of one service or bundle on one screen, printable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.pages.take import scroller
from kiosk.widgets import Page, button, clear_layout, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.catalog import Service


class NoticePage(Page):
    print_it = Signal()
    take = Signal()
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("What to bring"), "title")
        self.service = label("", "heading")
        self.summary = label("")
        self.area, inner = scroller(theme)
        self.list = QVBoxLayout(inner)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.status = label("", "muted")
        self.status.hide()
        self.print_button = button(self.tr("Print this list"), "primary")
        self.print_button.clicked.connect(self.print_it)
        self.take_button = button(self.tr("Take a number for it"), "primary")
        self.take_button.clicked.connect(self.take)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button, 1)
        actions.addWidget(self.take_button, 1)
        self.body.addWidget(self.title)
        self.body.addWidget(self.service)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.area, 1)
        self.body.addWidget(self.status)
        self.body.addLayout(actions)
        self.body.addWidget(self.back_button)

    def mode_changed(self) -> None:
        self.list.setSpacing(self.theme.current.size("gap"))

    def show_service(self, service: Service, group: str) -> None:
        self.service.setText(service.name)
        parts = [self.tr("Window: {group}").format(group=group)] if group else []
        if service.time_limit_days:
            parts.append(self.tr("Done within {days} working days")
                         .format(days=service.time_limit_days))
        self.summary.setText(self.tr("; ").join(parts))
        clear_layout(self.list)
        self.list.addWidget(label(self.tr("Materials"), "heading"))
        if not service.materials:
            self.list.addWidget(label(self.tr("No materials are needed.")))
        for n, m in enumerate(service.materials, 1):
            notes = [self.tr("required") if m.required else self.tr("if you have it")]
            if m.deferrable:
                notes.append(self.tr("may be handed in later under a written promise"))
            if m.e_licence:
                notes.append(self.tr("not needed if the {licence} can be used")
                             .format(licence=m.e_licence))
            self.list.addWidget(label(self.tr("{n}. {name} ({notes})").format(
                n=n, name=m.name, notes=self.tr("; ").join(notes))))
        if service.conditions:
            self.list.addWidget(label(self.tr("Conditions"), "heading"))
            for n, c in enumerate(service.conditions, 1):
                self.list.addWidget(label(self.tr("{n}. {text}").format(n=n, text=c)))
        self.list.addStretch(1)
        self.set_status("")

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def reset(self) -> None:
        clear_layout(self.list)
        self.service.setText("")
        self.set_status("")
