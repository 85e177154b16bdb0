"""Keyboard first: F1–F7 for the queue actions, and the same as keys 1–7 of a USB numeric keypad
(a clerk's 叫号器 is one: it types keypad digits).

An application-wide event filter, installed after the keyboard-wedge scanner's so it sees keys
first: a keypad digit carries Qt's KeypadModifier, which a scanner's burst or a person's typing
on the main keys does not, so the wedge filter never holds it back. A keypad digit typed into a
text field (an EMS tracking number, a password) stays a digit there; F-keys act everywhere on
the desk's work page. Nothing acts while a dialog is open or the desk is locked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

ACTIONS = ("call", "recall", "no_show", "transfer", "park", "done", "start")
F_KEYS = {Qt.Key.Key_F1: "call", Qt.Key.Key_F2: "recall", Qt.Key.Key_F3: "no_show",
          Qt.Key.Key_F4: "transfer", Qt.Key.Key_F5: "park", Qt.Key.Key_F6: "done",
          Qt.Key.Key_F7: "start"}
KEYPAD = {Qt.Key.Key_1: "call", Qt.Key.Key_2: "recall", Qt.Key.Key_3: "no_show",
          Qt.Key.Key_4: "transfer", Qt.Key.Key_5: "park", Qt.Key.Key_6: "done",
          Qt.Key.Key_7: "start"}
_HINTS = {code: f"F{i}" for i, code in enumerate(ACTIONS, 1)}
_TEXT_INPUT = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


def key_hint(action: str) -> str:
    return _HINTS[action]


class DeskKeys(QObject):
    """Calls `trigger(action)` for a desk key when `active()` says the work page has the floor."""

    def __init__(self, trigger: Callable[[str], None], active: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._trigger = trigger
        self._active = active

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or QApplication.activeModalWidget() is not None:
            return False
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat():
            return event.key() in F_KEYS  # a held key calls once, not a dozen tickets
        action = self.action_of(event)
        if action is None or not self._active():
            return False
        self._trigger(action)
        return True

    @staticmethod
    def action_of(event: QKeyEvent) -> str | None:
        key = Qt.Key(event.key())
        mods = event.modifiers()
        if key in F_KEYS and not mods & (Qt.KeyboardModifier.ControlModifier
                                         | Qt.KeyboardModifier.AltModifier):
            return F_KEYS[key]
        if mods & Qt.KeyboardModifier.KeypadModifier and key in KEYPAD:
            focus = QApplication.focusWidget()
            if isinstance(focus, _TEXT_INPUT) or (isinstance(focus, QComboBox)
                                                 and focus.isEditable()):
                return None
            return KEYPAD[key]
        return None
