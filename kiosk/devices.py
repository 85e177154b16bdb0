"""The kiosk's devices as one object: whichever of the ID card reader, the 社保卡 reader, the QR
scanners and the printer `devices.json` names, each on its own thread (ui/hardware), reported
as one card signal, one scan signal and one state per device.

A device that is not configured is simply not offered; one that is configured and missing is a
state with a DeviceError (a plain message on screen), and the others keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from devices.errors import DeviceError
from devices.escpos.spool import QueueState
from ui.hardware import (
    IdCardWatch,
    ReceiptPrinter,
    SerialScannerWatch,
    SocialCardWatch,
    WedgeScanFilter,
)
from ui.hardware.printer import STATE_CODES

KINDS = ("id_reader", "sscard_reader", "scanner", "printer")


@dataclass(frozen=True)
class DeviceState:
    kind: str
    configured: bool
    ready: bool
    error: DeviceError | None = None
    code: str | None = None  # the message code (ui.messages) when not ready


class KioskDevices(QObject):
    card = Signal(object)  # hall.identity.IdCard | SocialCard (masked repr; never log it)
    scanned = Signal(str)  # a QR payload: 身份码/企业码, a receipt's or a ticket's QR
    failed = Signal(object)  # DeviceError of one read or scan
    changed = Signal(str)  # the kind whose state changed

    def __init__(self, config: dict[str, str], spool_dir: Path, *, poll: float = 0.3,
                 reopen: float = 2.0, probe_interval: float = 5.0, wedge: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self._states: dict[str, DeviceState] = {
            k: DeviceState(k, bool(config.get(k)), False) for k in KINDS}
        self.id_watch: IdCardWatch | None = None
        self.sscard_watch: SocialCardWatch | None = None
        self.scanner_watch: SerialScannerWatch | None = None
        self.wedge: WedgeScanFilter | None = WedgeScanFilter(parent=self) if wedge else None
        if config.get("id_reader"):
            self.id_watch = IdCardWatch(config["id_reader"], poll=poll, reopen=reopen,
                                        parent=self)
            self.id_watch.card_read.connect(self.card)
            self.id_watch.failed.connect(self.failed)
            self.id_watch.state_changed.connect(
                lambda state, error: self._loop_state("id_reader", state, error))
        if config.get("sscard_reader"):
            self.sscard_watch = SocialCardWatch(config["sscard_reader"], reopen=reopen,
                                                parent=self)
            self.sscard_watch.card_inserted.connect(lambda _reader, card: self.card.emit(card))
            self.sscard_watch.failed.connect(self.failed)
            self.sscard_watch.state_changed.connect(
                lambda state, error: self._loop_state("sscard_reader", state, error))
        if config.get("scanner"):
            self.scanner_watch = SerialScannerWatch(config["scanner"], poll=poll, reopen=reopen,
                                                    parent=self)
            self.scanner_watch.scanned.connect(self.scanned)
            self.scanner_watch.failed.connect(self.failed)
            self.scanner_watch.state_changed.connect(
                lambda state, error: self._loop_state("scanner", state, error))
        if self.wedge is not None:
            self.wedge.scanned.connect(self.scanned)
        self.printer = ReceiptPrinter(config.get("printer"), spool_dir,
                                      probe_interval=probe_interval, parent=self)
        self.printer.state_changed.connect(self._printer_state)

    # --- life ------------------------------------------------------------------------------------
    def start(self) -> None:
        for watch in (self.id_watch, self.sscard_watch, self.scanner_watch):
            if watch is not None:
                watch.start()
        if self.wedge is not None:
            self.wedge.install()
        self.printer.start()

    def stop(self) -> None:
        if self.wedge is not None:
            self.wedge.remove()
        for watch in (self.id_watch, self.scanner_watch, self.sscard_watch):
            if watch is not None:
                watch.stop()
        self.printer.stop()

    # --- states ----------------------------------------------------------------------------------
    def state(self, kind: str) -> DeviceState:
        return self._states[kind]

    def states(self) -> list[DeviceState]:
        return [self._states[k] for k in KINDS]

    def paper_out(self) -> bool:
        return self.printer.state.state == "out_of_paper"

    def _loop_state(self, kind: str, state: str, error: object) -> None:
        if state == "stopped":
            return
        err = error if isinstance(error, DeviceError) else None
        code = None if state == "ready" else (err.code if err else "device_missing")
        self._set(DeviceState(kind, True, state == "ready", err, code))

    def _printer_state(self, state: QueueState) -> None:
        configured = bool(self.config.get("printer"))
        self._set(DeviceState("printer", configured, state.state in ("idle", "printing"), None,
                              STATE_CODES.get(state.state)))

    def _set(self, state: DeviceState) -> None:
        if self._states.get(state.kind) != state:
            self._states[state.kind] = state
            self.changed.emit(state.kind)
