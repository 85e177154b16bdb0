"""What every kiosk flow shares: the context the window runs in, what it knows of the visit,
and `KioskBase`, the window's frame and helpers (kiosk/flows/__init__.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from devices.escpos.spool import QueueState
from hall.errors import HallError
from kiosk.devices import KioskDevices
from kiosk.pages.assist import CheckInPage, HelpPage
from kiosk.pages.booking import BookPage
from kiosk.pages.home import HomePage, IdentifyPage
from kiosk.pages.maintenance import MaintenancePage
from kiosk.pages.notice import NoticePage
from kiosk.pages.progress import ProgressPage
from kiosk.pages.rate import RatePage
from kiosk.pages.take import ConfirmPage, ServicesPage, TicketPage
from kiosk.paper import PaperCounter
from kiosk.voice import Guide
from kiosk.widgets import Page, TapLabel, button, label
from ui import messages
from ui.bridge import HallBridge
from ui.idle import IdleWatch
from ui.theme import PageStyler, Theme

if TYPE_CHECKING:
    from hall.cards import CardRead
    from hall.catalog import Service
    from hall.hours import Standing
    from hall.session import Session
    from hall.slips import TicketSlip
    from hall.sync_status import SyncStatus
    from hall.ticket_views import TicketView
    from hall.views import WaitingBoard


T = TypeVar("T")
log = logging.getLogger("tingduan.kiosk")

WARNING_S = 10.0  # the visible countdown before going home
DONE_S = 20.0  # after a finished flow: home sooner (a touch still holds it)
SYNC_STATUS_MS = 3000
HOURS_MS = 30_000  # the hall's hours looked at again (opening, lunch, the last ticket)
WARM_UP_MS = 1500


@dataclass
class KioskContext:
    """What outlives one window: the hall, the devices, the voice, the paper counter."""

    bridge: HallBridge
    devices: KioskDevices
    guide: Guide
    paper: PaperCounter
    enrolled: bool = False  # a member of a hub: sync runs, and its status is shown
    idle_s: float | None = None  # None: config.json `kiosk_idle_s`
    # what starts the threads (the hall's worker, devices, voice, sync): run once, after the
    # first screen is painted, so their imports do not hold the GIL against the first paint
    starters: list[Callable[[], None]] = field(default_factory=list)
    started: bool = False

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        for start in self.starters:
            start()


@dataclass
class Visit:
    """What the kiosk knows of the person in front of it; dropped at home."""

    purpose: str = ""  # take | notice | progress | rate | checkin | book | help
    read: CardRead | None = None
    no_id: bool = False
    service: Service | None = None
    ticket: TicketView | None = None
    rate_ticket: str | None = None
    help_id: str | None = None
    grade: int = 0
    elder_by_card: bool = False


@dataclass(frozen=True)
class HallFacts:
    name: str
    idle_s: int
    series: dict[str, str]
    services: tuple[Service, ...]
    bad_reasons: tuple[str, ...]  # hall.ratings.BAD_REASONS: the 差评 buttons
    standing: Standing | None = None  # the hall's hours now (hall.settings.standing)
    settings_version: int = 0  # the hall settings version this kiosk runs (0: none heard)


@dataclass(frozen=True)
class Taken:
    ticket: TicketView
    slip: TicketSlip
    qr: tuple[tuple[bool, ...], ...]
    late_for: str | None = None  # 预约签到 too late: the booked time (HH:MM), a walk-in's number


class KioskBase(QWidget):
    """The window's frame every flow works in: the header, the pages, the message line, the device
    notes, the idle countdown; and the helpers they share (a job for the hall, going to a
    page, speaking a step, telling an error)."""

    def __init__(self, ctx: KioskContext, theme: Theme, *, default_mode: str = "normal",
                 warning_s: float = WARNING_S, done_s: float = DONE_S,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.theme = ctx, theme
        self.bridge, self.devices, self.guide = ctx.bridge, ctx.devices, ctx.guide
        self.default_mode = default_mode
        self.done_s = done_s
        self.visit = Visit()
        self.facts: HallFacts | None = None
        self.board: WaitingBoard | None = None
        self.sync_state: SyncStatus | None = None
        self._prints: dict[int, str] = {}  # printer token → what it is (ticket, notice, test)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Self-service terminal"))
        self._build()
        self.idle_s = float(ctx.idle_s or 60)
        self.idle = IdleWatch(self.idle_s, warning_s, parent=self)

    def tr(self, sourceText: str, disambiguation: str | None = None, n: int = -1) -> str:
        """A flow's strings carry the context of the class that holds them (as pyside6-lupdate
        files them: TakeFlow, IdleFlow, ...), while PySide6's own tr() asks only the context of
        the instance's class (KioskWindow). Ask each class of the window's MRO in turn."""
        # untranslated, translate() still fills in %n: that is what "not found" looks like
        untranslated = QCoreApplication.translate("tingduan:none", sourceText, disambiguation, n)
        for cls in type(self).__mro__:
            if cls is KioskBase.__base__:
                break
            text = QCoreApplication.translate(cls.__name__, sourceText, disambiguation, n)
            if text != untranslated:
                return text
        return untranslated

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.ctx.started:  # the first screen is on: now the threads (see KioskContext)
            QTimer.singleShot(0, self.ctx.start)

    def _build(self) -> None:
        theme = self.theme
        self.hall_name = TapLabel()
        self.hall_name.setProperty("role", "heading")
        self.hall_name.setWordWrap(True)
        self.offline = label(self.tr("Offline: numbers stay valid"), "notice", wrap=False)
        self.offline.hide()
        self.elder_button = button("", "primary")
        self.elder_button.clicked.connect(theme.toggle_elder)
        self.home_button = button(self.tr("Home"))
        self.header = QHBoxLayout()
        self.header.addWidget(self.hall_name, 1)
        self.header.addWidget(self.offline)
        self.header.addWidget(self.elder_button)
        self.header.addWidget(self.home_button)
        self.message = label("", "error")
        self.message.hide()
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.setInterval(12_000)
        self._message_timer.timeout.connect(self.message.hide)
        self.stack = QStackedWidget()
        # A page's minimum height counts its wrapped labels at a narrow width; the pages are
        # made to fit the screen (tests measure each), so the stack takes what is left.
        self.stack.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.home = HomePage(theme)
        self.identify = IdentifyPage(theme)
        self.services = ServicesPage(theme)
        self.confirm = ConfirmPage(theme)
        self.ticket = TicketPage(theme)
        self.notice = NoticePage(theme)
        self.progress = ProgressPage(theme)
        self.rate = RatePage(theme)
        self.check_in = CheckInPage(theme)
        self.help = HelpPage(theme)
        self.maintenance = MaintenancePage(theme)
        self.book = BookPage(theme)
        self.pages: list[Page] = [self.home, self.identify, self.services, self.confirm,
                                  self.ticket, self.notice, self.progress, self.rate,
                                  self.check_in, self.help, self.maintenance, self.book]
        for page in self.pages:
            self.stack.addWidget(page)
        self.device_notes = label("", "notice")
        self.device_notes.hide()
        self.countdown = QWidget()
        bar = QHBoxLayout(self.countdown)
        bar.setContentsMargins(0, 0, 0, 0)
        self.countdown_text = label("", "notice")
        self.continue_button = button(self.tr("Continue"), "primary")
        bar.addWidget(self.countdown_text, 1)
        bar.addWidget(self.continue_button)
        self.countdown.hide()
        self.outer = QVBoxLayout(self)
        self.outer.addLayout(self.header)
        self.outer.addWidget(self.message)
        self.outer.addWidget(self.stack, 1)
        self.outer.addWidget(self.device_notes)
        self.outer.addWidget(self.countdown)
        # elder mode restyles the header, the lines and the page shown, each other page when
        # it is shown next (ui/theme.py)
        self.styler = PageStyler(theme, self.stack, [
            self.hall_name, self.offline, self.elder_button, self.home_button, self.message,
            self.device_notes, self.countdown])
        theme.mode_changed.connect(self._mode_changed)
        self._mode_changed(theme.mode)

    def _mode_changed(self, mode: str) -> None:
        gap = self.theme.current.size("gap")
        self.outer.setContentsMargins(gap, gap, gap, gap)
        self.outer.setSpacing(gap // 2)
        self.header.setSpacing(gap)
        self.elder_button.setText(self.tr("Standard text") if mode == "elder"
                                  else self.tr("Larger text"))

    def call(self, fn: Callable[[Session], T], on_done: Callable[[T], None], *,
             on_error: Callable[[HallError], None] | None = None, hold: str = "") -> None:
        """A job for the hall's thread, given the kiosk's own session (ui/opening.py); the idle
        clock holds while it runs."""
        if hold:
            self.idle.hold(hold)

        def done(value: T) -> None:
            if not isValid(self):  # the window went while the job ran (a shared bridge)
                return
            if hold:
                self.idle.release(hold)
            on_done(value)

        def failed(error: HallError) -> None:
            if not isValid(self):
                return
            if hold:
                self.idle.release(hold)
            (on_error or self.show_error)(error)

        self.bridge.submit(fn, done, failed)

    def go(self, page: Page, say: str = "") -> None:
        if self.stack.currentWidget() is not page:
            self.message.hide()
        self.styler.style(page)  # before it shows: laid out once, in the mode of the moment
        self.stack.setCurrentWidget(page)
        self.show_device_notes()
        if page is self.home:
            self.idle.stop()
            self.countdown.hide()
        else:
            self.idle.start()
        if say:
            self.guide_step(say)

    def show_device_notes(self) -> None:
        """The devices' line for the page shown (kiosk/window.py)."""

    def guide_step(self, text: str) -> None:
        """Voice guidance of each step, in elder mode (a number taken is always said)."""
        if self.theme.elder:
            self.guide.say(text)

    def finished(self) -> None:
        """A flow is done: home after a short while, unless a touch keeps it."""
        self.idle.timeout = self.done_s
        self.idle.poke()

    def show_error(self, error: object) -> None:
        self.show_note(messages.for_error(error if isinstance(error, BaseException)
                                          else HallError(str(error))))

    def show_note(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self._message_timer.start()
        self.guide_step(text)

    def _no_print_text(self, state: QueueState) -> str:
        code = "paper_out" if state.state == "out_of_paper" else (
            "printer_offline" if state.state == "offline" else "printer")
        return messages.text(code)
