"""The kiosk's window, its flows (kiosk/flows/, one module each) put together: a header (the
hall's name, the offline status, the elder switch, home), the pages, a message line, the
devices' plain messages and the idle countdown.

Everything a person does goes to the hall through the bridge (one worker thread); cards and
scans come from the device threads as signals; prints go to the printer's thread; speech to the
voice threads. The GUI thread only shows. What a card told is held in `self.visit` and dropped
when the kiosk goes home (a finished flow, 60 s without a touch, the home button).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from devices.escpos.spool import QueueState
from kiosk.flows.base import (
    DONE_S,
    HOURS_MS,
    SYNC_STATUS_MS,
    WARM_UP_MS,
    WARNING_S,
    HallFacts,
    KioskContext,
)
from kiosk.flows.booking import BookingFlow
from kiosk.flows.checkin import CheckInFlow, check_in_ticket
from kiosk.flows.help import HelpFlow
from kiosk.flows.idle import IdleFlow
from kiosk.flows.maintenance import MaintenanceFlow
from kiosk.flows.notice import NoticeFlow
from kiosk.flows.progress import ProgressFlow
from kiosk.flows.rate import RateFlow
from kiosk.flows.take import TakeFlow
from ui import messages
from ui.theme import Theme

if TYPE_CHECKING:
    from hall.cards import CardRead
    from hall.changes import Changes
    from hall.session import Session
    from hall.views import WaitingBoard


def _scan(kiosk: Session, payload: str) -> tuple[str, Any]:
    """What a scanned code is: a receipt's QR (a case), a ticket's QR, or a 身份码/企业码."""
    case = kiosk.slips.case_of_qr(payload)
    if case:
        return ("case", case)
    number = kiosk.slips.ticket_of_qr(payload)
    if number:
        return ("ticket", number)
    return ("identity", kiosk.cards.read_code(payload))


class KioskWindow(NoticeFlow, TakeFlow, ProgressFlow, RateFlow, CheckInFlow, BookingFlow, HelpFlow,
                  MaintenanceFlow, IdleFlow):
    """The kiosk: its flows (kiosk/flows/) put together, wired to the pages, the hall's changes,
    the devices' cards, scans and prints."""

    restart_requested = Signal()

    def __init__(self, ctx: KioskContext, theme: Theme, *, default_mode: str = "normal",
                 warning_s: float = WARNING_S, done_s: float = DONE_S,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, theme, default_mode=default_mode, warning_s=warning_s,
                         done_s=done_s, parent=parent)
        self.idle.countdown.connect(self._countdown)
        self.idle.resumed.connect(lambda: self.countdown.hide())
        self.idle.expired.connect(self.go_home)
        self._wire()
        self.go(self.home)

    def _wire(self) -> None:
        self.continue_button.clicked.connect(self.idle.poke)
        self.hall_name.knocked.connect(self.open_maintenance)
        self.home_button.clicked.connect(self.go_home)
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
        self.confirm.book.connect(self.start_booking)
        self.book.chosen.connect(self.book_slot)
        self.book.back.connect(self.back_from_booking)
        self.book.done.connect(self.go_home)
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
        m.account_entered.connect(self.check_account)
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
        # the hours move on their own (opening, lunch, last ticket): looked at every 30 s
        self._hours_timer = QTimer(self)
        self._hours_timer.setInterval(HOURS_MS)
        self._hours_timer.timeout.connect(self._hall_ready_again)
        self._hours_timer.start()
        self._sync_timer = QTimer(self)
        self._sync_timer.setInterval(SYNC_STATUS_MS)
        self._sync_timer.timeout.connect(self.refresh_sync)
        if self.ctx.enrolled:
            self._sync_timer.start()
        if bridge.is_ready:
            self._hall_ready()
        self._device_changed("")

    def show_device_notes(self) -> None:
        """The devices' line, except where the page itself says what the printer means for
        this citizen (the confirmation and the ticket): one message, not two banners."""
        page = self.stack.currentWidget()
        self.device_notes.setVisible(bool(self.device_notes.text())
                                     and page not in (self.confirm, self.ticket))

    def _hall_ready(self) -> None:
        def facts(kiosk: Session) -> tuple[HallFacts, WaitingBoard]:
            from hall.ratings import BAD_REASONS

            signed = kiosk.settings.current()  # the hall's signed settings over config.json
            cfg = kiosk.config
            return (HallFacts(cfg.display_name, cfg.kiosk_idle_s, dict(kiosk.catalog.series),
                              kiosk.catalog.services, BAD_REASONS, kiosk.settings.standing(),
                              signed.version), kiosk.views.waiting())

        self.call(facts, self._facts)

    def _facts(self, got: tuple[HallFacts, WaitingBoard]) -> None:
        self.facts, board = got
        self.hall_name.setText(self.facts.name)
        self.home.set_hours(self.facts.standing)
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

    def _hall_ready_again(self) -> None:
        if self.facts is not None:
            self._hall_ready()

    def _warm_up(self) -> None:
        self.call(lambda kiosk: kiosk.catalog.search_keys, lambda _keys: None,
                  on_error=lambda _e: None)

    def _changed(self, changes: Changes) -> None:
        if changes.config:  # a new hall settings version (name, idle time, hours) arrived
            self._hall_ready()
        if changes.tickets or changes.calls:
            self._board_timer.start()
        if changes.help and self.visit.help_id:
            help_id = self.visit.help_id
            self.call(lambda kiosk: kiosk.help.get(help_id), self._help_state)
        if changes.sync and self.ctx.enrolled:
            self.refresh_sync()

    def refresh_board(self) -> None:
        self.call(lambda kiosk: kiosk.views.waiting(), self._board)

    def _board(self, board: WaitingBoard) -> None:
        self.board = board
        self.home.set_waiting(board.total)
        self.services.set_board(board)

    def on_card(self, card: object) -> None:
        page = self.stack.currentWidget()
        if page in (self.maintenance, self.help, self.rate):
            if page is self.rate:
                self.show_note(self.rate_hint())
            return
        self.idle.poke()
        self.call(lambda kiosk: kiosk.cards.read(card), self.identified,  # type: ignore[arg-type]
                  hold="card")

    def on_scan(self, payload: str) -> None:
        page = self.stack.currentWidget()
        if page is self.maintenance:
            return
        self.idle.poke()
        self.call(lambda kiosk: _scan(kiosk, payload), self._scanned, hold="scan")

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
            self.call(lambda kiosk: kiosk.views.progress_of(key), self._progress, hold="lookup")
        elif page is self.book:  # another card: the slots offered to its holder
            self.start_booking()
        elif page is self.check_in:
            self.call(lambda kiosk: check_in_ticket(kiosk, read), self._taken, hold="taking")
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

    def _device_changed(self, _kind: str) -> None:
        names = {"id_reader": self.tr("ID card reader"),
                 "sscard_reader": self.tr("Social security card reader"),
                 "scanner": self.tr("Code scanner"), "printer": self.tr("Printer")}
        # the printer's state in words of its own: the messages for a ticket ("your number is
        # shown on the screen") read wrong before anyone has taken a number
        printer_words = {"paper_out": self.tr("out of paper"),
                         "printer_offline": self.tr("not connected")}
        notes = []
        for state in self.devices.states():
            if state.configured and not state.ready and state.code:
                problem = (printer_words.get(state.code) if state.kind == "printer" else None)
                notes.append(self.tr("{device}: {problem}").format(
                    device=names[state.kind], problem=problem or messages.text(state.code)))
        self.device_notes.setText("\n".join(notes))
        self.show_device_notes()
        if self.stack.currentWidget() is self.identify:
            self.identify.set_ways(self._ways())
        if self.stack.currentWidget() is self.maintenance:
            self._maintenance_panel()
