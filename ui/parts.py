"""Small builders the desk's and the call screen's pages share: a label or a button with its
theme role, a card frame, and two labels that adapt to their room (one line that elides instead
of widening the window; a number whose font fills the width it gets)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import Theme


def label(text: str = "", role: str | None = None, *, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, role: str | None = None) -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return widget


def card_layout(frame: QFrame, *, spacing: int | None = None) -> QVBoxLayout:
    """Make `frame` a card of the theme, with the theme's margins; its column layout (spaced
    half a gap unless told)."""
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    gap = Theme.instance().current.size("gap")
    layout.setContentsMargins(gap, gap, gap, gap)
    layout.setSpacing(gap // 2 if spacing is None else spacing)
    return layout


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    return frame, card_layout(frame)


def restyle(widget: QWidget, role: str) -> None:
    """A new role on a shown widget: the stylesheet is applied again for it (only when the
    role changes: a polish is a style computation the GUI thread need not repeat)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ElidedLabel(QLabel):
    """One line of text that never widens its window and never breaks: short of room it ends
    in "…" (the whole text stays the tooltip). Its minimum width is a few characters."""

    def __init__(self, text: str = "", role: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if role:
            self.setProperty("role", role)
        self.setWordWrap(False)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("……")
                         + self.contentsMargins().left() + self.contentsMargins().right()),
                     hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        room = self.contentsRect()
        if self.fontMetrics().horizontalAdvance(self.text()) <= room.width():
            super().paintEvent(event)
            return
        QFrame.paintEvent(self, event)  # the role's background and border
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                              room.width())
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(),
                                  self.isEnabled(), shown, self.foregroundRole())
        painter.end()


class FitLabel(QLabel):
    """A label whose font is as large as `max_px` allows while its text still fits its width
    (a call screen's number: "A001" and "A-K3-001" both fill the card, neither widens it)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.max_px = 96
        self.setMinimumWidth(1)  # the width is the layout's to give; the font follows it

    def fit(self, max_px: int | None = None) -> None:
        if max_px is not None:
            self.max_px = max(max_px, 8)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(self.max_px)
        wide = QFontMetrics(font).horizontalAdvance(self.text() or " ")
        room = max(self.contentsRect().width() - 8, 1)
        if wide > room:
            font.setPixelSize(max(int(self.max_px * room / wide), 8))
        if font != self.font():
            self.setFont(font)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.fit()

    def minimumSizeHint(self) -> QSize:
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()
