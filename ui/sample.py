"""A sample page built only from the shell's parts (a title, a masked ID, a big button, the
elder switch, a notice): what the theme looks like in each mode and size, for the screenshots
and the audits of tests/ui. Faces build their pages the same way: roles, tr(), no sizes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hall.identity import mask_id_number
from ui.theme import Theme

# Fictitious: the emulators' sample resident (valid check digit, no real person).
SAMPLE_ID = "990000" + "198001010017"  # region 990000 does not exist: obviously fictitious


class SamplePage(QWidget):
    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self.title = QLabel(self.tr("Take a number"))
        self.title.setProperty("role", "title")
        self.subtitle = QLabel(self.tr("Welcome to the government service hall"))
        self.subtitle.setProperty("role", "muted")

        card = QFrame()
        card.setProperty("role", "card")
        row = QHBoxLayout(card)
        self.id_caption = QLabel(self.tr("ID number"))
        self.id_value = QLabel(mask_id_number(SAMPLE_ID))
        self.id_value.setProperty("role", "heading")
        row.addWidget(self.id_caption)
        row.addStretch(1)
        row.addWidget(self.id_value)

        self.start = QPushButton(self.tr("Tap your ID card or choose a service"))
        self.start.setProperty("role", "hero")
        self.elder_switch = QPushButton()
        self.elder_switch.clicked.connect(theme.toggle_elder)
        self.help = QPushButton(self.tr("Ask for help"))
        self.notice = QLabel(self.tr("Offline: your number is still valid"))
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.elder_switch)
        buttons.addStretch(1)
        buttons.addWidget(self.help)

        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(card)
        layout.addStretch(1)
        layout.addWidget(self.start)
        layout.addStretch(1)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        theme.mode_changed.connect(self._mode_changed)
        self._mode_changed(theme.mode)

    def _mode_changed(self, mode: str) -> None:
        gap = self.theme.current.size("gap")  # layouts are not styled by QSS: spacing here
        self._layout.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        self._layout.setSpacing(gap)
        self.elder_switch.setText(self.tr("Standard text") if mode == "elder"
                                  else self.tr("Larger text"))
