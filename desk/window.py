# mypy: disable-error-code="func-returns-value"
# (a callback here is often a tuple of two calls: a message and a refresh)
"""The desk: sign-in, the work page and the lock screen, wired to the hall through the bridge
(every command in the worker thread, through the signed-in clerk's session), to the devices through
ui.hardware, and to the printers. Nothing here waits on the hall, a device, the disk or the
network: each action is a `bridge.submit` whose answer comes back to a slot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QStackedWidget, QWidget

from desk.acceptance import AcceptForm
from desk.bookings import DeskBookings
from desk.dialogs import (
    ConflictsDialog,
    RefuseDialog,
    TransferDialog,
    WindowServicesDialog,
    describe,
)
from desk.follow_ups import DeskFollowUps
from desk.keys import DeskKeys
from desk.printing import A4Printer
from desk.signin import LockPage, SignInPage
from desk.state import FiguresState, QueueState, read_figures, read_queue
from desk.work import WorkPage
from desk.workbench import WorkbenchPage
from hall.errors import HallError
from ui import messages
from ui.bridge import HallBridge
from ui.idle import IdleWatch

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.cards import CardRead
    from hall.session import Session
    from hall.slips import ReceiptSlip
    from ui.hardware import ReceiptPrinter

log = logging.getLogger("tingduan.desk")

STATUS_MS = 2000  # the queue and sync state are read again this often (beside change signals)


@dataclass(frozen=True)
class DeskOptions:
    data_dir: Path
    window: str = ""
    lock_after: float = 300.0  # seconds without input before the desk locks
    receipt_pdf: Path | None = None  # A4 papers to PDF files here instead of a printer
    a4_printer: str | None = None
    export_dir: Path | None = None


STALE_ACCOUNTS_S = 300  # accounts older than this (offline): the desk says how old

class DeskWindow(QStackedWidget):
    conflicts_told = Signal(object)  # the conflicts just told to the clerk (tests, the log)
    # a ticket called or started here: the card readers read again what lies on them
    serving_started = Signal()

    def __init__(self, bridge: HallBridge, options: DeskOptions, *, hall_name: str = "",
                 printer: ReceiptPrinter | None = None, family: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Comprehensive window"))
        self.bridge = bridge
        self.options = options
        self.hall_name = hall_name
        self.printer = printer
        self.session: Session | None = None  # the signed-in account's (hall/session.py)
        self.window_name = ""
        self.read: CardRead | None = None
        self.queue_state: QueueState | None = None
        self._seen_conflicts: set[str] | None = None
        self._locked = False
        self._reading = False  # a queue read in flight
        self._read_again = False
        self.signin = SignInPage(hall_name, options.window)
        self.lock = LockPage()
        self.work = WorkPage()
        self.bench = WorkbenchPage()  # a department account's 待审批
        for page in (self.signin, self.work, self.lock, self.bench):
            self.addWidget(page)
        self.a4 = A4Printer(options.receipt_pdf, options.a4_printer, family, parent=self)
        self.a4.printed.connect(self._a4_printed)
        self.a4.failed.connect(self._a4_failed)
        if printer is not None:
            printer.job_done.connect(self._slip_done)
        self.idle = IdleWatch(options.lock_after, min(30.0, options.lock_after / 2), parent=self)
        self.idle.countdown.connect(lambda s: self.work.say(
            self.tr("The desk locks in {s} seconds.").format(s=s)))
        self.idle.resumed.connect(lambda: self.work.say(""))
        self.idle.expired.connect(self.lock_now)
        self.keys = DeskKeys(self.act, self._keys_active, parent=self)
        self.keys.install()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.timeout.connect(self.refresh)
        self._wire()
        # 预约: the bookings tab and the no-show clock, as the signed-in clerk
        self.bookings = DeskBookings(self.work.bookings, bridge, lambda: self.session,
                                     lambda: self.read, self)
        # 差评整改: the follow-ups tab, a supervisor's (desk/follow_ups.py)
        self.follow_ups = DeskFollowUps(self.work.follow_ups, bridge, lambda: self.session, self)
        bridge.changed.connect(self._changed)
        bridge.submit(lambda h: (h.config.display_name, list(h.catalog.services)),
                      self._catalog_loaded, self._error)

    # -- wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        w = self.work
        self.signin.sign_in.connect(self.sign_in)
        self.lock.unlock.connect(self.unlock)
        self.lock.switch_user.connect(self.sign_out)
        w.lock_button.clicked.connect(self.lock_now)
        w.sign_out_button.clicked.connect(self.sign_out)
        w.conflicts_button.clicked.connect(self.show_conflicts)
        w.matters_button.clicked.connect(self.window_services)
        w.settings_button.clicked.connect(self.hall_settings)
        w.queue.action.connect(self.act)
        w.queue.resume.connect(self.resume)
        w.queue.take_help.connect(self.take_help)
        w.applicant.clear_button.clicked.connect(lambda: self.show_read(None))
        w.acceptance.accept_requested.connect(self.accept_case)
        w.acceptance.notice_requested.connect(self.missing_notice)
        w.acceptance.refuse_requested.connect(self.refuse_case)
        w.delivery.lookup.connect(self.find_case)
        w.delivery.complete.connect(self.complete_case)
        w.delivery.deliver.connect(self.deliver_case)
        w.delivery.supply.connect(self.supply_material)
        w.delivery.correct.connect(self.correct_part)
        self.bench.decide.connect(self.decide_part)
        self.bench.case_chosen.connect(self.bench_case)
        self.bench.sign_out.connect(self.sign_out)
        w.figures.export.connect(self.export_figures)
        w.figures.refresh.connect(self.refresh_figures)
        w.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.refresh_ready()
        if index == 2:
            self.refresh_figures()
        if index == self.work.follow_ups_tab:
            self.follow_ups.refresh()

    def run_dialog(self, dialog: QDialog) -> bool:
        """A modal dialog; afterwards the desk takes the focus back itself (a desk PC may run
        without a window manager to do it, and the desk's keys need their window active)."""
        accepted = bool(dialog.exec())
        dialog.deleteLater()
        self.activateWindow()
        return accepted

    def _catalog_loaded(self, loaded: tuple[str, list[Any]]) -> None:
        self.hall_name = loaded[0]
        self.signin.hall_name.setText(loaded[0])
        self.work.acceptance.set_services(loaded[1])
        self.services = loaded[1]

    def _keys_active(self) -> bool:
        return self.currentWidget() is self.work and not self._locked

    def submit(self, fn: Callable[[Session], Any],
               on_done: Callable[[Any], object] | None = None,
               *, where: Callable[[str, str], None] | None = None) -> None:
        """A command in the signed-in account's session (run in the hall's worker: the face
        holds the session, never the hall); its error is said where the clerk is looking."""
        say = where or self.work.say
        session = self.session
        if session is None:  # signed out meanwhile (a late key or card): nothing to run
            return
        self.bridge.submit(lambda _h: fn(session), on_done,  # type: ignore[arg-type]
                           lambda e: say(messages.for_error(e), "error"))

    def _error(self, error: HallError) -> None:
        self.work.say(messages.for_error(error), "error")

    # -- session -----------------------------------------------------------------------------
    def _session(self) -> Session:
        """The signed-in account's session (a command is only offered while there is one)."""
        assert self.session is not None
        return self.session

    def sign_in(self, user: str, password: str, window: str) -> None:
        def done(got: tuple[Session, dict[str, Any]]) -> None:
            session, heard = got
            self.session, self.window_name = session, window
            self.signin.reset()
            if session.role == "department":  # the workbench: 待审批, with its own F5–F8
                self.keys.remove()
                self.bench.show_session(self.hall_name, session.department or "", session.name)
                self.bench.say("")
                self.setCurrentWidget(self.bench)
                self._locked = False
                self.idle.start()
                self._status_timer.start()
                self.refresh()
                self.bench.table.setFocus()
                return
            self.work.show_session(self.hall_name, window, session.name, session.role)
            age = heard.get("age_s")
            # Signed in from what this desk last heard of the hall's accounts: say how old.
            self.work.say("" if age is None or age < STALE_ACCOUNTS_S else self.tr(
                "Accounts as this desk last heard them from the hall server, {minutes} "
                "minutes ago.").format(minutes=age // 60))
            self.work.figures.csv_button.setVisible(session.can("export"))
            self.work.settings_button.setVisible(session.can("settings"))
            self.work.tabs.setTabVisible(self.work.follow_ups_tab,
                                         DeskFollowUps.allowed(session))
            self.setCurrentWidget(self.work)
            self._locked = False
            self.idle.start()
            self._status_timer.start()
            self._seen_conflicts = None
            self.refresh()
            self.bookings.start(getattr(self, "services", []))

        def check(h: Hall) -> tuple[Session, dict[str, Any]]:
            from hall.windows import check_window_name

            session = h.sign_in(user, password, window=check_window_name(window))
            return session, session.accounts.as_of()

        self.bridge.submit(check, done,
                           lambda e: self.signin.show_error(messages.for_error(e)))

    def lock_now(self) -> None:
        if self.session is None:
            return
        self._locked = True
        self.idle.stop()
        self.lock.lock_for(self.session.name, self.window_name)
        self.setCurrentWidget(self.lock)

    def unlock(self, password: str) -> None:
        user, window = self._session().name, self.window_name

        def done(session: Session) -> None:
            self.session = session
            self._locked = False
            self.setCurrentWidget(self.bench if session.role == "department" else self.work)
            self.work.say("")
            self.idle.start()
            self.refresh()

        self.bridge.submit(lambda h: h.sign_in(user, password, window=window), done,
                           lambda e: self.lock.show_error(messages.for_error(e)))

    def sign_out(self) -> None:
        session = self.session
        self.session, self._locked = None, False
        self.idle.stop()
        self._status_timer.stop()
        self.bookings.stop()
        self.show_read(None)
        self.work.delivery.show_case(None)
        self.keys.install()  # the window's F1–F7 again
        if session is not None:
            self.bridge.submit(lambda _h: session.sign_out())
        self.signin.reset()
        self.setCurrentWidget(self.signin)

    # -- the queue ---------------------------------------------------------------------------
    def _changed(self, changes: Any) -> None:
        if self.session is not None and self.session.role != "department":
            self.bookings.changed(changes)
            self.follow_ups.changed(changes)
        if self.session is not None and (changes.tickets or changes.help or changes.windows
                                             or changes.sync or changes.calls or changes.cases):
            self._refresh_timer.start()  # one read for a burst of commits

    def refresh(self) -> None:
        """Read the queue again: one read in flight at a time, one more after it if asked
        meanwhile (a command's answer and its commit's notification ask together)."""
        if self.session is None:
            return
        if self._session().role == "department":
            self.refresh_bench()
            return
        if self.work.tabs.currentWidget() is self.work.delivery_page:
            self.refresh_ready()
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        window = self.window_name

        def failed(error: HallError) -> None:
            self._read_done()
            self._error(error)

        s = self._session()
        self.bridge.submit(lambda h: read_queue(h, s, window), self._queue_read, failed)

    def _read_done(self) -> None:
        self._reading = False
        if self._read_again:
            self._read_again = False
            self.refresh()

    def _queue_read(self, state: QueueState) -> None:
        self._read_done()
        if self.session is None or state.window != self.window_name:
            return
        before = self.queue_state.current if self.queue_state else None
        self.queue_state = state
        self.work.show_queue(state)
        if state.today:
            self.work.acceptance.set_today(state.today)
        current = state.current
        if current is not None and (before is None or before.id != current.id):
            # a ticket the window already held (a restarted desk) or just called: its matter,
            # not the first of the list, so a hurried F9 accepts what the citizen came for
            self.work.acceptance.choose(current.service)
            if self.read is None:
                self.serving_started.emit()
        self.work.acceptance.show_existing(state.current_cases)
        keys = {c.key for c in state.sync.conflicts}
        if self._seen_conflicts is not None:
            new = [c for c in state.sync.conflicts if c.key not in self._seen_conflicts]
            if new:  # told as soon as known, not only on the button
                text = describe(self, new[-1])
                if len(new) > 1:
                    text += self.tr(" And {n} more: see Conflicts.").format(n=len(new) - 1)
                self.work.say(text, "error")
                self.conflicts_told.emit(new)
        self._seen_conflicts = keys

    def current(self) -> Any:
        return self.queue_state.current if self.queue_state else None

    def act(self, action: str) -> None:
        if self.session is None:
            return
        if action in ("accept", "notice", "refuse"):  # F9 / F10 / F11: the panel's buttons
            panel = self.work.acceptance
            self.work.tabs.setCurrentIndex(0)
            target = {"accept": panel.accept_button, "notice": panel.notice_button,
                      "refuse": panel.refuse_button}[action]
            # after the key's dispatch, not inside it: 不予受理 opens a modal dialog, and a
            # nested event loop inside the shortcut's delivery left the next F-key unheard
            QTimer.singleShot(0, target.click)
            return
        window, current = self.window_name, self.current()
        if action == "call":
            self.submit(lambda s: s.tickets.call_next(window).value, self._called)
            return
        if current is None:
            self.work.say(self.tr("This window holds no ticket: call one first."), "error")
            return
        if action == "transfer":
            self.transfer(current)
            return
        commands = {"recall": lambda s: s.tickets.recall(current.id),
                    "no_show": lambda s: s.tickets.no_show(current.id),
                    "park": lambda s: s.tickets.park(current.id),
                    "done": lambda s: s.tickets.done(current.id),
                    "start": lambda s: s.tickets.start(current.id),
                    # 请评价: the window's rating pad shows the grades for this visit
                    "ask": lambda s: s.ratings.ask(current.id)}
        after = {"recall": self.tr("{t} called again."), "no_show": self.tr("{t}: no-show."),
                 "park": self.tr("{t} parked."), "done": self.tr("{t} done."),
                 "start": self.tr("Serving {t}."),
                 "ask": self.tr("{t}: the rating pad asks for a rating.")}
        if action not in commands:
            return

        def done(outcome: Any) -> None:
            ticket = outcome.value
            text = after[action].format(t=ticket.number)
            if action == "recall" and ticket.status == "no_show":
                text = self.tr("{t} reached the recall limit: no-show.").format(t=ticket.number)
            self.work.say(text, "status-ok")
            if action in ("done", "no_show"):
                self.show_read(None)
            if action == "start" and self.read is None:
                self.serving_started.emit()
            self.refresh()

        self.submit(commands[action], done)

    def _called(self, ticket: Any) -> None:
        state = self.queue_state
        if (ticket.decided_by == "peers" and state is not None
                and state.sync.screen_hears is False):
            self.work.say(self.tr("Called {t} without the hall server, and no call screen can "
                                  "hear this desk: call the citizen by voice.")
                          .format(t=ticket.number), "error")
        elif ticket.decided_by == "local" and state is not None and state.sync.enrolled:
            self.work.say(self.tr("Called {t} while the hall server cannot be reached. If "
                                  "another window called it too, you will be told.")
                          .format(t=ticket.number), "error")
        else:
            self.work.say(self.tr("Calling {t}.").format(t=ticket.number), "status-ok")
        self.show_read(None)
        self.work.acceptance.choose(ticket.service)
        self.serving_started.emit()
        self.refresh()

    def transfer(self, current: Any) -> None:
        windows = sorted({w for w in self._known_windows() if w != self.window_name})
        dialog = TransferDialog(current.number, list(getattr(self, "services", [])), windows,
                                self)
        if not self.run_dialog(dialog):
            return
        service, window = dialog.target()
        self.submit(lambda s: s.tickets.transfer(current.id, service_id=service,
                                                 window=window),
                    lambda o: (self.work.say(self.tr("{t} transferred.").format(
                        t=o.value.number), "status-ok"), self.refresh()))

    def _known_windows(self) -> list[str]:
        return list(self.queue_state.windows) if self.queue_state else []

    def resume(self, ticket_id: str) -> None:
        window = self.window_name
        self.submit(lambda s: s.tickets.resume(ticket_id, window),
                    lambda o: (self.work.say(self.tr("{t} resumed.").format(t=o.value.number),
                                             "status-ok"), self.refresh()))

    def take_help(self, request_id: str) -> None:
        self.submit(lambda s: s.help.answer(request_id),
                    lambda o: (self.work.say(self.tr("You took the help request at kiosk "
                                                     "{kiosk}.").format(kiosk=o.value.terminal),
                                             "status-ok"), self.refresh()))

    def window_services(self) -> None:
        """The matters this window serves: a supervisor sets them, a clerk sees them."""
        state = self.queue_state
        if state is None or self.session is None:
            return
        can_edit = self._session().can("window")  # the hall checks it again on configure
        dialog = WindowServicesDialog(self.window_name, list(getattr(self, "services", [])),
                                      state.served, can_edit, self)
        if not self.run_dialog(dialog) or not can_edit:
            return
        chosen = dialog.chosen()
        window = self.window_name
        self.submit(lambda s: s.windows.configure(window, chosen),
                    lambda _o: (self.work.say(self.tr("The matters of window {window} are "
                                                      "saved.").format(window=window),
                                              "status-ok"), self.refresh()))

    def hall_settings(self) -> None:
        """大厅设置: a supervisor changes the hall's settings; the hub signs them."""
        if self.session is None or not self._session().can("settings"):
            return
        self.submit(lambda s: s.settings.view(), self._settings_read)

    def _settings_read(self, shown: Any) -> None:
        from desk.settings_dialog import HallSettingsDialog

        dialog = HallSettingsDialog(shown.version, shown.signed_by, shown.settings, self)
        if not self.run_dialog(dialog):
            return
        changes = dialog.changes()
        if not changes:
            return
        self.submit(lambda s: s.settings.request(changes),
                    lambda _o: self.work.say(self.tr("Hall settings sent: the hub signs them, "
                                                     "then every terminal runs them."),
                                             "status-ok"))

    def show_conflicts(self) -> None:
        conflicts = self.queue_state.sync.conflicts if self.queue_state else ()
        self.run_dialog(ConflictsDialog(conflicts, self))

    # -- the applicant -----------------------------------------------------------------------
    def card_presented(self, card: Any) -> None:
        """An ID card or 社保卡 read by a device watch (hall.identity.IdCard / SocialCard)."""
        if self.session is None or self._locked:
            return
        self.idle.poke()
        self.submit(lambda s: s.cards.read(card, purpose="case"), self.show_read,
                    where=self.work.applicant.show_warning)

    def code_scanned(self, payload: str) -> None:
        """A QR payload: a receipt's (出件) on the delivery tab, else a 身份码 / 企业码."""
        if self.session is None or self._locked:
            return
        self.idle.poke()
        if self.work.tabs.currentWidget() is self.work.delivery_page:
            self.work.delivery.case_input.setText(payload)
            self.find_case(payload.rstrip("/").rsplit("/", 1)[-1])
            return
        self.submit(lambda s: s.cards.read_code(payload), self.show_read,
                    where=self.work.applicant.show_warning)

    def show_read(self, read: CardRead | None) -> None:
        self.read = read
        self.work.applicant.show_read(read)
        if read is not None and self.work.tabs.currentWidget() is not self.work.delivery_page:
            self.work.tabs.setCurrentIndex(0)  # on 出件 the card is the collector's: stay
        if read is not None and self.work.tabs.currentWidget() is self.work.delivery_page:
            self.work.delivery.say(self.tr("Collector: {who}").format(
                who=f"{read.masked_name} {read.masked_id}"))

    # -- cases -------------------------------------------------------------------------------
    def _need_read(self) -> CardRead | None:
        if self.read is None:
            self.work.applicant.show_warning(self.tr("Read the applicant's card or code first."))
        return self.read

    def accept_case(self, form: AcceptForm) -> None:
        read = self._need_read()
        if read is None:
            return
        if form.missing:
            required = {m.name for m in self.work.acceptance.current_service().materials
                        if m.required}
            if required & set(form.missing):
                self.work.say(self.tr("Some required materials are not handed in: print what "
                                      "is missing, or mark them deferred."), "error")
                return
        from hall.cases import MaterialItem

        items = [MaterialItem(m.material, m.status, due=m.due)  # type: ignore[arg-type]
                 for m in form.marks if m.status != "missing"]
        self._accept(form, read, items, another=False)

    def _accept(self, form: AcceptForm, read: CardRead, items: list[Any], *,
                another: bool) -> None:
        session, current = self._session(), self.current()

        def accept(s: Session) -> tuple[Any, ReceiptSlip]:
            if current is not None and current.status == "called":
                s.tickets.start(current.id)
            case = s.cases.accept(form.service_id, s.cards.applicant(read), items,
                                  ticket=current.id if current else None,
                                  promise=form.promise or None, assisted=form.assisted,
                                  another=another).value
            return case, s.slips.case_receipt(case)

        def refused(error: HallError) -> None:
            if error.code != "ticket_has_case" or another:
                self.work.say(messages.for_error(error), "error")
                return
            # the ticket has a case already (a desk restarted mid-visit): a second matter of
            # the same visit only when the clerk says so
            if self.ask_another_case(str(error.params.get("case", ""))):
                self._accept(form, read, items, another=True)

        def done(result: tuple[Any, ReceiptSlip]) -> None:
            case, slip = result
            self.print_slip(slip, case.number)
            deferred = len(case.outstanding)
            text = self.tr("Accepted: case {case}, promised by {date}.").format(
                case=case.number, date=case.promised or "—")
            if deferred:
                text += self.tr(" {n} deferred, under a signed promise.").format(n=deferred)
            self.work.say(text, "status-ok")
            self.work.acceptance.reset()
            self.refresh()

        self.bridge.submit(lambda _h: accept(session), done, refused)

    def ask_another_case(self, case: str) -> bool:
        """This ticket already has `case`: accept a second matter of the same visit?"""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("This ticket has a case"),
                          self.tr("This ticket already has case {case}. Accept another matter "
                                  "of the same visit?").format(case=case),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # a hurried Enter makes no case
        answer = box.exec()
        box.deleteLater()
        self.activateWindow()
        return bool(answer == QMessageBox.StandardButton.Yes)

    def missing_notice(self, form: AcceptForm) -> None:
        if not form.missing:
            self.work.say(self.tr("Nothing is missing: every material is marked."), "notice")
            return
        masked = self.read.masked_name if self.read is not None else ""
        self.submit(lambda s: s.slips.missing_notice(form.service_id, form.missing, masked),
                    lambda slip: (self.print_slip(slip, f"{form.service_id}"),
                                  self.work.say(self.tr("The notice of missing materials is "
                                                        "printing."), "status-ok")))

    def refuse_case(self, service_id: str) -> None:
        read = self._need_read()
        if read is None:
            return
        service = self.work.acceptance.current_service()
        dialog = RefuseDialog(service.name, self)
        if not self.run_dialog(dialog):
            return
        reasons = dialog.reason_list()
        current = self.current()

        def refuse(s: Session) -> tuple[Any, ReceiptSlip]:
            case = s.cases.refuse(service_id, s.cards.applicant(read), reasons,
                                  ticket=current.id if current else None).value
            return case, s.slips.case_receipt(case)

        def done(result: tuple[Any, ReceiptSlip]) -> None:
            case, slip = result
            self.print_slip(slip, case.number)
            self.work.say(self.tr("Refused: case {case}; the notice with the reasons is "
                                  "printing.").format(case=case.number), "status-ok")

        self.submit(refuse, done)

    def print_slip(self, slip: ReceiptSlip, key: str) -> None:
        """A4 (PDF or printer) and the short slip on the thermal printer."""
        self.a4.print_slip(slip, key)
        if self.printer is not None:
            from devices.escpos.layout import receipt_slip_layout

            try:
                self.printer.print_layout(receipt_slip_layout(slip), "receipt")
            except ValueError as exc:  # a layout refused (an unmasked number): never printed
                log.warning("receipt slip refused: %s", exc)

    def _a4_printed(self, _token: int, path: Any) -> None:
        self.last_pdf = path

    def _a4_failed(self, _token: int, _why: str) -> None:
        self.work.say(self.tr("The A4 printer is not available; the slip printer has the "
                              "receipt."), "error")

    def _slip_done(self, _token: int, printed: bool, state: Any) -> None:
        if not printed:
            from ui.hardware.printer import STATE_CODES

            self.work.say(messages.text(STATE_CODES.get(state.state, "printer")), "error")

    # -- 出件 --------------------------------------------------------------------------------
    def find_case(self, ref: str) -> None:

        def found(case: Any) -> None:
            self.work.delivery.clear_message()  # no stale "找不到办件…" beside a found case
            self.work.delivery.show_case(case)

        def missing(text: str, _role: str) -> None:
            self.work.delivery.show_case(None)  # no case left beside "找不到办件…"
            self.work.delivery.say(text, "error")

        self.submit(lambda s: s.cases.get(ref), found, where=missing)

    def supply_material(self, case_id: str, material: str) -> None:
        """补交 at the desk: a deferred (容缺) material is handed in."""
        self.submit(lambda s: s.cases.supply(case_id, material).value,
                    lambda c: (self.work.delivery.show_case(c),
                               self.work.delivery.say(self.tr("{m} handed in.").format(
                                   m=material))),
                    where=self.work.delivery.say)

    # -- the back office ---------------------------------------------------------------------
    def refresh_bench(self) -> None:
        s = self._session()
        self.bridge.submit(lambda h: s.parts.queue(), self.bench.show_parts,
                           lambda e: self.bench.say(messages.for_error(e), "error"))

    def bench_case(self, number: str) -> None:
        s = self._session()
        self.bridge.submit(lambda h: s.cases.get(number), self.bench.show_case,
                           lambda e: self.bench.say(messages.for_error(e), "error"))

    def decide_part(self, number: str, step: int, outcome: str, note: str) -> None:
        s = self._session()
        said = {"received": self.tr("Signed for."), "approved": self.tr("Approved."),
                "rejected": self.tr("Not permitted: recorded with its reasons."),
                "correction": self.tr("Correction asked: the window will tell the applicant.")}

        def done(outcome_: Any) -> None:
            self.bench.say(f"{number} · {step}: {said[outcome]}", "status-ok")
            self.bench.show_case(outcome_.value)
            self.refresh_bench()

        self.bridge.submit(lambda h: s.parts.decide(number, step, outcome, note or None),
                           done, lambda e: self.bench.say(messages.for_error(e), "error"))

    def refresh_ready(self) -> None:
        s = self.session
        if s is None or not s.can("case"):
            return
        self.bridge.submit(lambda h: s.parts.ready(), self.work.delivery.show_ready,
                           lambda e: self.work.delivery.say(messages.for_error(e), "error"))

    def correct_part(self, case_id: str, step: int) -> None:
        self.submit(lambda s: s.parts.correct(case_id, step).value,
                    lambda c: (self.work.delivery.show_case(c),
                               self.work.delivery.say(self.tr("Correction handed in: back with "
                                                              "the department."))),
                    where=self.work.delivery.say)

    def complete_case(self, case_id: str) -> None:

        def complete(s: Session) -> tuple[Any, ReceiptSlip | None]:
            case = s.cases.complete(case_id).value
            rejected = any(s.status == "rejected" for s in case.steps)
            return case, s.slips.not_permitted_notice(case) if rejected else None

        def done(result: tuple[Any, ReceiptSlip | None]) -> None:
            case, notice = result
            self.work.delivery.show_case(case)
            if notice is not None:  # 不予许可: its notice on A4 and the thermal printer
                self.print_slip(notice, f"{case.number}-notice")
                self.work.delivery.say(self.tr("Completed; the notice of the parts not "
                                               "permitted is printing."))
            else:
                self.work.delivery.say(self.tr("Completed."))
            self.refresh_ready()

        self.submit(complete, done, where=self.work.delivery.say)

    def deliver_case(self, case_id: str, channel: str, tracking: str) -> None:
        collector = self.read
        if channel == "window" and collector is None:
            # the result goes to a person: whose card was read (audited as the read is)
            self.work.delivery.say(self.tr("Read the card of the person collecting the result "
                                           "first (ID card, 社保卡 or code)."), "error")
            return
        handed = (self.tr("Handed out to {who}.").format(
            who=f"{collector.masked_name} {collector.masked_id}") if collector is not None
            else self.tr("Handed out."))
        self.submit(lambda s: s.cases.deliver(case_id, channel,  # type: ignore[arg-type]
                                              tracking or None).value,
                    lambda c: (self.work.delivery.show_case(c),
                               self.work.delivery.say(handed if channel == "window"
                                                      else self.tr("Sent by mail."))),
                    where=self.work.delivery.say)

    # -- figures -----------------------------------------------------------------------------
    def refresh_figures(self) -> None:
        if self.session is None:
            return
        self.submit(lambda s: read_figures(s), self._figures_read,
                    where=self.work.figures.say)

    def _figures_read(self, state: FiguresState) -> None:
        self.work.figures.show_figures(state, self._session().can("export"))

    def export_figures(self, fmt: str) -> None:
        folder = self.options.export_dir or self.options.data_dir / "exports"

        def export(s: Session) -> Any:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"figures-{s.today()}-{s.name}.{fmt}"
            return s.admin.export_stats(path, fmt).value  # type: ignore[arg-type]

        self.submit(export, lambda r: self.work.figures.say(
            self.tr("Exported to {file}").format(file=r.file)), where=self.work.figures.say)

    def stop(self) -> None:
        self.bookings.stop()
        self.idle.stop()
        self.keys.remove()
        self.a4.stop()
