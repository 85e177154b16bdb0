"""Sign-in (the core's accounts: clerk, supervisor, admin) with the window the clerk serves, and
the lock screen that asks the same clerk's password again after the desk sat idle."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ui.parts import button, label, restyle
from ui.theme import Theme


class _Centered(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        gap = Theme.instance().current.size("gap")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.box = QFrame()
        self.box.setProperty("role", "card")
        self.box.setMinimumWidth(720)
        self.form = QVBoxLayout(self.box)
        self.form.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        self.form.setSpacing(gap)
        row.addWidget(self.box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.error = label("", "error", wrap=True)
        self.error.hide()

    def show_error(self, text: str) -> None:
        restyle(self.error, "error")
        self.error.setText(text)
        self.error.setVisible(bool(text))


class SignInPage(_Centered):
    sign_in = Signal(str, str, str)  # user, password, window

    def __init__(self, hall_name: str = "", window: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall_name = label(hall_name, "muted")
        self.form.addWidget(self.hall_name)
        self.form.addWidget(label(self.tr("Sign in to the window"), "title"))
        fields = QFormLayout()
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.window_input = QLineEdit(window)
        self.window_input.setMaxLength(16)
        fields.addRow(label(self.tr("User")), self.user)
        fields.addRow(label(self.tr("Password")), self.password)
        fields.addRow(label(self.tr("Window")), self.window_input)
        self.form.addLayout(fields)
        self.form.addWidget(self.error)
        self.submit = button(self.tr("Sign in"), "primary")
        self.form.addWidget(self.submit)
        self.submit.clicked.connect(self._submit)
        for field in (self.user, self.password, self.window_input):
            field.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        if not self.user.text().strip():
            self.user.setFocus()
            return
        if not self.window_input.text().strip():
            self.window_input.setFocus()
            return
        self.sign_in.emit(self.user.text().strip(), self.password.text(),
                          self.window_input.text().strip())

    def reset(self) -> None:
        self.password.clear()
        self.show_error("")
        (self.password if self.user.text() else self.user).setFocus()


class LockPage(_Centered):
    unlock = Signal(str)  # password
    switch_user = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form.addWidget(label(self.tr("The desk is locked"), "title"))
        self.who = label("", wrap=True)
        self.form.addWidget(self.who)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.form.addWidget(self.password)
        self.form.addWidget(self.error)
        row = QHBoxLayout()
        self.other = button(self.tr("Sign in as someone else"))
        self.submit = button(self.tr("Unlock"), "primary")
        row.addWidget(self.other)
        row.addStretch(1)
        row.addWidget(self.submit)
        self.form.addLayout(row)
        self.submit.clicked.connect(lambda: self.unlock.emit(self.password.text()))
        self.password.returnPressed.connect(lambda: self.unlock.emit(self.password.text()))
        self.other.clicked.connect(self.switch_user.emit)

    def lock_for(self, user: str, window: str) -> None:
        self.who.setText(self.tr("{user} at window {window}: enter your password to go on.")
                         .format(user=user, window=window))
        self.password.clear()
        self.show_error("")
        self.password.setFocus()
