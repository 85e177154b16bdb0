"""The kiosk's building blocks, made only of the shell's roles: a page, labels that wrap, the
on-screen keyboard (a kiosk has no keyboard), a QR code drawn from its module matrix, and a label
that counts taps (the hidden maintenance gesture)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import Theme


def label(text: str = "", role: str | None = None, *, wrap: bool = True,
          center: bool = False) -> QLabel:
    """A label that wraps (a long sentence in elder mode must not be cut off)."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def entry(placeholder: str = "") -> QLineEdit:
    """A text field that takes focus only when touched (no caret blinking on arrival)."""
    widget = QLineEdit()
    widget.setPlaceholderText(placeholder)
    widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return widget


def button(text: str = "", role: str | None = None) -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus ring on tap
    return widget


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


class Page(QWidget):
    """A kiosk screen: the theme's page background, spacing from the theme's tokens."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.body = QVBoxLayout(self)
        self._spaced = False
        theme.mode_changed.connect(self._spacing)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._spaced:  # the subclass is built by now: space its layouts too
            self._spaced = True
            self._spacing()
        super().showEvent(event)

    def _spacing(self, *_: object) -> None:
        gap = self.theme.current.size("gap")
        self.body.setContentsMargins(0, gap, 0, gap)  # the window keeps the side margins
        self.body.setSpacing(gap)
        self.mode_changed()

    def mode_changed(self) -> None:
        """Pages with inner layouts space them here."""

    @property
    def landscape(self) -> bool:
        return self.width() > self.height() * 1.2

    def resizeEvent(self, event: QResizeEvent) -> None:
        landscape = self.landscape
        if landscape != getattr(self, "_landscape", None):
            self._landscape = landscape
            self.arrange(landscape)
        super().resizeEvent(event)

    def arrange(self, landscape: bool) -> None:
        """Pages laid out differently on a landscape screen (1920×1080) do it here."""

    def reset(self) -> None:
        """Forget what this page showed of a person (back home)."""


KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM")


class Keyboard(QWidget):
    """Letters (pinyin initials) and digits (case and ticket numbers) as big keys."""

    typed = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, theme: Theme, *, digits: bool = True, dash: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.grid = QGridLayout(self)
        self.keys: dict[str, QPushButton] = {}
        rows = [r if dash else r.replace("-", "") for r in KEY_ROWS[(0 if digits else 1):]]
        for y, row in enumerate(rows):
            for x, char in enumerate(row):
                key = button(char, "key")
                key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                key.clicked.connect(lambda _=False, c=char: self.typed.emit(c))
                self.grid.addWidget(key, y, x)
                self.keys[char] = key
        last = len(rows) - 1
        self.back = button(self.tr("Delete"), "key")
        self.back.clicked.connect(self.backspace)
        self.clear = button(self.tr("Clear"), "key")
        self.clear.clicked.connect(self.cleared)
        for key in (self.back, self.clear):
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.grid.addWidget(self.back, last, 7, 1, 2)
        self.grid.addWidget(self.clear, last, 9)
        theme.mode_changed.connect(self._spacing)
        self._spacing()

    def _spacing(self, *_: object) -> None:
        gap = max(self.theme.current.size("gap") // 3, 4)  # ten keys must fit 1080 px
        self.grid.setSpacing(gap)
        self.grid.setContentsMargins(0, 0, 0, 0)


class QrView(QWidget):
    """A QR code drawn from its module matrix (computed off the GUI thread), black on white
    with a quiet zone, as large as the widget allows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: Sequence[Sequence[bool]] = ()
        self.setMinimumSize(220, 220)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(480, 480)  # big enough for a phone camera at arm's length

    def set_matrix(self, matrix: Sequence[Sequence[bool]]) -> None:
        self.matrix = matrix
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.matrix:
            return
        painter = QPainter(self)
        n = len(self.matrix) + 8  # a quiet zone of four modules each side
        side = min(self.width(), self.height())
        module = side / n
        left = (self.width() - side) / 2
        top = (self.height() - side) / 2
        painter.fillRect(QRectF(left, top, side, side), QColor("#FFFFFF"))
        black = QColor("#000000")
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(QRectF(left + (x + 4) * module, top + (y + 4) * module,
                                            module + 0.5, module + 0.5), black)
        painter.end()


class TapLabel(QLabel):
    """A label that reports `knocked` after `taps` taps within `within` seconds: the hidden
    gesture that opens the maintenance PIN (five taps on the hall's name)."""

    knocked = Signal()

    def __init__(self, text: str = "", *, taps: int = 5, within: float = 4.0,
                 parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.taps, self.within = taps, within
        self._times: list[float] = []

    def mousePressEvent(self, event: QMouseEvent) -> None:
        now = time.monotonic()
        self._times = [t for t in self._times if now - t <= self.within] + [now]
        if len(self._times) >= self.taps:
            self._times.clear()
            self.knocked.emit()
        super().mousePressEvent(event)


def row(*widgets: QWidget, stretch_before: bool = False, stretch_after: bool = False,
        spacing: int | None = None) -> QHBoxLayout:
    layout = QHBoxLayout()
    if spacing is not None:
        layout.setSpacing(spacing)
    if stretch_before:
        layout.addStretch(1)
    for w in widgets:
        layout.addWidget(w)
    if stretch_after:
        layout.addStretch(1)
    return layout


class Tile(QPushButton):
    """A big touch tile whose title and detail wrap (a 一件事 name in elder mode is wider than a
    tile); the labels let taps through to the button."""

    def __init__(self, title: str, detail: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = label(title, "heading")
        self.detail = label(detail, "muted")
        inner = QVBoxLayout(self)
        inner.addWidget(self.title)
        inner.addWidget(self.detail)
        self.detail.setVisible(bool(detail))
        for part in (self.title, self.detail):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        sp = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)
        self.setAccessibleName(title)

    def set_detail(self, text: str) -> None:
        self.detail.setText(text)
        self.detail.setVisible(bool(text))

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else -1
