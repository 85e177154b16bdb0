"""Device wrappers through the real emulators: the ID reader on a pty, the scanner on a pty, the
printer on TCP, the 社保卡 through pcscd + vpcd; and the keyboard-wedge filter on real key events.
Every signal must arrive in the GUI thread; a missing device is a state, never an exception."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from devices import sscard
from devices.emulators import people
from devices.emulators.id_reader import IdReaderEmulator
from devices.emulators.printer import PrinterEmulator
from devices.emulators.scanner import SAMPLE_PAYLOADS, ScannerEmulator
from devices.emulators.sscard import CardBehaviour, VirtualSocialCard
from devices.escpos.layout import ticket_layout
from ui.hardware import (
    IdCardWatch,
    ReceiptPrinter,
    SerialScannerWatch,
    SocialCardWatch,
    WedgeScanFilter,
)


# --- ID card reader ---------------------------------------------------------------------------
@pytest.fixture
def id_reader() -> Iterator[IdReaderEmulator]:
    with IdReaderEmulator() as emulator:
        yield emulator


@pytest.fixture
def id_watch(id_reader: IdReaderEmulator, qtbot: QtBot) -> Iterator[IdCardWatch]:
    watch = IdCardWatch(id_reader.path, poll=0.1, reopen=0.2)
    with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                          check_params_cb=lambda state, _e: state == "ready"):
        watch.start()
    yield watch
    assert watch.stop()


def test_a_card_is_read_once_while_it_lies_there(id_reader: IdReaderEmulator,
                                                 id_watch: IdCardWatch, qtbot: QtBot) -> None:
    with qtbot.waitSignal(id_watch.card_read, timeout=10_000) as read:
        id_reader.present(people.RESIDENT)
    assert read.args[0] == people.RESIDENT
    with qtbot.assertNotEmitted(id_watch.card_read, wait=600):
        pass  # still on the reader: not read again
    id_reader.present(None)
    time.sleep(0.3)  # the watch sees the reader empty
    with qtbot.waitSignal(id_watch.card_read, timeout=10_000) as second:
        id_reader.present(people.RESIDENT_ELDER)
    assert second.args[0].id_number == people.RESIDENT_ELDER.id_number


def test_a_failed_read_is_a_signal_with_a_code(id_reader: IdReaderEmulator,
                                               id_watch: IdCardWatch, qtbot: QtBot) -> None:
    with qtbot.waitSignal(id_watch.failed, timeout=10_000) as failed:
        id_reader.faults.extend(["read_failed"] * 5)  # every retry of this read fails
        id_reader.present(people.RESIDENT)
    assert failed.args[0].code == "card_read"
    id_reader.present(None)
    time.sleep(0.3)
    id_reader.faults.clear()
    with qtbot.waitSignal(id_watch.card_read, timeout=10_000):
        id_reader.present(people.RESIDENT)


def test_an_unplugged_reader_is_missing_then_back(qtbot: QtBot) -> None:
    emulator = IdReaderEmulator()
    emulator.start()
    watch = IdCardWatch(emulator.path, poll=0.1, reopen=0.2)
    with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                          check_params_cb=lambda state, _e: state == "ready"):
        watch.start()
    try:
        with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                              check_params_cb=lambda state, _e: state == "missing") as lost:
            emulator.close()  # the USB-serial adapter pulled out
        assert lost.args[1].code in ("device_missing", "device_timeout")
    finally:
        assert watch.stop()


def test_a_reader_unplugged_while_a_card_lies_on_it_is_missing(qtbot: QtBot) -> None:
    """Waiting for the card to be taken away, the reader asks FIND_CARD; on a vanished line the
    input flush raises termios.error (no OSError): still "missing", not a read error forever."""
    emulator = IdReaderEmulator()
    emulator.start()
    watch = IdCardWatch(emulator.path, poll=0.1, reopen=0.2)
    with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                          check_params_cb=lambda state, _e: state == "ready"):
        watch.start()
    try:
        with qtbot.waitSignal(watch.card_read, timeout=10_000):
            emulator.present(people.RESIDENT)
        with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                              check_params_cb=lambda state, _e: state == "missing"):
            emulator.close()
    finally:
        assert watch.stop()


def test_no_reader_at_all(qtbot: QtBot, tmp_path: Path) -> None:
    watch = IdCardWatch(str(tmp_path / "ttyUSB9"), reopen=0.2)
    with qtbot.waitSignal(watch.state_changed, timeout=10_000) as missing:
        watch.start()
    assert missing.args[0] == "missing" and missing.args[1].code == "device_missing"
    assert watch.stop()


# --- serial QR scanner -------------------------------------------------------------------------
def test_serial_scanner_payloads(qtbot: QtBot) -> None:
    with ScannerEmulator() as emulator:
        watch = SerialScannerWatch(emulator.path, poll=0.1)
        with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                              check_params_cb=lambda state, _e: state == "ready"):
            watch.start()
        try:
            for payload in (SAMPLE_PAYLOADS["shenfenma"], SAMPLE_PAYLOADS["qiyema"]):
                with qtbot.waitSignal(watch.scanned, timeout=10_000) as scanned:
                    emulator.scan(payload)
                assert scanned.args == [payload]
        finally:
            assert watch.stop()


# --- keyboard-wedge scanner ---------------------------------------------------------------------
def _type(widget: QLineEdit, text: str, start_ms: int, gap_ms: int) -> None:
    """Key presses carrying the window system's timestamps, as real input does."""
    for i, char in enumerate(text):
        key = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char.upper()))
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(start_ms + i * gap_ms)
            QApplication.sendEvent(widget, event)


@pytest.fixture
def wedge(qapp: QApplication) -> Iterator[WedgeScanFilter]:
    scan_filter = WedgeScanFilter()
    scan_filter.install(qapp)
    yield scan_filter
    scan_filter.remove(qapp)


