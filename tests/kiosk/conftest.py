"""A kiosk on a set-up terminal with its devices at the far end of real transports: the GA 467
ID reader and the QR scanner on ptys, the ESC/POS printer on TCP (and the 社保卡 through pcscd +
vpcd where a test asks for it). The window runs its real flows through the real bridge."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from devices.emulators.id_reader import IdReaderEmulator
from devices.emulators.printer import PrinterEmulator
from devices.emulators.scanner import ScannerEmulator
from hall.actors import Actor
from hall.app import Hall
from kiosk.context import close_context, open_context
from kiosk.flows.base import KioskContext
from kiosk.window import KioskWindow
from tests.security.samples import SampleIssuer
from tests.ui.conftest import data_dir, shell, terminal_template  # noqa: F401 (fixtures)
from ui.app import Shell

OP = Actor.operator("tests")
PIN = "246810"
ISSUER = SampleIssuer("HBID1.")


@dataclass
class Kiosk:
    window: KioskWindow
    ctx: KioskContext
    data_dir: Path
    printer: PrinterEmulator
    id_reader: IdReaderEmulator
    scanner: ScannerEmulator
    qtbot: QtBot

    # --- what a person does --------------------------------------------------------------------
    def tap(self, widget: QAbstractButton) -> None:
        # a widget added to a shown layout is shown by a queued call: wait for it
        self.qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=5_000)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type(self, text: str, keyboard: Any) -> None:
        for char in text:
            self.tap(keyboard.keys[char.upper()])

    def card(self, card: Any) -> None:
        self.id_reader.present(card)

    def take_card_away(self) -> None:
        self.id_reader.present(None)

    def on(self, page: QWidget, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(lambda: self.window.stack.currentWidget() is page, timeout=timeout)

    def idle(self) -> None:
        """Until the hall's thread has nothing queued (results delivered)."""
        self.qtbot.waitUntil(lambda: self.ctx.bridge.pending == 0, timeout=10_000)

    def printed(self, count: int = 1) -> Any:
        # not printer.wait_for: the GUI thread must turn for the print to be sent at all
        self.qtbot.waitUntil(lambda: len(self.printer.tickets) >= count, timeout=10_000)
        return self.printer.tickets[count - 1]

    def hall(self) -> Hall:
        """The hall as a desk or the CLI sees it (another connection to the same store)."""
        return Hall.open(self.data_dir)


def configure_terminal(folder: Path, printer: PrinterEmulator, id_reader: IdReaderEmulator,
                       scanner: ScannerEmulator, extra: dict[str, str] | None = None) -> None:
    devices = {"id_reader": id_reader.path, "printer": printer.url, "scanner": scanner.path}
    devices.update(extra or {})
    (folder / "devices.json").write_text(json.dumps(devices), encoding="utf-8")
    (folder / "voice.json").write_text('{"player": "none"}', encoding="utf-8")
    (folder / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": ISSUER.public_key, "kind": "person"}]}), encoding="utf-8")
    with Hall.open(folder) as hall:
        hall.accounts.set_technician_pin(OP, PIN)


@pytest.fixture
def make_kiosk(shell: Shell, qtbot: QtBot, tmp_path: Path,  # noqa: F811
               data_dir: Path) -> Iterator[Callable[..., Kiosk]]:  # noqa: F811
    made: list[tuple[Kiosk, list[Any]]] = []

    def make(folder: Path | None = None, *, size: tuple[int, int] = (1080, 1920),
             idle_s: float = 60, warning_s: float = 10, done_s: float = 20,
             devices: dict[str, str] | None = None, sync: bool = False,
             voice: bool = True) -> Kiosk:
        folder = folder or data_dir
        printer = PrinterEmulator(0, tmp_path / f"printed-{len(made)}")
        printer.plug()
        id_reader = IdReaderEmulator()
        id_reader.start()
        scanner = ScannerEmulator()
        scanner.start()
        emulators: list[Any] = [printer, id_reader, scanner]
        configure_terminal(folder, printer, id_reader, scanner, devices)
        ctx = open_context(folder, voice=voice, poll=0.1, reopen=0.2, probe_interval=0.3,
                           idle_s=idle_s, sync=sync, wedge=False)
        window = KioskWindow(ctx, shell.theme, warning_s=warning_s, done_s=done_s)
        kiosk = Kiosk(window, ctx, folder, printer, id_reader, scanner, qtbot)
        made.append((kiosk, emulators))
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.facts is not None and window.board is not None,
                        timeout=15_000)
        qtbot.waitUntil(lambda: all(s.ready for s in ctx.devices.states()
                                    if s.configured and s.kind != "sscard_reader"),
                        timeout=10_000)
        return kiosk

    yield make
    for kiosk, emulators in reversed(made):
        kiosk.window.idle.stop()
        kiosk.window.close()
        close_context(kiosk.ctx)
        QApplication.processEvents()  # results the worker sent before it stopped, to a live window
        for emulator in emulators:
            emulator.close()
        kiosk.window.deleteLater()
    shell.theme.set_mode("normal")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """For conditions on other threads or processes (a hub, another terminal)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.02)
    return True


def centre(widget: QWidget) -> QPoint:
    return widget.rect().center()
