"""The applicant, filled by the card or code (nothing typed): masked except what the clerk
needs to serve — which card, age and senior status, validity (an expired card is said plainly).
The read itself (`CardRead`, the card in memory only) stays here until the case is accepted or
the clerk clears it; it is never logged or written anywhere."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QWidget

from desk.names import CARD, name
from ui.parts import button, card_layout, label, restyle
from ui.theme import Theme


class ApplicantPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gap = Theme.instance().current.size("gap")
        layout = card_layout(self)
        self.clear_button = button(self.tr("Clear"))  # beside the address: no row of its own
        self.hint = label(self.tr("Tap the ID card, insert the social security card, or scan "
                                  "the identity or enterprise code."), "muted", wrap=True)
        layout.addWidget(self.hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(gap)
        self.values: dict[str, Any] = {}
        captions = {"kind": self.tr("Card"), "name": self.tr("Name"),
                    "id": self.tr("ID number"), "sex": self.tr("Sex"),
                    "birth": self.tr("Born"), "valid": self.tr("Valid until"),
                    "address": self.tr("Address")}
        self.captions: dict[str, Any] = {}
        self._person_captions = captions
        for i, (key, caption) in enumerate(captions.items()):  # three to a row
            self.captions[key] = label(caption, "muted")
            grid.addWidget(self.captions[key], i // 3, (i % 3) * 2)
            value = label("—", wrap=key == "address")
            self.values[key] = value
            grid.addWidget(value, i // 3, (i % 3) * 2 + 1, 1, 3 if key == "address" else 1)
        grid.addWidget(self.clear_button, 2, 5, Qt.AlignmentFlag.AlignRight)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)
        layout.addLayout(grid)
        self.warning = label("", "error", wrap=True)
        self.warning.hide()
        layout.addWidget(self.warning)
        self.show_read(None)

    def show_read(self, read: Any) -> None:
        """A hall.cards.CardRead, or None for an empty panel."""
        if read is None:
            for value in self.values.values():
                value.setText("—")
            for key, caption in self._person_captions.items():
                self.captions[key].setText(caption)
            self.hint.show()
            self.warning.hide()
            return
        self.hint.hide()
        fields = read.card_fields(False)
        enterprise = read.kind == "code" and getattr(read.card, "kind", "") == "enterprise"
        self.captions["name"].setText(self.tr("Enterprise") if enterprise
                                      else self._person_captions["name"])
        self.captions["id"].setText(self.tr("Credit code") if enterprise
                                    else self._person_captions["id"])
        self.values["kind"].setText(name(CARD, "code_enterprise" if enterprise else read.kind)
                                    + ("" if read.verified else self.tr(" (not verified)")))
        self.values["name"].setText(read.masked_name)
        self.values["id"].setText(read.masked_id)
        self.values["sex"].setText(str(fields.get("sex") or "—"))
        birth = read.birth_date or "—"
        if read.age is not None:
            birth = self.tr("{date} (age {age})").format(date=birth, age=read.age)
        if read.elder:
            birth += self.tr(", senior: priority and help")
        self.values["birth"].setText(birth)
        until = fields.get("valid_until") or fields.get("expiry_date") or "—"
        self.values["valid"].setText(self.tr("Long-term") if until == "长期" else str(until))
        self.values["address"].setText(str(fields.get("address") or "—"))
        if read.expired:
            self.show_warning(self.tr("This card has expired. Ask for a valid document or a "
                                      "temporary ID before accepting."))
        elif not read.verified:
            self.show_warning(self.tr("The code could not be verified online: a case needs a "
                                      "card read."))
        else:
            self.warning.hide()

    def show_warning(self, text: str, role: str = "error") -> None:
        restyle(self.warning, role)
        self.warning.setText(text)
        self.warning.show()
