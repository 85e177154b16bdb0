"""The rating pad's pages, painted from plain values (rater/window.py feeds them): the clerk's
card (window, name and staff number, photo, the ticket being served), the five grades with the
one-tap 一键评价, the 差评 reasons, and the thanks. Nothing of the citizen is shown but the
number on their ticket. Sizes come from the theme (elder mode grows everything at once)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.parts import button, card, label, restyle
from ui.theme import Theme

THANKS_MS = 4000  # the thanks stay this long, then the clerk's card again
ASK_MS = 90_000  # a visit not rated within this goes back to the clerk's card

# The 差评 reasons the hall records (hall/ratings.py BAD_REASONS), as the pad shows them.
REASONS = ("等候时间长", "工作人员态度", "材料要求不清楚", "多次跑动", "系统或设备故障", "其他")


def _fill(grid: QGridLayout) -> None:
    """Equal columns, and buttons that grow with the screen (bigger targets on 1280×800)."""
    for column in range(grid.columnCount()):
        grid.setColumnStretch(column, 1)
    for i in range(grid.count()):
        item = grid.itemAt(i)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)


class RatingPad(QStackedWidget):
    """The four pages; `rated(grade, reasons)` when the citizen has chosen."""

    rated = Signal(int, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.setWindowTitle(self.tr("Rating pad"))
        self._grade_names = {5: self.tr("Very satisfied"), 4: self.tr("Satisfied"),
                             3: self.tr("Basically satisfied"), 2: self.tr("Dissatisfied"),
                             1: self.tr("Very dissatisfied")}
        # short: three to a row on 800×480 in elder mode
        self._reason_names = {"等候时间长": self.tr("Long wait"),
                              "工作人员态度": self.tr("Attitude"),
                              "材料要求不清楚": self.tr("Unclear list"),
                              "多次跑动": self.tr("Several trips"),
                              "系统或设备故障": self.tr("System fault"),
                              "其他": self.tr("Other")}
        self.clerk_page = self._clerk_page()
        self.grade_page = self._grade_page()
        self.reason_page = self._reason_page()
        self.thanks_page = self._thanks_page()
        for page in (self.clerk_page, self.grade_page, self.reason_page, self.thanks_page):
            self.addWidget(page)
        self._back = QTimer(self)
        self._back.setSingleShot(True)
        self._back.timeout.connect(self.back_to_card)
        self._card: dict[str, str | None] = {}  # what the clerk's card last showed
        self.asking: str | None = None  # the ticket number being rated

    # -- pages --------------------------------------------------------------------------------
    def _column(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        page.setProperty("role", "page")
        layout = QVBoxLayout(page)
        gap = Theme.instance().current.size("gap")
        layout.setContentsMargins(gap // 2, gap // 2, gap // 2, gap // 2)  # a small screen
        layout.setSpacing(gap // 2)
        return page, layout

    def _clerk_page(self) -> QWidget:
        page, layout = self._column()
        self.window_label = label("", "title")
        self.window_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.window_label)
        frame, inner = card()
        row = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setVisible(False)
        row.addWidget(self.photo)
        who = QVBoxLayout()
        self.clerk_name = label("", "title")
        self.clerk_number = label("", "heading")
        for widget in (self.clerk_name, self.clerk_number):
            who.addWidget(widget)
        row.addLayout(who, 1)
        inner.addLayout(row)
        layout.addWidget(frame, 1)
        self.serving = label("", "heading")
        self.serving.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.serving)
        self.hint = label(self.tr("When your matter is done, please rate our service here"),
                          "muted", wrap=True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.hint)
        return page

    def _grade_page(self) -> QWidget:
        page, layout = self._column()
        top = QHBoxLayout()
        self.grade_title = label(self.tr("Please rate our service"), "title")
        self.grade_ticket = label("", "heading")
        top.addWidget(self.grade_title, 1)
        top.addWidget(self.grade_ticket)
        layout.addLayout(top)
        # "primary", not "hero": a hero's height leaves no room for the grades at 800×480 elder
        self.one_tap = button(self.tr("One tap: very satisfied"), "primary")
        self.one_tap.clicked.connect(lambda: self._grade(5))
        layout.addWidget(self.one_tap)
        grid = QGridLayout()
        gap = Theme.instance().current.size("gap")
        grid.setSpacing(gap // 2)
        self.grade_buttons: dict[int, QPushButton] = {}
        for i, grade in enumerate((5, 4, 3, 2, 1)):
            b = button(self._grade_names[grade], "primary" if grade > 2 else "danger")
            b.clicked.connect(self._grader(grade))
            self.grade_buttons[grade] = b
            grid.addWidget(b, i // 3, i % 3)
        _fill(grid)
        layout.addLayout(grid, 1)
        return page

    def _reason_page(self) -> QWidget:
        page, layout = self._column()
        layout.addWidget(label(self.tr("What went wrong? (choose any)"), "title"))
        grid = QGridLayout()
        gap = Theme.instance().current.size("gap")
        grid.setSpacing(gap // 2)
        self.reason_buttons: dict[str, QPushButton] = {}
        for i, reason in enumerate(REASONS):
            b = button(self._reason_names[reason], "choice")
            b.setCheckable(True)
            # chosen: filled like a primary button (the theme has no checked style of its own)
            b.toggled.connect(self._marker(b))
            self.reason_buttons[reason] = b
            grid.addWidget(b, i // 3, i % 3)
        _fill(grid)
        layout.addLayout(grid, 1)
        self.send = button(self.tr("Submit"), "primary")
        self.send.clicked.connect(self._send_reasons)
        layout.addWidget(self.send)
        self._bad_grade = 1
        return page

    def _thanks_page(self) -> QWidget:
        page, layout = self._column()
        layout.addStretch(1)
        self.thanks = label(self.tr("Thank you for your rating"), "title", wrap=True)
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thanks)
        self.thanks_note = label(self.tr("Your rating helps us serve you better"), "muted",
                                 wrap=True)
        self.thanks_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thanks_note)
        layout.addStretch(1)
        return page

    # -- what it shows ------------------------------------------------------------------------
    def show_window(self, window: str) -> None:
        self.window_label.setText(self.tr("Window %1").replace("%1", window))

    def show_clerk(self, clerk: str | None = None, serving: str | None = None,
                   photo: str | None = None, *, name: str | None = None,
                   staff_no: str | None = None, keep: bool = False) -> None:
        """The clerk's card; `keep`: update it without leaving the page shown."""
        self._card = {"clerk": clerk, "serving": serving, "photo": photo, "name": name,
                      "staff_no": staff_no}
        self._set_clerk(clerk, photo, name, staff_no, serving=bool(serving))
        self.hint.setVisible(bool(clerk or serving))
        self.serving.setText(self.tr("Now serving %1").replace("%1", serving) if serving else "")
        if not keep:
            self.asking = None
            self._back.stop()
            self.setCurrentWidget(self.clerk_page)

    def back_to_card(self) -> None:
        """After the thanks (or a rating not given): the clerk's card as last known."""
        c = self._card
        self.show_clerk(c.get("clerk"), c.get("serving"), c.get("photo"), name=c.get("name"),
                        staff_no=c.get("staff_no"))

    def _set_clerk(self, clerk: str | None, photo: str | None, name: str | None = None,
                   staff_no: str | None = None, *, serving: bool = False) -> None:
        if clerk:
            self.clerk_name.setText(name or "")
            self.clerk_name.setVisible(bool(name))
            self.clerk_number.setText(self.tr("Staff No. %1").replace("%1", staff_no or clerk))
        else:
            # served by no account the pad knows (the local operator): no card, not "closed"
            self.clerk_name.setText("" if serving else self.tr("This window is closed"))
            self.clerk_name.setVisible(not serving)
            self.clerk_number.setText("")
        pixmap = QPixmap(photo) if photo else QPixmap()
        if not pixmap.isNull():
            side = Theme.instance().current.size("target") * 2
            self.photo.setPixmap(pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        self.photo.setVisible(not pixmap.isNull())

    def ask(self, number: str) -> None:
        """The five grades for the visit of ticket `number`."""
        self.asking = number
        self.grade_ticket.setText(self.tr("Ticket %1").replace("%1", number))
        for b in self.reason_buttons.values():
            b.setChecked(False)
        self.setCurrentWidget(self.grade_page)
        self._back.start(ASK_MS)

    def show_thanks(self) -> None:
        self.asking = None
        self.setCurrentWidget(self.thanks_page)
        self._back.start(THANKS_MS)

    # -- the citizen's taps -------------------------------------------------------------------
    @staticmethod
    def _marker(b: QPushButton) -> Callable[[bool], None]:
        return lambda on: restyle(b, "primary" if on else "choice")

    def _grader(self, grade: int) -> Callable[[], None]:
        return lambda: self._grade(grade)

    def _grade(self, grade: int) -> None:
        if grade <= 2:
            self._bad_grade = grade
            self.setCurrentWidget(self.reason_page)
            self._back.start(ASK_MS)
            return
        self.rated.emit(grade, [])

    def _send_reasons(self) -> None:
        chosen = [r for r, b in self.reason_buttons.items() if b.isChecked()]
        self.rated.emit(self._bad_grade, chosen)
