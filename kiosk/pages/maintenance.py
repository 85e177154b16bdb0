"""维护: reached by a hidden gesture (five taps on the hall's name) and the technician PIN
(hall.accounts.check_pin; wrong PINs are locked out by the core), or a hall account of an admin
(its user name and password, typed on a keyboard the technician brings: the hall's accounts
sign in at every terminal). Device check, test print, sync status, the paper counter, restart."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kiosk.widgets import Page, button, entry, label
from ui.parts import restyle
from ui.theme import Theme


class _PadScroll(QScrollArea):
    """A vertical scroll around the PIN pad that is never narrower than the pad and its
    scroll bar (a squeezed one would hide the pad's third column under the bar). Its hints
    follow the pad's: when the pad's layout changes (its keys polished in elder sizes on first
    show) the page's layout is told, else it keeps the width it cached before."""

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        hint = super().minimumSizeHint()
        if inner is None:
            return hint
        bar = self.verticalScrollBar()
        extent = bar.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, bar)
        wide = max(inner.sizeHint().width(), inner.minimumSizeHint().width())
        return QSize(wide + extent, hint.height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.minimumSizeHint().width()), hint.height())


class MaintenancePage(Page):
    pin_entered = Signal(str)
    account_entered = Signal(str, str)  # user, password: a hall account instead of the PIN
    check = Signal()
    test_print = Signal()
    paper_changed = Signal()
    restart = Signal()
    leave = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Maintenance"), "title")
        # the PIN pad
        self.pin_box = QWidget()
        pin = QVBoxLayout(self.pin_box)
        pin.setContentsMargins(0, 0, 0, 0)
        self.pin_field = entry(self.tr("Technician PIN"))
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        pad = QGridLayout()
        self.pad = pad
        self.digit_buttons = {}
        for n, digit in enumerate("123456789"):
            b = button(digit)
            b.clicked.connect(lambda _=False, d=digit: self.pin_field.setText(
                self.pin_field.text() + d))
            self.digit_buttons[digit] = b
            pad.addWidget(b, n // 3, n % 3)
        zero = button("0")
        zero.clicked.connect(lambda: self.pin_field.setText(self.pin_field.text() + "0"))
        self.digit_buttons["0"] = zero
        delete = button(self.tr("Delete"))
        delete.clicked.connect(lambda: self.pin_field.setText(self.pin_field.text()[:-1]))
        self.ok = button(self.tr("OK"), "primary")
        self.ok.clicked.connect(self._pin)
        pad.addWidget(delete, 3, 0)
        pad.addWidget(zero, 3, 1)
        pad.addWidget(self.ok, 3, 2)
        # a wrong PIN is said here, in a slot that is always there: the pad never moves
        # under the technician's finger (a banner above it pushed it down ~60 px)
        self.pin_error = label("")
        self.pin_error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._locked_until = 0.0
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(1000)
        self._lock_timer.timeout.connect(self._lock_tick)
        # the pad, or in its place a hall account's form (an admin's: the same accounts as at
        # every desk of the hall), swapped by a button beside them: the pad keeps its size
        self.pad_box = QWidget()
        pad_layout = QVBoxLayout(self.pad_box)
        pad_layout.setContentsMargins(0, 0, 0, 0)
        pad_layout.addWidget(self.pin_field)
        pad_layout.addLayout(pad)
        self.account_box = QWidget()
        account = QVBoxLayout(self.account_box)
        account.setContentsMargins(0, 0, 0, 0)
        self.account_title = label(self.tr("Sign in with a hall account"), "heading")
        self.user_field = entry(self.tr("User name"))
        self.password_field = entry(self.tr("Password"))
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.returnPressed.connect(self._account)
        self.account_button = button(self.tr("Sign in"), "primary")
        self.account_button.clicked.connect(self._account)
        for widget in (self.account_title, self.user_field, self.password_field,
                       self.account_button):
            account.addWidget(widget)
        account.addStretch(1)
        pin.addWidget(self.pin_error)
        pin.addWidget(self.pad_box)
        pin.addWidget(self.account_box)
        self.account_toggle = button(self.tr("Hall account"))
        self.account_toggle.clicked.connect(lambda: self.show_account_form(
            not self.account_box.isVisibleTo(self)))
        # the panel
        self.panel = QFrame()
        self.panel.setProperty("role", "card")
        box = QVBoxLayout(self.panel)
        self.devices = label("")
        self.sync = label("")
        self.paper = label("")
        self.voice = label("")
        self.settings = label("")  # the hall settings version this kiosk runs
        for heading, value in ((self.tr("Devices"), self.devices), (self.tr("Sync"), self.sync),
                               (self.tr("Hall settings"), self.settings),
                               (self.tr("Paper"), self.paper), (self.tr("Voice"), self.voice)):
            box.addWidget(label(heading, "heading"))
            box.addWidget(value)
        actions = QGridLayout()
        self.action_grid = actions
        self.check_button = button(self.tr("Check devices"))
        self.check_button.clicked.connect(self.check)
        self.print_button = button(self.tr("Test print"))
        self.print_button.clicked.connect(self.test_print)
        self.paper_button = button(self.tr("Paper roll changed"))
        self.paper_button.clicked.connect(self.paper_changed)
        self.restart_button = button(self.tr("Restart"), "danger")
        self.restart_button.clicked.connect(self.restart)
        for n, b in enumerate((self.check_button, self.print_button, self.paper_button,
                               self.restart_button)):
            actions.addWidget(b, n // 2, n % 2)
        self.leave_button = button(self.tr("Close"))
        self.leave_button.clicked.connect(self.leave)
        side = QVBoxLayout()
        side.addWidget(self.account_toggle)
        side.addLayout(actions)
        side.addStretch(1)
        side.addWidget(self.leave_button)
        self.main = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        # the pad in elder sizes is taller than a 768-pixel landscape screen leaves it: it
        # scrolls, never squeezes its keys over each other (tried on a 1366×768 kiosk)
        self.pin_scroll = _PadScroll()
        self.pin_scroll.setWidget(self.pin_box)
        self.pin_scroll.setWidgetResizable(True)
        self.pin_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.pin_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pin_scroll.viewport().setAutoFillBackground(False)  # the page's own background
        self.pin_box.setAutoFillBackground(False)
        self.main.addWidget(self.pin_scroll)
        # a technician's page: in elder sizes on a landscape screen its figures may outgrow the
        # panel, so it scrolls rather than squeezing a line
        self.panel_scroll = QScrollArea()
        self.panel_scroll.setWidget(self.panel)
        self.panel_scroll.setWidgetResizable(True)
        self.panel_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.main.addWidget(self.panel_scroll)
        self.main.addLayout(side, 1)
        self.body.addWidget(self.title)
        self.body.addLayout(self.main, 1)
        self.reset()

    def arrange(self, landscape: bool) -> None:
        self.main.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                               else QBoxLayout.Direction.TopToBottom)

    def mode_changed(self) -> None:
        gap = self.theme.current.size("gap")
        self.pad.setSpacing(gap)
        self.action_grid.setSpacing(gap)
        self._error_slot()

    def _error_slot(self) -> None:
        """Two lines of the error's font, whether or not there is an error."""
        lines = self.pin_error.fontMetrics().lineSpacing() * 2
        self.pin_error.setFixedHeight(lines + 8)

    def _say_pin(self, text: str) -> None:
        # the red of an error only around words: an empty slot is the page's own colour
        restyle(self.pin_error, "error" if text else "")
        self.pin_error.setText(text)

    def show_pin_error(self, text: str, locked_s: int = 0) -> None:
        """A wrong PIN, or the lockout with the seconds left (counted down on the pad)."""
        import time

        self._error_slot()
        self._say_pin(text)
        if locked_s > 0:
            self._locked_until = time.monotonic() + locked_s
            self._lock_tick()
            self._lock_timer.start()

    def _lock_tick(self) -> None:
        import time

        left = int(self._locked_until - time.monotonic() + 0.999)
        if left <= 0:
            self._lock_timer.stop()
            self._say_pin("")
            self.ok.setEnabled(True)
            self.account_button.setEnabled(True)
            return
        self.ok.setEnabled(False)
        self.account_button.setEnabled(False)
        self._say_pin(self.tr("Too many wrong PINs: try again in {s} seconds.").format(s=left))

    def _pin(self) -> None:
        pin = self.pin_field.text()
        self.pin_field.clear()
        if pin:
            self.pin_entered.emit(pin)

    def _account(self) -> None:
        user, password = self.user_field.text().strip(), self.password_field.text()
        self.password_field.clear()
        if user and password:
            self.account_entered.emit(user, password)

    def show_account_form(self, shown: bool) -> None:
        """A hall account's form in the pad's place (True), or the pad again."""
        self.account_box.setVisible(shown)
        self.pad_box.setVisible(not shown)
        self.account_toggle.setText(self.tr("Technician PIN") if shown
                                    else self.tr("Hall account"))

    def open_panel(self) -> None:
        self.pin_box.hide()
        self.pin_scroll.hide()
        self.account_toggle.hide()
        self.panel_scroll.show()
        for b in (self.check_button, self.print_button, self.paper_button, self.restart_button):
            b.show()

    def reset(self) -> None:
        self.pin_field.clear()
        self.user_field.clear()
        self.password_field.clear()
        if not self._lock_timer.isActive():
            self._say_pin("")
        self.pin_box.show()
        self.pin_scroll.show()
        self.account_toggle.show()
        self.show_account_form(False)
        self.panel_scroll.hide()
        for b in (self.check_button, self.print_button, self.paper_button, self.restart_button):
            b.hide()
