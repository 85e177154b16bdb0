"""The kiosk's window and its flows: a header (the hall's name, the offline status, the elder
switch, home), the pages, a message line, the devices' plain messages and the idle countdown.

Everything a person does goes to the hall through the bridge (one worker thread); cards and
scans come from the device threads as signals; prints go to the printer's thread; speech to the
voice threads. The GUI thread only shows. What a card told is held in `self.visit` and dropped
when the kiosk goes home (a finished flow, 60 s without a touch, the home button).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from devices.escpos.layout import receipt_layout, receipt_slip_layout, slip_layout
from devices.escpos.spool import QueueState
from hall.errors import HallError
from kiosk.devices import KioskDevices
from kiosk.pages.assist import CheckInPage, HelpPage
from kiosk.pages.home import HomePage, IdentifyPage
from kiosk.pages.maintenance import MaintenancePage
from kiosk.pages.notice import NoticePage
from kiosk.pages.progress import ProgressPage
from kiosk.pages.rate import RatePage
from kiosk.pages.take import ConfirmPage, ServicesPage, TicketPage
from kiosk.paper import PaperCounter
from kiosk.qr import qr_matrix
from kiosk.voice import Guide
from kiosk.widgets import Page, TapLabel, button, label
from ui import messages
from ui.bridge import HallBridge
from ui.idle import IdleWatch
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.cards import CardRead
    from hall.catalog import Service
    from hall.changes import Changes
    from hall.slips import TicketSlip
    from hall.ticket_views import TicketView
    from hall.views import Progress, WaitingBoard

T = TypeVar("T")
log = logging.getLogger("tingduan.kiosk")

WARNING_S = 10.0  # the visible countdown before going home
DONE_S = 20.0  # after a finished flow: home sooner (a touch still holds it)
SYNC_STATUS_MS = 3000
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

    purpose: str = ""  # take | notice | progress | rate | checkin | help
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


@dataclass(frozen=True)
class Taken:
    ticket: TicketView
    slip: TicketSlip
    qr: tuple[tuple[bool, ...], ...]


def _take(hall: Hall, service_id: str, priority: str, read: CardRead | None) -> Taken:
    ticket = hall.tickets.take(hall.kiosk(), service_id, priority,
                               holder=read.holder if read else None).value
    slip = hall.ticket_slip(ticket)
    return Taken(ticket, slip, qr_matrix(slip.qr_url))


def _check_in(hall: Hall, read: CardRead) -> Taken:
    ticket = hall.appointments.check_in(hall.kiosk(), read).value
    slip = hall.ticket_slip(ticket)
    return Taken(ticket, slip, qr_matrix(slip.qr_url))


def _scan(hall: Hall, payload: str) -> tuple[str, Any]:
    """What a scanned code is: a receipt's QR (a case), a ticket's QR, or a 身份码/企业码."""
    case = hall.case_of_qr(payload)
    if case:
        return ("case", case)
    number = hall.ticket_of_qr(payload)
    if number:
        return ("ticket", number)
    return ("identity", hall.cards.read_code(hall.kiosk(), payload))


def _sync_status(hall: Hall) -> dict[str, Any]:
    from sync import runner

    return runner.status(hall.core)


class KioskWindow(QWidget):
    restart_requested = Signal()

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
        self.sync_state: dict[str, Any] | None = None
        self._prints: dict[int, str] = {}  # printer token → what it is (ticket, notice, test)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Self-service terminal"))
        self._build()
        self.idle_s = float(ctx.idle_s or 60)
        self.idle = IdleWatch(self.idle_s, warning_s, parent=self)
        self.idle.countdown.connect(self._countdown)
        self.idle.resumed.connect(lambda: self.countdown.hide())
        self.idle.expired.connect(self.go_home)
        self._wire()
        self.go(self.home)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.ctx.started:  # the first screen is on: now the threads (see KioskContext)
            QTimer.singleShot(0, self.ctx.start)

    # --- building ---------------------------------------------------------------------------------
    def _build(self) -> None:
        theme = self.theme
        self.hall_name = TapLabel()
        self.hall_name.setProperty("role", "heading")
        self.hall_name.setWordWrap(True)
        self.hall_name.knocked.connect(self.open_maintenance)
        self.offline = label(self.tr("Offline: numbers stay valid"), "notice", wrap=False)
        self.offline.hide()
        self.elder_button = button("", "primary")
        self.elder_button.clicked.connect(theme.toggle_elder)
        self.home_button = button(self.tr("Home"))
        self.home_button.clicked.connect(self.go_home)
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
        self.pages: list[Page] = [self.home, self.identify, self.services, self.confirm,
                                  self.ticket, self.notice, self.progress, self.rate,
                                  self.check_in, self.help, self.maintenance]
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
        theme.mode_changed.connect(self._mode_changed)
        self._mode_changed(theme.mode)

    def _mode_changed(self, mode: str) -> None:
        gap = self.theme.current.size("gap")
        self.outer.setContentsMargins(gap, gap, gap, gap)
        self.outer.setSpacing(gap // 2)
        self.header.setSpacing(gap)
        self.elder_button.setText(self.tr("Standard text") if mode == "elder"
                                  else self.tr("Larger text"))

    def _wire(self) -> None:
        self.continue_button.clicked.connect(self.idle.poke)
        home, bridge, devices = self.home, self.bridge, self.devices
        home.take.connect(self.start_take)
        home.no_id.connect(self.start_no_id)
        home.notice.connect(self.start_notice)
        home.progress.connect(self.start_progress)
        home.rate.connect(self.start_rate)
        home.check_in.connect(self.start_check_in)
        home.help.connect(self.start_help)
        self.identify.no_id.connect(self.start_no_id)
        self.identify.back.connect(self.go_home)
        self.services.chosen.connect(self.choose)
        self.services.query_changed.connect(self.search)
        self.services.back.connect(self.go_home)
        self.confirm.confirm.connect(self.take)
        self.confirm.back.connect(self.back_to_services)
        self.ticket.done.connect(self.go_home)
        self.notice.print_it.connect(self.print_notice)
        self.notice.take.connect(self.take_from_notice)
        self.notice.back.connect(self.back_to_services)
        self.progress.lookup.connect(self.lookup_case)
        self.progress.back.connect(self.go_home)
        self.rate.ticket_entered.connect(self.rate_ticket)
        self.rate.graded.connect(self.grade)
        self.rate.reasons_given.connect(self.send_reasons)
        self.rate.back.connect(self.go_home)
        self.check_in.back.connect(self.go_home)
        self.help.requested.connect(self.ask_help)
        self.help.done.connect(self.go_home)
        m = self.maintenance
        m.pin_entered.connect(self.check_pin)
        m.check.connect(self.check_devices)
        m.test_print.connect(self.test_print)
        m.paper_changed.connect(self.paper_changed)
        m.restart.connect(self.restart_requested)
        m.leave.connect(self.go_home)
        bridge.ready.connect(self._hall_ready)
        bridge.failed_to_open.connect(self.show_error)
        bridge.changed.connect(self._changed)
        devices.card.connect(self.on_card)
        devices.scanned.connect(self.on_scan)
        devices.failed.connect(self.show_error)
        devices.changed.connect(self._device_changed)
        devices.printer.job_done.connect(self._printed)
        devices.printer.printed_later.connect(lambda _token: self.ctx.paper.count())
        self._board_timer = QTimer(self)
        self._board_timer.setSingleShot(True)
        self._board_timer.setInterval(300)
        self._board_timer.timeout.connect(self.refresh_board)
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(SYNC_STATUS_MS)
        self._sync_timer.timeout.connect(self.refresh_sync)
        if self.ctx.enrolled:
            self._sync_timer.start()
        if bridge.is_ready:
            self._hall_ready()
        self._device_changed("")

    # --- the hall ----------------------------------------------------------------------------------
    def call(self, fn: Callable[[Hall], T], on_done: Callable[[T], None], *,
             on_error: Callable[[HallError], None] | None = None, hold: str = "") -> None:
        """A job for the hall's thread; the idle clock holds while it runs."""
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

    def _hall_ready(self) -> None:
        def facts(hall: Hall) -> tuple[HallFacts, WaitingBoard]:
            cfg = hall.config
            from hall.ratings import BAD_REASONS

            return (HallFacts(cfg.display_name, cfg.kiosk_idle_s, dict(hall.catalog.series),
                              hall.catalog.services, BAD_REASONS), hall.views.waiting())

        self.call(facts, self._facts)

    def _facts(self, got: tuple[HallFacts, WaitingBoard]) -> None:
        self.facts, board = got
        self.hall_name.setText(self.facts.name)
        self.rate.set_reasons(self.facts.bad_reasons)
        if self.ctx.idle_s is None:
            self.idle_s = float(self.facts.idle_s)
            self.idle.timeout = self.idle_s
        self._board(board)
        if self.ctx.enrolled:
            self.refresh_sync()
        # the pinyin keys (pypinyin: ~0.3 s of imports) are made in the hall's thread soon
        # after the start, rather than at the first tap on 拼音搜索
        QTimer.singleShot(WARM_UP_MS, self, self._warm_up)  # cancelled with the window

    def _warm_up(self) -> None:
        self.call(lambda hall: hall.catalog.search_keys, lambda _keys: None,
                  on_error=lambda _e: None)

    def _changed(self, changes: Changes) -> None:
        if changes.tickets or changes.calls:
            self._board_timer.start()
        if changes.help and self.visit.help_id:
            help_id = self.visit.help_id
            self.call(lambda hall: hall.help.get(help_id), self._help_state)
        if changes.sync and self.ctx.enrolled:
            self.refresh_sync()

    def refresh_board(self) -> None:
        self.call(lambda hall: hall.views.waiting(), self._board)

    def _board(self, board: WaitingBoard) -> None:
        self.board = board
        self.home.set_waiting(board.total)
        self.services.set_board(board)

    def refresh_sync(self) -> None:
        self.call(_sync_status, self._sync_status, on_error=lambda _e: None)

    def _sync_status(self, state: dict[str, Any]) -> None:
        self.sync_state = state
        known = state.get("last_success_ms") is not None or state.get("last_error") is not None
        self.offline.setVisible(self.ctx.enrolled and known and not state.get("online"))
        if self.stack.currentWidget() is self.maintenance:
            self._maintenance_panel()

    # --- navigation ---------------------------------------------------------------------------------
    def go(self, page: Page, say: str = "") -> None:
        if self.stack.currentWidget() is not page:
            self.message.hide()
        self.stack.setCurrentWidget(page)
        if page is self.home:
            self.idle.stop()
            self.countdown.hide()
        else:
            self.idle.start()
        if say:
            self.guide_step(say)

    def guide_step(self, text: str) -> None:
        """Voice guidance of each step, in elder mode (a number taken is always said)."""
        if self.theme.elder:
            self.guide.say(text)

    def go_home(self) -> None:
        """Back to the start and forget: the card, the choices, what the pages showed."""
        if self.visit.elder_by_card or self.visit.read is not None:
            self.theme.set_mode(self.default_mode)
        self.visit = Visit()
        for page in self.pages:
            page.reset()
        self.idle.timeout = self.idle_s
        self.go(self.home)

    def finished(self) -> None:
        """A flow is done: home after a short while, unless a touch keeps it."""
        self.idle.timeout = self.done_s
        self.idle.poke()

    def _countdown(self, seconds: int) -> None:
        self.countdown_text.setText(self.tr("Back to the start screen in {seconds} seconds")
                                    .format(seconds=seconds))
        self.countdown.show()

    def show_error(self, error: object) -> None:
        self.show_note(messages.for_error(error if isinstance(error, BaseException)
                                          else HallError(str(error))))

    def show_note(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self._message_timer.start()
        self.guide_step(text)

    # --- cards and codes -----------------------------------------------------------------------------
    def on_card(self, card: object) -> None:
        page = self.stack.currentWidget()
        if page in (self.maintenance, self.help, self.rate):
            if page is self.rate:
                self.show_note(self.rate_hint())
            return
        self.idle.poke()
        self.call(lambda hall: hall.cards.read(hall.kiosk(), card), self.identified,  # type: ignore[arg-type]
                  hold="card")

    def on_scan(self, payload: str) -> None:
        page = self.stack.currentWidget()
        if page is self.maintenance:
            return
        self.idle.poke()
        self.call(lambda hall: _scan(hall, payload), self._scanned, hold="scan")

    def _scanned(self, found: tuple[str, Any]) -> None:
        kind, value = found
        if kind == "case":
            self.start_progress()
            self.progress.field.setText(value)
            self.lookup_case(value)
        elif kind == "ticket":
            self.start_rate()
            self.rate.field.setText(value)
            self.rate_ticket(value)
        else:
            if self.stack.currentWidget() is self.rate:
                self.show_note(self.rate_hint())
                return
            self.identified(value)

    def identified(self, read: CardRead) -> None:
        """A card or code the hall accepted: what it is for depends on where the person is."""
        page = self.stack.currentWidget()
        if page is self.ticket:  # a new person after a finished flow
            self.go_home()
            page = self.home
        self.visit.read = read
        if read.elder and not self.theme.elder:
            self.visit.elder_by_card = True
            self.theme.set_elder(True)
        if page is self.progress:
            key = read.holder.key
            self.call(lambda hall: hall.views.progress_of(key), self._progress, hold="lookup")
        elif page is self.check_in:
            self.call(lambda hall: _check_in(hall, read), self._taken, hold="taking")
        elif page is self.notice and self.visit.service is not None:
            self.visit.purpose = "take"
            self.choose(self.visit.service.id)
        elif page is self.confirm and self.visit.service is not None:
            self.choose(self.visit.service.id)
        else:
            self.visit.purpose = "take"
            self.visit.no_id = False
            if self.visit.service is not None:
                self.choose(self.visit.service.id)
            else:
                self.show_services()

    # --- 取号 -------------------------------------------------------------------------------------------
    def start_take(self) -> None:
        self.visit.purpose = "take"
        self.identify.set_ways(self._ways())
        self.devices.printer.check_now()
        self.go(self.identify, self.identify.instruction.text())

    def _ways(self) -> list[str]:
        ways = []
        if self.devices.state("id_reader").ready:
            ways.append(self.tr("ID card"))
        if self.devices.state("sscard_reader").ready:
            ways.append(self.tr("social security card"))
        scanner = self.devices.state("scanner")
        if scanner.ready or (not scanner.configured and self.devices.wedge is not None):
            ways.append(self.tr("ID code or enterprise code"))
        return ways

    def start_no_id(self) -> None:
        self.visit.purpose = "take"
        self.visit.no_id = True
        self.visit.read = None
        if self.visit.service is not None and self.visit.service.no_id:
            self.choose(self.visit.service.id)
            return
        self.visit.service = None
        self.show_services()

    def show_services(self) -> None:
        self.services.set_who(self.visit.read, self.visit.no_id)
        self.search(self.services.search.text())
        self.go(self.services, self.services.title.text())

    def search(self, query: str) -> None:
        no_id = self.visit.no_id and self.visit.purpose == "take"
        self.call(lambda hall: hall.catalog.search(query, no_id=no_id),
                  lambda found: self.services.set_services(found, self.board))

    def back_to_services(self) -> None:
        self.visit.service = None
        self.show_services()

    def choose(self, service_id: str) -> None:
        self.devices.printer.check_now()

        def look(hall: Hall) -> tuple[Service, str, Any]:
            service = hall.catalog.get(service_id)
            return (service, hall.catalog.series.get(service.series, ""),
                    hall.views.waiting().service(service_id))

        self.call(look, self._chosen)

    def _chosen(self, got: tuple[Service, str, Any]) -> None:
        service, group, waiting = got
        self.visit.service = service
        if self.visit.purpose == "notice":
            self.notice.show_service(service, group)
            self.go(self.notice, self.tr("These are the materials and conditions of {service}.")
                    .format(service=service.name))
            return
        if self.visit.read is None and not (self.visit.no_id and service.no_id):
            self.identify.set_ways(self._ways())
            self.go(self.identify, self.identify.instruction.text())
            return
        read = self.visit.read
        priority = self.tr("Senior citizen first") if read is not None and read.elder else None
        self.confirm.show_choice(service, group, waiting, read, priority,
                                 self.devices.paper_out())
        self.confirm.ok.setEnabled(True)
        count = waiting.count if waiting else 0
        say = self.tr("{service}. {count} people are waiting. Tap the button to take the "
                      "number.").format(service=service.name, count=count)
        if self.devices.paper_out():
            say = self.confirm.paper.text() + " " + say
        self.go(self.confirm, say)

    def take(self) -> None:
        service = self.visit.service
        if service is None:
            return
        self.confirm.ok.setEnabled(False)  # one tap, one number
        read = self.visit.read
        priority = "elder" if read is not None and read.elder else "regular"
        self.call(lambda hall: _take(hall, service.id, priority, read), self._taken,
                  on_error=self._take_failed, hold="taking")

    def _take_failed(self, error: HallError) -> None:
        self.confirm.ok.setEnabled(True)
        self.show_error(error)

    def _taken(self, taken: Taken) -> None:
        self.visit.ticket = taken.ticket
        self.ticket.show_ticket(taken.ticket, taken.slip, taken.qr)
        printer = self.devices.printer
        if self.devices.config.get("printer") and printer.state.state in ("idle", "printing",
                                                                           "unknown"):
            token = printer.print_layout(slip_layout(taken.slip), kind="ticket")
            self._prints[token] = "ticket"
            self.idle.hold("printing")
            self.ticket.set_status(self.tr("Printing your ticket…"), ok=True)
        else:
            self.ticket.set_status(self._no_print_text(printer.state))
        self.go(self.ticket)
        spoken = self.tr("Your number is {number}. Please wait for the call.").format(
            number=self.guide.spoken_number(taken.slip.number))
        self.guide.say(spoken)  # the number is said in every mode
        self.finished()

    def _no_print_text(self, state: QueueState) -> str:
        code = "paper_out" if state.state == "out_of_paper" else (
            "printer_offline" if state.state == "offline" else "printer")
        return messages.text(code)

    def _printed(self, token: int, printed: bool, state: QueueState) -> None:
        kind = self._prints.pop(token, None)
        self.idle.release("printing")
        if printed:
            self.ctx.paper.count()
        if kind == "ticket" and self.stack.currentWidget() is self.ticket:
            if printed:
                self.ticket.set_status(self.tr("Please take your ticket below."), ok=True)
            else:
                self.ticket.set_status(self._no_print_text(state))
        elif kind == "notice":
            self.notice.set_status(self.tr("Printed. Please take the list below.") if printed
                                   else self._no_print_text(state))
        elif kind == "test" and self.stack.currentWidget() is self.maintenance:
            self._maintenance_panel()

    # --- 一次性告知 ---------------------------------------------------------------------------------------
    def start_notice(self) -> None:
        self.visit.purpose = "notice"
        self.services.set_who(None, False)
        self.search(self.services.search.text())
        self.go(self.services, self.tr("Choose a service to see what to bring."))

    def print_notice(self) -> None:
        service = self.visit.service
        if service is None:
            return
        if not self.devices.config.get("printer") or self.devices.paper_out():
            self.notice.set_status(self._no_print_text(self.devices.printer.state))
            return
        self.call(lambda hall: hall.notice_slip(service.id), self._print_notice_slip)

    def _print_notice_slip(self, slip: Any) -> None:
        token = self.devices.printer.print_layout(receipt_slip_layout(slip), kind="notice")
        self._prints[token] = "notice"
        self.idle.hold("printing")
        self.notice.set_status(self.tr("Printing…"))

    def take_from_notice(self) -> None:
        service = self.visit.service
        self.visit.purpose = "take"
        if service is not None:
            self.choose(service.id)

    # --- 办件查询 ---------------------------------------------------------------------------------------
    def start_progress(self) -> None:
        self.visit.purpose = "progress"
        self.go(self.progress, self.progress.instruction.text())

    def lookup_case(self, number: str) -> None:
        self.call(lambda hall: [hall.views.progress(number)], self._progress, hold="lookup")

    def _progress(self, found: Sequence[Progress]) -> None:
        self.progress.show_results(found)
        if found:
            p = found[0]
            self.guide_step(self.tr("{service}: {done} of {total} steps done.").format(
                service=p.service_name, done=p.steps_done, total=p.steps_total))
        self.finished()

    # --- 好差评 -------------------------------------------------------------------------------------------

    def rate_hint(self) -> str:
        return self.tr("To rate a visit, enter the number on your ticket or scan the QR code "
                       "on the ticket.")

    def start_rate(self) -> None:
        self.visit.purpose = "rate"
        self.rate.reset()
        self.go(self.rate, self.rate.instruction.text())

    def rate_ticket(self, number: str) -> None:
        self.call(lambda hall: hall.tickets.get(number), self._rate_found)

    def _rate_found(self, ticket: TicketView) -> None:
        self.visit.rate_ticket = ticket.id
        self.rate.ask_grade(ticket.number)
        self.guide_step(self.rate.instruction.text())

    def grade(self, grade: int) -> None:
        if grade <= 2:
            self.visit.grade = grade
            self.rate.ask_reasons()
            self.guide_step(self.rate.instruction.text())
            return
        self._send_rating(grade, [])

    def send_reasons(self, reasons: list[str]) -> None:
        self._send_rating(self.visit.grade or 2, reasons)

    def _send_rating(self, grade: int, reasons: list[str]) -> None:
        ticket = self.visit.rate_ticket
        if ticket is None:
            return
        comment = "；".join(reasons)
        self.call(lambda hall: hall.ratings.rate(hall.kiosk(), ticket, grade, comment).value,
                  self._rated, on_error=self._rate_failed)

    def _rated(self, _rating: object) -> None:
        self.rate.thanks()
        self.guide_step(self.rate.instruction.text())
        self.finished()

    def _rate_failed(self, error: HallError) -> None:
        self.rate.reset()
        self.show_error(error)

    # --- 预约签到, 帮办 -----------------------------------------------------------------------------------
    def start_check_in(self) -> None:
        self.visit.purpose = "checkin"
        self.devices.printer.check_now()
        self.go(self.check_in, self.check_in.instruction.text())

    def start_help(self) -> None:
        self.visit.purpose = "help"
        self.go(self.help, self.help.instruction.text())

    def ask_help(self, kind: str) -> None:
        self.call(lambda hall: hall.help.request(hall.kiosk(), kind).value, self._help_sent)

    def _help_sent(self, request: Any) -> None:
        self.visit.help_id = request.id
        self.help.show_sent(False)
        self.guide_step(self.help.sent.text())

    def _help_state(self, request: Any) -> None:
        if request.status != "open" and self.stack.currentWidget() is self.help:
            self.help.show_sent(True)
            self.guide_step(self.help.sent.text())

    # --- devices -------------------------------------------------------------------------------------
    def _device_changed(self, _kind: str) -> None:
        names = {"id_reader": self.tr("ID card reader"),
                 "sscard_reader": self.tr("Social security card reader"),
                 "scanner": self.tr("Code scanner"), "printer": self.tr("Printer")}
        notes = []
        for state in self.devices.states():
            if state.configured and not state.ready and state.code:
                notes.append(self.tr("{device}: {problem}").format(
                    device=names[state.kind], problem=messages.text(state.code)))
        self.device_notes.setText("\n".join(notes))
        self.device_notes.setVisible(bool(notes))
        if self.stack.currentWidget() is self.identify:
            self.identify.set_ways(self._ways())
        if self.stack.currentWidget() is self.maintenance:
            self._maintenance_panel()

    # --- maintenance --------------------------------------------------------------------------------
    def open_maintenance(self) -> None:
        self.visit = Visit()
        self.maintenance.reset()
        self.go(self.maintenance)

    def check_pin(self, pin: str) -> None:
        self.call(lambda hall: hall.accounts.check_pin(pin), self._pin_ok)

    def _pin_ok(self, _actor: object) -> None:
        self.maintenance.open_panel()
        self._maintenance_panel()
        if self.ctx.enrolled:
            self.refresh_sync()

    def _maintenance_panel(self) -> None:
        names = {"id_reader": self.tr("ID card reader"),
                 "sscard_reader": self.tr("Social security card reader"),
                 "scanner": self.tr("Code scanner"), "printer": self.tr("Printer")}
        lines = []
        for state in self.devices.states():
            if not state.configured:
                status = self.tr("not configured")
            elif state.ready:
                status = self.tr("working")
            else:
                status = messages.text(state.code or "device")
            lines.append(self.tr("{device}: {status}").format(device=names[state.kind],
                                                              status=status))
        m = self.maintenance
        m.devices.setText("\n".join(lines))
        paper = self.ctx.paper
        m.paper.setText(self.tr("{count} slips printed since the roll was changed; {state}")
                        .format(count=paper.printed,
                                state=self.tr("out of paper") if self.devices.paper_out()
                                else self.tr("paper loaded")))
        m.voice.setText(self.tr("working") if self.guide.available
                        else messages.text(self.guide.error.code if self.guide.error
                                           else "voice_missing"))
        sync = self.sync_state
        if not self.ctx.enrolled:
            m.sync.setText(self.tr("This terminal works alone (not enrolled with a hub)."))
        elif sync is None:
            m.sync.setText(self.tr("Checking…"))
        else:
            m.sync.setText(self.tr("{online}; {pending} events waiting to be sent").format(
                online=self.tr("online") if sync.get("online") else self.tr("offline"),
                pending=sync.get("pending", 0)))

    def check_devices(self) -> None:
        self.devices.printer.check_now()
        QTimer.singleShot(1500, self, self._maintenance_panel)
        self._maintenance_panel()

    def test_print(self) -> None:
        layout = receipt_layout(self.tr("Test print"),
                                [(self.tr("Terminal"), self.facts.name if self.facts else ""),
                                 (self.tr("Printed since the roll was changed"),
                                  str(self.ctx.paper.printed))])
        token = self.devices.printer.print_layout(layout, kind="test")
        self._prints[token] = "test"

    def paper_changed(self) -> None:
        self.ctx.paper.reset()
        self._maintenance_panel()
