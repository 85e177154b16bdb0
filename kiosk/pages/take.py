"""取号: choose a service or 一件事 (tiles, search by pinyin initials or words), confirm with the
waiting count and expected wait, and the ticket (number, window group, QR, print status)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.widgets import Keyboard, Page, QrView, Tile, button, entry, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.cards import CardRead
    from hall.catalog import Service
    from hall.slips import TicketSlip
    from hall.ticket_views import TicketView
    from hall.views import Waiting, WaitingBoard


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60)) if seconds > 0 else 0


def scroller(theme: Theme) -> tuple[QScrollArea, QWidget]:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    inner = QWidget()
    inner.setProperty("role", "page")
    inner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    area.setWidget(inner)
    return area, inner


class ServicesPage(Page):
    """Tiles of services and bundles with how many wait; a search field fed by the on-screen
    keyboard (pinyin initials: xse → 新生儿…) or a real keyboard (words)."""

    chosen = Signal(str)  # service id
    query_changed = Signal(str)
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Choose what you want to do"), "title")
        self.who = label("", "heading")
        self.search = entry(self.tr("Search: pinyin initials or words"))
        self.search.setClearButtonEnabled(False)
        self.keys_button = button(self.tr("Search"), "primary")
        self.keys_button.setCheckable(True)
        self.keys_button.toggled.connect(self._toggle_keyboard)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.keys_button)
        self.area, inner = scroller(theme)
        self.grid = QGridLayout(inner)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.empty = label(self.tr("Nothing found. Try other letters or words."), "notice")
        self.empty.hide()
        self.keyboard = Keyboard(theme, digits=False, dash=False)
        self.keyboard.hide()
        self.keyboard.typed.connect(lambda c: self.search.setText(self.search.text() + c.lower()))
        self.keyboard.backspace.connect(lambda: self.search.setText(self.search.text()[:-1]))
        self.keyboard.cleared.connect(self.search.clear)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(lambda: self.query_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.title)
        self.body.addWidget(self.who)
        self.body.addLayout(search_row)
        self.body.addWidget(self.empty)
        self.body.addWidget(self.area, 1)
        self.body.addWidget(self.keyboard)
        self.body.addWidget(self.back_button)
        self.tiles: dict[str, Tile] = {}  # the tiles shown, in order
        self._made: dict[str, Tile] = {}
        self._rows = 0
        self._services: tuple[Service, ...] = ()
        self._board: WaitingBoard | None = None
        self._columns = 2

    def mode_changed(self) -> None:
        self.grid.setSpacing(self.theme.current.size("gap"))

    def _toggle_keyboard(self, on: bool) -> None:
        self.keyboard.setVisible(on)
        self.title.setVisible(not on)  # room for the keys; the search row says what this is

    def set_who(self, read: CardRead | None, no_id: bool) -> None:
        if read is not None:
            self.who.setText(self.tr("Hello, {name} ({id})").format(name=read.masked_name,
                                                                   id=read.masked_id))
        elif no_id:
            self.who.setText(self.tr("Without ID: consultation and picking up results"))
        else:
            self.who.setText("")
        self.who.setVisible(bool(self.who.text()))

    def set_services(self, services: Sequence[Service], board: WaitingBoard | None) -> None:
        """Show these services' tiles in this order. A tile is made once per service and
        kept: making twenty tiles again at every search would stall the screen."""
        self._services = tuple(services)
        self._board = board
        for shown in self.tiles.values():
            self.grid.removeWidget(shown)
            shown.hide()
        for n, service in enumerate(self._services):
            tile = self._made.get(service.id)
            if tile is None:
                tile = Tile(service.name)
                tile.setObjectName(f"tile-{service.id}")
                tile.clicked.connect(lambda _=False, sid=service.id: self.chosen.emit(sid))
                self._made[service.id] = tile
            tile.set_detail(self._detail(service))
            self.grid.addWidget(tile, n // self._columns, n % self._columns)
            tile.show()
        self.tiles = {s.id: self._made[s.id] for s in self._services}
        rows = math.ceil(len(self._services) / self._columns)
        for row in range(max(rows, self._rows) + 1):
            self.grid.setRowStretch(row, 1 if row == rows else 0)
        self._rows = rows
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < self._columns else 0)
        self.empty.setVisible(not self._services)

    def set_board(self, board: WaitingBoard | None) -> None:
        self._board = board
        for service in self._services:
            tile = self.tiles.get(service.id)
            if tile is not None:
                tile.set_detail(self._detail(service))

    def _detail(self, service: Service) -> str:
        waiting = self._board.service(service.id) if self._board else None
        if waiting is None:
            return ""
        if waiting.count == 0:
            return self.tr("No one waiting")
        return self.tr("{count} waiting, about {minutes} min").format(
            count=waiting.count, minutes=minutes(waiting.expected_wait_s))

    def resizeEvent(self, event: object) -> None:
        columns = 3 if self.width() >= 1500 else 2
        if columns != self._columns:
            self._columns = columns
            self.set_services(self._services, self._board)
        super().resizeEvent(event)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.keys_button.setChecked(False)
        self.who.setText("")
        self.area.verticalScrollBar().setValue(0)


class ConfirmPage(Page):
    confirm = Signal()
    back = Signal()
    book = Signal()  # 预约 a later time instead

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Please confirm"), "title")
        card = QFrame()
        card.setProperty("role", "card")
        self.rows = QGridLayout(card)
        self.service = label("", "heading")
        self.group = label("")
        self.ahead = label("", "heading")
        self.wait = label("")
        self.who = label("")
        self.priority = label("")
        captions = [self.tr("Service"), self.tr("Window"), self.tr("Waiting ahead"),
                    self.tr("Expected wait"), self.tr("Taken by"), self.tr("Priority")]
        self._captions = []
        for n, (caption, value) in enumerate(zip(captions, (self.service, self.group, self.ahead,
                                                           self.wait, self.who, self.priority),
                                                 strict=True)):
            cap = label(caption, "muted", wrap=False)
            self._captions.append(cap)
            self.rows.addWidget(cap, n, 0, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(value, n, 1)
        self.rows.setColumnStretch(1, 1)
        self.paper = label(self.tr("The printer is out of paper. You can still take a number: "
                                   "it is shown on the screen with a QR code to photograph."),
                           "notice")
        self.paper.hide()
        self.ok = button(self.tr("Take the number"), "hero")
        self.ok.clicked.connect(self.confirm)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.book_later = button(self.tr("Book a later time instead"))
        self.book_later.clicked.connect(self.book)
        self.book_later.hide()
        side = QVBoxLayout()
        side.addWidget(self.paper)
        side.addStretch(1)
        side.addWidget(self.ok)
        side.addWidget(self.book_later)
        side.addWidget(self.back_button)
        self.main = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.main.addWidget(card)
        self.main.addLayout(side, 1)
        self.body.addWidget(self.title)
        self.body.addLayout(self.main, 1)

    def arrange(self, landscape: bool) -> None:
        """Landscape: the choice on the left, the buttons on the right."""
        self.main.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                               else QBoxLayout.Direction.TopToBottom)
        self.main.setStretch(0, 3 if landscape else 0)
        self.main.setStretch(1, 2 if landscape else 1)

    def mode_changed(self) -> None:
        gap = self.theme.current.size("gap")
        self.rows.setHorizontalSpacing(gap * 2)
        self.rows.setVerticalSpacing(gap)

    def show_choice(self, service: Service, group: str, waiting: Waiting | None,
                    read: CardRead | None, priority: str | None, paper_out: bool) -> None:
        self.service.setText(service.name)
        self.group.setText(group)
        count = waiting.count if waiting else 0
        self.ahead.setText(self.tr("{count} people").format(count=count))
        wait_s = waiting.expected_wait_s if waiting else 0
        self.wait.setText(self.tr("about {minutes} minutes").format(minutes=minutes(wait_s))
                          if wait_s else self.tr("You are next"))
        self.who.setText(f"{read.masked_name} {read.masked_id}" if read
                         else self.tr("Without ID"))
        self.priority.setText(priority or self.tr("Regular"))
        self.paper.setVisible(paper_out)

    def reset(self) -> None:
        for value in (self.service, self.group, self.ahead, self.wait, self.who, self.priority):
            value.setText("")


class TicketPage(Page):
    done = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Your number"), "title", center=True)
        self.number = label("", "display", center=True, wrap=False)
        self.service = label("", "heading", center=True)
        self.group = label("", center=True)
        self.ahead = label("", "heading", center=True)
        self.time = label("", "muted", center=True)
        self.qr = QrView()
        self.qr.setMaximumSize(640, 640)
        self.qr_caption = label(self.tr("Scan to follow the queue on your phone"), "muted",
                                center=True)
        # one label per look: a role changed on a shown label keeps its old size (padding)
        self.printed_note = label("", "status-ok", center=True)
        self.status = label("", "notice", center=True)
        self.printed_note.hide()
        self.status.hide()
        self.ok = button(self.tr("Done"), "primary")
        self.ok.clicked.connect(self.done)
        info = QVBoxLayout()
        for w in (self.title, self.number, self.service, self.group, self.ahead, self.time):
            info.addWidget(w)
        info.addStretch(1)
        qr_box = QVBoxLayout()
        qr_box.addWidget(self.qr, 1, Qt.AlignmentFlag.AlignHCenter)
        qr_box.addWidget(self.qr_caption)
        qr_box.addWidget(self.printed_note)
        qr_box.addWidget(self.status)
        qr_box.addWidget(self.ok)
        self.main = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.main.addLayout(info, 1)
        self.main.addLayout(qr_box, 1)
        self.body.addLayout(self.main, 1)

    def arrange(self, landscape: bool) -> None:
        """Landscape: the number on the left, its QR on the right."""
        self.main.setDirection(QBoxLayout.Direction.LeftToRight if landscape
                               else QBoxLayout.Direction.TopToBottom)

    def show_ticket(self, ticket: TicketView, slip: TicketSlip,
                    qr: Sequence[Sequence[bool]]) -> None:
        self.number.setText(slip.number)
        self.service.setText(slip.service_name if not slip.priority_name else
                             self.tr("{service}\n{priority} first").format(
                                 service=slip.service_name, priority=slip.priority_name))
        self.group.setText(self.tr("Please wait for the call to a window of: {group}")
                           .format(group=slip.group_name) if slip.group_name else "")
        self.ahead.setText(self.tr("{count} people ahead of you").format(count=slip.ahead))
        self.time.setText(self.tr("Taken at {time}").format(time=slip.issued_at))
        self.qr.set_matrix(qr)

    def set_status(self, text: str, ok: bool = False) -> None:
        """What became of the print: done (green), or why not (a notice)."""
        shown, other = (self.printed_note, self.status) if ok else (self.status,
                                                                   self.printed_note)
        shown.setText(text)
        shown.setVisible(bool(text))
        other.setText("")
        other.hide()

    def status_text(self) -> str:
        return self.printed_note.text() or self.status.text()

    def reset(self) -> None:
        for value in (self.number, self.service, self.group, self.ahead, self.time):
            value.setText("")
        self.qr.set_matrix(())
        self.set_status("")
