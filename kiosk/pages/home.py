"""首页 and 取号's first step (identify: card, 社保卡, code, or no identification)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout

from kiosk.widgets import Page, Tile, button, label
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.hours import Standing


class HomePage(Page):
    take = Signal()
    notice = Signal()
    progress = Signal()
    rate = Signal()
    check_in = Signal()
    no_id = Signal()
    help = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Welcome to the self-service terminal"), "title",
                           center=True)
        self.hint = label(self.tr("To take a number, tap your ID card on the reader, insert "
                                  "your social security card, or show your ID code or "
                                  "enterprise code to the scanner."), center=True)
        self.start = button(self.tr("Take a number"), "hero")
        self.start.clicked.connect(self.take)
        self.tiles = QGridLayout()
        self.notice_tile = Tile(self.tr("What to bring"),
                                self.tr("Materials and conditions, all at once"))
        self.progress_tile = Tile(self.tr("Case progress"),
                                  self.tr("By case number, receipt QR code or ID card"))
        self.rate_tile = Tile(self.tr("Rate our service"), self.tr("Tell us how it went"))
        self.check_in_tile = Tile(self.tr("Appointment check-in"),
                                  self.tr("Booked online? Check in here"))
        self.no_id_tile = Tile(self.tr("Number without ID"),
                               self.tr("Consultation and picking up results"))
        for tile, signal in ((self.notice_tile, self.notice), (self.progress_tile, self.progress),
                             (self.rate_tile, self.rate), (self.check_in_tile, self.check_in),
                             (self.no_id_tile, self.no_id)):
            tile.clicked.connect(signal)
        self.help_button = Tile(self.tr("Ask staff for help"),
                                self.tr("Seniors, people with disabilities, pregnant women"))
        self.help_button.clicked.connect(self.help)
        self.waiting = label("", "muted", center=True)
        # The hall's hours: closed (what works without a clerk stays), or closing soon.
        self.hours = label("", "heading", center=True)
        self.hours.hide()
        self.closed = False
        self.body.addWidget(self.title)
        self.body.addWidget(self.hours)
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.body.addWidget(self.start)
        self.body.addLayout(self.tiles)
        self.body.addStretch(1)
        self.body.addWidget(self.waiting)
        self.arrange(False)

    def arrange(self, landscape: bool) -> None:
        columns = 3 if landscape else 2
        tiles = [self.notice_tile, self.progress_tile, self.rate_tile, self.check_in_tile,
                 self.no_id_tile, self.help_button]
        for tile in tiles:
            self.tiles.removeWidget(tile)
        for n, tile in enumerate(tiles):
            self.tiles.addWidget(tile, n // columns, n % columns)

    def mode_changed(self) -> None:
        gap = self.theme.current.size("gap")
        self.tiles.setSpacing(gap)

    def set_hours(self, standing: Standing | None) -> None:
        """Closed: say so plainly, with the next opening, and offer only what works without a
        clerk (办件查询, 一次性告知, 好差评). Near the last ticket: say until when."""
        self.closed = standing is not None and not standing.open_now
        for widget in (self.start, self.no_id_tile, self.check_in_tile, self.help_button,
                       self.hint):
            widget.setVisible(not self.closed)
        note = ""
        if standing is not None and self.closed:
            nxt = standing.next_opening
            note = (self.tr("The hall is closed now. It opens again on {day} at {time}. You can "
                            "still look up case progress, see what to bring, and rate our "
                            "service.").format(day=nxt.strftime("%m-%d"),
                                               time=nxt.strftime("%H:%M")) if nxt else
                    self.tr("The hall is closed now. You can still look up case progress, see "
                            "what to bring, and rate our service."))
        elif standing is not None and standing.last_ticket_at is not None and (
                standing.next_opening is not None):
            note = self.tr("No more numbers today: the last number was given at {time}.").format(
                time=standing.last_ticket_at.strftime("%H:%M"))
            self.closed = True
            self.start.hide()
            self.no_id_tile.hide()
            self.check_in_tile.hide()
        elif standing is not None and standing.last_ticket_at is not None:
            note = self.tr("Numbers are given until {time}; the hall closes at {close}.").format(
                time=standing.last_ticket_at.strftime("%H:%M"),
                close=standing.closes_at.strftime("%H:%M") if standing.closes_at else "")
        self.hours.setText(note)
        self.hours.setVisible(bool(note))

    def set_waiting(self, total: int | None) -> None:
        self.waiting.setText("" if total is None else
                             self.tr("{count} people are waiting now").format(count=total))


class IdentifyPage(Page):
    """取号: who are you? A card or a code; or no identification for what allows it."""

    no_id = Signal()
    back = Signal()

    def __init__(self, theme: Theme) -> None:
        super().__init__(theme)
        self.title = label(self.tr("Take a number"), "title")
        self.instruction = label(self.tr("Please tap your ID card on the reader, insert your "
                                         "social security card, or show your ID code or "
                                         "enterprise code to the scanner."), "heading")
        self.ways = label("")
        card = QFrame()
        card.setProperty("role", "card")
        inner = QVBoxLayout(card)
        inner.addWidget(self.instruction)
        inner.addWidget(self.ways)
        self.no_id_button = button(self.tr("No ID with you? Consultation and pick-up need none"))
        self.no_id_button.clicked.connect(self.no_id)
        self.back_button = button(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.body.addWidget(self.title)
        self.body.addStretch(1)
        self.body.addWidget(card)
        self.body.addStretch(2)
        self.body.addWidget(self.no_id_button)
        self.body.addWidget(self.back_button)

    def set_ways(self, ways: list[str]) -> None:
        """The ways of identifying that work now (a missing reader is left out)."""
        if ways:
            self.ways.setText(self.tr("Working now: {ways}").format(ways=self.tr(", ").join(ways)))
        else:
            self.ways.setText(self.tr("No card reader or scanner is working now. Please ask "
                                      "the hall staff, or take a number without ID."))
