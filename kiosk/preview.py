"""Every kiosk screen for `--screenshots DIR`, reached the way a person reaches it: a terminal set
up in a temporary folder, the emulated ID reader, scanner and printer, sample visits (a case
accepted, a visit served), and each window driven through its real flow before the shot."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from ui.app import Shell
from ui.screenshots import PageFactory

HALL_NAME = "十堰市政务服务中心"
# the accounts of a throwaway terminal in a temporary folder, removed when the preview ends
_PREVIEW_SECRET = "preview-only-2468"


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.005)
    return True


def seed(data_dir: Path) -> None:
    """A set-up terminal with a technician PIN, an accepted case of the sample resident and a
    served visit to rate (all through the hall, as a desk would)."""
    from devices.emulators import people
    from hall.cases import MaterialItem
    from hall.terminal_setup import setup_terminal
    from ui.opening import sample_door

    setup_terminal(data_dir, "SY-ZW01", "K3", hall_name=HALL_NAME, standalone=True)
    with sample_door(data_dir) as hall:
        op = hall.operator
        op.accounts.set_technician_pin("246810")
        read = op.cards.read(people.RESIDENT)
        service = op.catalog.get("newborn")
        items = [MaterialItem(m.name, "submitted") for m in service.materials]
        case = op.cases.accept("newborn", op.cards.applicant(read), items).value
        # 后台: the health commission's account decides its parts, as at its workbench
        admin = hall.first_admin("preview", _PREVIEW_SECRET)
        admin.accounts.add("wjw1", "department", _PREVIEW_SECRET, department="市卫健委")
        health = hall.sign_in("wjw1", _PREVIEW_SECRET)
        for step in (1, 2):
            health.parts.decide(case.number, step, "received")
            health.parts.decide(case.number, step, "approved")
        for service_id in ("newborn", "newborn", "retirement", "hukou_transfer"):
            op.tickets.take(service_id)
        served = op.tickets.take("consultation").value
        op.windows.configure("1", None)
        called = op.tickets.call_ticket(served.id, "1").value
        op.tickets.start(called.id)
        op.tickets.done(called.id)


class Preview:
    def __init__(self, shell: Shell) -> None:
        from devices.emulators.id_reader import IdReaderEmulator
        from devices.emulators.printer import PrinterEmulator
        from devices.emulators.scanner import ScannerEmulator
        from kiosk.context import close_context, open_context

        self.shell = shell
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-preview-"))
        self.data_dir = self.folder / "terminal"
        seed(self.data_dir)
        self.printer = PrinterEmulator(0, self.folder / "printed")
        self.printer.plug()
        self.id_reader = IdReaderEmulator()
        self.id_reader.start()
        self.scanner = ScannerEmulator()
        self.scanner.start()
        (self.data_dir / "devices.json").write_text(json.dumps(
            {"id_reader": self.id_reader.path, "printer": self.printer.url,
             "scanner": self.scanner.path}), encoding="utf-8")
        (self.data_dir / "voice.json").write_text('{"player": "none"}', encoding="utf-8")
        self.ctx = open_context(self.data_dir, voice=False, poll=0.1, reopen=0.2,
                                probe_interval=0.2, sync=False, wedge=False)
        self.ctx.start()
        wait_until(lambda: self.ctx.bridge.is_ready and all(
            s.ready for s in self.ctx.devices.states() if s.configured))
        self.read = self._job(lambda kiosk: kiosk.cards.read(self._resident()))
        self.elder_read = self._job(lambda kiosk: kiosk.cards.read(self._resident(elder=True)))
        shell.on_quit(self.close)
        atexit.register(self._remove)
        self._close_context = close_context

    @staticmethod
    def _resident(elder: bool = False) -> Any:
        from devices.emulators import people

        return people.RESIDENT_ELDER if elder else people.RESIDENT

    def _job(self, fn: Callable[[Any], Any]) -> Any:
        box: list[Any] = []
        self.ctx.bridge.submit(fn, box.append, box.append)
        wait_until(lambda: bool(box))
        return box[0] if box else None

    def close(self) -> None:
        self._close_context(self.ctx)
        self.printer.close()
        self.id_reader.close()
        self.scanner.close()

    def _remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- the screens -------------------------------------------------------------------------------
    def _paper(self, state: str) -> None:
        self.printer.paper = state
        self.ctx.devices.printer.check_now()
        want = "out_of_paper" if state == "out" else "idle"
        wait_until(lambda: self.ctx.devices.printer.state.state == want, 5)

    def window(self, drive: Callable[[Any], None] | None = None, *, paper: str = "ok") -> Any:
        from kiosk.window import KioskWindow

        # the last shot's window was only deleteLater()'d: gone now, with its idle filter
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self._paper(paper)
        win = KioskWindow(self.ctx, self.shell.theme, default_mode=self.shell.theme.mode)
        wait_until(lambda: win.facts is not None and win.board is not None)
        if drive is not None:
            drive(win)
        wait_until(lambda: self.ctx.bridge.pending == 0, 5)
        return win

    def pages(self) -> Mapping[str, PageFactory]:
        read = self.read

        def services(win: Any) -> None:
            win.start_take()
            win.identified(read)
            wait_until(lambda: bool(win.services.tiles))

        def search(win: Any) -> None:
            services(win)
            win.services.keys_button.setChecked(True)
            win.services.search.setText("xse")
            wait_until(lambda: len(win.services.tiles) == 1, 3)

        def no_id(win: Any) -> None:
            win.start_no_id()
            wait_until(lambda: bool(win.services.tiles))

        def confirm(win: Any) -> None:
            services(win)
            win.choose("newborn")
            wait_until(lambda: win.stack.currentWidget() is win.confirm)

        def ticket(win: Any) -> None:
            confirm(win)
            win.take()
            wait_until(lambda: win.stack.currentWidget() is win.ticket)
            wait_until(lambda: not win._prints, 5)

        def notice(win: Any) -> None:
            win.start_notice()
            wait_until(lambda: bool(win.services.tiles))
            win.choose("newborn")
            wait_until(lambda: win.stack.currentWidget() is win.notice)

        def progress(win: Any) -> None:
            win.start_progress()
            win.identified(read)
            wait_until(lambda: win.progress.area.isVisibleTo(win.progress))

        def rate(win: Any) -> None:
            win.start_rate()
            win.rate.field.setText("E001")

        def grade(win: Any) -> None:
            win.start_rate()
            win.rate_ticket("E001")
            wait_until(lambda: win.rate.step == "grade")

        def reasons(win: Any) -> None:
            grade(win)
            win.grade(1)
            win.rate.reason_buttons[0].setChecked(True)

        def help_sent(win: Any) -> None:
            win.start_help()
            win.ask_help("elder")
            wait_until(lambda: win.help.sent.isVisibleTo(win.help))

        def panel(win: Any) -> None:
            win.open_maintenance()
            win.maintenance.open_panel()
            win._maintenance_panel()

        def countdown(win: Any) -> None:
            services(win)
            win._countdown(8)

        def offline(win: Any) -> None:
            win.ctx = replace(win.ctx, enrolled=True)
            from hall.sync_status import SyncError, SyncStatus

            win._sync_status(SyncStatus(
                terminal="K3", hall="SY-ZW01", enrolled=True, online=False, pending=3,
                last_success_ms=None, last_error=SyncError(0, "hub unreachable"), cursor=None,
                rejected=(), conflicts=(), recovering=False))

        return {
            "home": lambda: self.window(),
            "home-offline": lambda: self.window(offline),
            "identify": lambda: self.window(lambda w: w.start_take()),
            "services": lambda: self.window(services),
            "services-search": lambda: self.window(search),
            "services-no-id": lambda: self.window(no_id),
            "confirm": lambda: self.window(confirm),
            "confirm-paper-out": lambda: self.window(confirm, paper="out"),
            "ticket": lambda: self.window(ticket),
            "ticket-paper-out": lambda: self.window(ticket, paper="out"),
            "notice": lambda: self.window(notice),
            "progress": lambda: self.window(progress),
            "rate": lambda: self.window(rate),
            "rate-grade": lambda: self.window(grade),
            "rate-reasons": lambda: self.window(reasons),
            "check-in": lambda: self.window(lambda w: w.start_check_in()),
            "help": lambda: self.window(lambda w: w.start_help()),
            "help-sent": lambda: self.window(help_sent),
            "maintenance-pin": lambda: self.window(lambda w: w.open_maintenance()),
            "maintenance": lambda: self.window(panel),
            "countdown": lambda: self.window(countdown),
        }