def test_a_wedge_burst_is_a_scan_not_typing(wedge: WedgeScanFilter, qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    with qtbot.waitSignal(wedge.scanned, timeout=5_000) as scanned:
        _type(field, "QYM:914203\r", 1_000_000, 8)
    assert scanned.args == ["QYM:914203"]
    assert field.text() == ""  # the burst never reached the field


def test_a_person_typing_reaches_the_field(wedge: WedgeScanFilter, qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    with qtbot.assertNotEmitted(wedge.scanned, wait=200):
        _type(field, "A023\r", 2_000_000, 150)
    assert entered == ["A023"]
    _type(field, "7", 3_000_000, 0)  # a lone key: released by the expiry timer
    qtbot.waitUntil(lambda: field.text() == "A0237", timeout=2_000)


# --- receipt printer ---------------------------------------------------------------------------
def _ticket(number: str) -> object:
    return ticket_layout(number, "新生儿出生一件事", "2026-11-23 09:00", 2,
                         f"https://hall.example/q/{number}", "示例政务服务中心")


@pytest.fixture
def printer_emulator(tmp_path: Path) -> Iterator[PrinterEmulator]:
    with PrinterEmulator(0, tmp_path / "printed") as emulator:
        yield emulator


def _started(printer: ReceiptPrinter, qtbot: QtBot, state: str) -> None:
    with qtbot.waitSignal(printer.state_changed, timeout=10_000,
                          check_params_cb=lambda s: s.state == state):
        printer.start()


def test_a_ticket_prints_through_the_spool(printer_emulator: PrinterEmulator, tmp_path: Path,
                                          qtbot: QtBot) -> None:
    printer = ReceiptPrinter(printer_emulator.url, tmp_path / "spool")
    _started(printer, qtbot, "idle")
    try:
        with qtbot.waitSignal(printer.job_done, timeout=10_000) as done:
            token = printer.print_layout(_ticket("A001"))  # type: ignore[arg-type]
        assert done.args[0] == token and done.args[1] is True
        assert printer_emulator.wait_for(1)
        ticket = printer_emulator.tickets[0]
        assert "A001" in ticket.text() and "新生儿出生一件事" in ticket.text()
        assert [line.qr for line in ticket.lines if line.qr] == ["https://hall.example/q/A001"]
    finally:
        assert printer.stop()


def test_out_of_paper_is_known_before_printing_and_the_job_waits(
        printer_emulator: PrinterEmulator, tmp_path: Path, qtbot: QtBot) -> None:
    printer_emulator.paper = "out"
    printer = ReceiptPrinter(printer_emulator.url, tmp_path / "spool", retry_interval=0.2)
    _started(printer, qtbot, "out_of_paper")  # the probe at start, before anyone prints
    try:
        with qtbot.waitSignal(printer.job_done, timeout=10_000) as done:
            token = printer.print_layout(_ticket("A002"))  # type: ignore[arg-type]
        assert done.args[1] is False and done.args[2].state == "out_of_paper"
        with qtbot.waitSignal(printer.printed_later, timeout=10_000) as later:
            printer_emulator.paper = "ok"  # paper refilled
        assert later.args == [token]
        assert printer_emulator.wait_for(1) and "A002" in printer_emulator.tickets[0].text()
    finally:
        assert printer.stop()


def test_an_unplugged_printer_is_offline(printer_emulator: PrinterEmulator, tmp_path: Path,
                                        qtbot: QtBot) -> None:
    printer = ReceiptPrinter(printer_emulator.url, tmp_path / "spool", probe_interval=0.2)
    _started(printer, qtbot, "idle")
    try:
        with qtbot.waitSignal(printer.state_changed, timeout=10_000,
                              check_params_cb=lambda s: s.state == "offline"):
            printer_emulator.unplug()
    finally:
        assert printer.stop()


def test_no_printer_configured(tmp_path: Path, qtbot: QtBot) -> None:
    printer = ReceiptPrinter(None, tmp_path / "spool")
    printer.start()
    try:
        with qtbot.waitSignal(printer.job_done, timeout=10_000) as done:
            printer.print_layout(_ticket("A003"))  # type: ignore[arg-type]
        assert done.args[1] is False and done.args[2].state == "offline"
        assert printer.state.state == "offline"
    finally:
        assert printer.stop()


# --- 社保卡 through pcscd + vpcd ------------------------------------------------------------------
def _wait_until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "pcscd did not notice the card change"
        time.sleep(0.02)


def test_social_card_insert_error_and_removal(pcscd: str, qtbot: QtBot) -> None:
    watch = SocialCardWatch(pcscd)
    with qtbot.waitSignal(watch.state_changed, timeout=10_000,
                          check_params_cb=lambda state, _e: state == "ready"):
        watch.start()
    try:
        with qtbot.waitSignal(watch.card_inserted, timeout=10_000) as inserted:
            card = VirtualSocialCard(people.SOCIAL)
            card.__enter__()
        assert inserted.args == [pcscd, people.SOCIAL]
        time.sleep(0.1)  # let the watcher disconnect: a yank mid-disconnect confuses vpcd
        with qtbot.waitSignal(watch.card_removed, timeout=10_000):
            card.close()
        _wait_until(lambda: not sscard.card_present(pcscd))
        with qtbot.waitSignal(watch.failed, timeout=10_000) as failed:
            blocked = VirtualSocialCard(people.SOCIAL, behaviour=CardBehaviour(blocked=True))
            blocked.__enter__()
        assert failed.args[0].code == "card_blocked"
        time.sleep(0.1)
        blocked.close()
        _wait_until(lambda: not sscard.card_present(pcscd))
    finally:
        assert watch.stop()
