"""Keyboard first: F1–F8 for the queue actions (F8 请评价: the window's rating pad shows the
grades for the ticket being served), and the same as keys 1–8 of a USB numeric keypad
(a clerk's 叫号器 is one: it types keypad digits); F9 受理并打印回执, F10 一次性告知 and F11 不予受理
for the acceptance panel, as its buttons say.

Qt shortcuts of the desk's window (QShortcut, window context), not an event filter: Qt matches
a key against them in C++ before the key is delivered, so the GUI thread runs no Python for the
thousands of other events a screen gets (an application-wide Python filter did, each call a
turn at the GIL: bench/desk.py). A keypad digit carries Qt's KeypadModifier, which a scanner's
burst or a person's typing on the main keys does not: those never match, and the wedge filter
never holds a keypad key back. A keypad digit typed into a text field (an EMS tracking number,
a password) stays a digit there: the field claims it (ShortcutOverride) before any shortcut.
F-keys act everywhere on the desk's window while it is the active window: nothing acts while a
dialog is open (the dialog is active then; the desk takes the focus back when it closes),
while the desk is locked, or while a key is held down (no auto-repeat).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

ACTIONS = ("call", "recall", "no_show", "transfer", "park", "done", "start", "ask")
# The acceptance panel's three buttons say F9 / F10 / F11: the same keys act on them.
FORM_ACTIONS = {Qt.Key.Key_F9: "accept", Qt.Key.Key_F10: "notice", Qt.Key.Key_F11: "refuse"}
F_KEYS = {Qt.Key.Key_F1: "call", Qt.Key.Key_F2: "recall", Qt.Key.Key_F3: "no_show",
          Qt.Key.Key_F4: "transfer", Qt.Key.Key_F5: "park", Qt.Key.Key_F6: "done",
          Qt.Key.Key_F7: "start", Qt.Key.Key_F8: "ask", **FORM_ACTIONS}
KEYPAD = {Qt.Key.Key_1: "call", Qt.Key.Key_2: "recall", Qt.Key.Key_3: "no_show",
          Qt.Key.Key_4: "transfer", Qt.Key.Key_5: "park", Qt.Key.Key_6: "done",
          Qt.Key.Key_7: "start", Qt.Key.Key_8: "ask"}
_HINTS = {code: f"F{i}" for i, code in enumerate(ACTIONS, 1)}


def key_hint(action: str) -> str:
    return _HINTS[action]


class DeskKeys(QObject):
    """Calls `trigger(action)` for a desk key when `active()` says the work page has the floor."""

    def __init__(self, trigger: Callable[[str], None], active: Callable[[], bool],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._trigger = trigger
        self._active = active
        self.shortcuts: list[QShortcut] = []
        bindings = [(QKeySequence(key), action) for key, action in F_KEYS.items()]
        bindings += [(QKeySequence(QKeyCombination(Qt.KeyboardModifier.KeypadModifier, key)),
                      action) for key, action in KEYPAD.items()]
        for sequence, action in bindings:
            shortcut = QShortcut(sequence, parent)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setAutoRepeat(False)  # a held key calls once, not a dozen tickets
            shortcut.setEnabled(False)
            shortcut.activated.connect(lambda a=action: self._fire(a))
            self.shortcuts.append(shortcut)

    def _fire(self, action: str) -> None:
        if self._active():
            self._trigger(action)

    def install(self) -> None:
        for shortcut in self.shortcuts:
            shortcut.setEnabled(True)

    def remove(self) -> None:
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
