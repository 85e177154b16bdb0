"""QR scanners for the faces: a serial (USB-COM) scanner watched on its own thread, and a
keyboard-wedge scanner told apart from typing by an application-wide event filter."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from devices.errors import DeviceError, DeviceTimeout, ScanError
from devices.scanner import SerialScanner, WedgeDetector
from ui.hardware.loop import DeviceLoop, as_device_error


def _key(char: str) -> Qt.Key:
    """Qt's key codes of printable Latin-1 characters are their code points (upper case)."""
    try:
        return Qt.Key(ord(char.upper()))
    except ValueError:
        return Qt.Key.Key_unknown


class SerialScannerWatch(DeviceLoop):
    scanned = Signal(str)  # the payload, opaque (身份码, 企业码, a receipt's QR)
    failed = Signal(object)  # DeviceError of one scan (undecodable, no terminator)

    def __init__(self, port: str, *, baudrate: int = 9600, poll: float = 0.3,
                 reopen: float = 2.0, parent: QObject | None = None) -> None:
        super().__init__(reopen=reopen, parent=parent)
        self.port, self.baudrate, self.poll = port, baudrate, poll
        self.setObjectName("qr-scanner")

    def run(self) -> None:
        scanner: SerialScanner | None = None
        while not self.stopping():
            if scanner is None:
                try:
                    scanner = SerialScanner(self.port, baudrate=self.baudrate)
                except BaseException as exc:
                    self._set_state("missing", as_device_error(exc, "扫码器"))
                    self.pause(self.reopen)
                    continue
                self._set_state("ready")
            try:
                payload = scanner.read_payload(timeout=self.poll)
            except DeviceTimeout:
                continue
            except ScanError as exc:
                self.failed.emit(exc)
            except (DeviceError, OSError) as exc:
                scanner.close()
                scanner = None
                self._set_state("missing", as_device_error(exc, "扫码器"))
                self.pause(self.reopen)
            else:
                self.scanned.emit(payload)
        if scanner is not None:
            scanner.close()


class WedgeScanFilter(QObject):
    """A keyboard-wedge scanner types its payload and Enter within milliseconds; a person needs
    far longer between keys. Installed on the QApplication, this filter holds printable key
    presses back until WedgeDetector knows who typed them: a scanner's burst becomes `scanned`
    and never reaches the focused field, a person's keys are replayed to it (about 40 ms late,
    unnoticeable). Keys with Ctrl/Alt/Meta, and non-printing keys, pass straight through."""

    scanned = Signal(str)

    def __init__(self, detector: WedgeDetector | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.detector = detector or WedgeDetector()
        self._replaying = False
        self._target: QObject | None = None
        self._last_event_s = 0.0  # the last key's timestamp (the event's own clock)
        self._last_real_s = 0.0  # when it was seen (monotonic)
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.setInterval(int(self.detector.max_gap * 1000) + 10)
        self._expiry.timeout.connect(self._expire)

    def install(self, app: QCoreApplication | None = None) -> None:
        (app or QCoreApplication.instance()).installEventFilter(self)  # type: ignore[union-attr]

    def remove(self, app: QCoreApplication | None = None) -> None:
        target = app or QCoreApplication.instance()
        if target is not None:
            target.removeEventFilter(self)
        self._expire()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        char = self._char(event)
        if char is None:
            self._expire(force=True)  # a person's Backspace must come after their letters
            return False
        now = time.monotonic()
        # Real input carries the window system's timestamp, which is when the key was pressed
        # even if the GUI thread was busy; synthetic events (tests) may carry none.
        stamp = event.timestamp() / 1000 if event.timestamp() else now
        self._last_event_s, self._last_real_s = stamp, now
        self._target = QApplication.focusWidget() or watched
        payload = self.detector.feed(char, stamp)
        if payload is not None:
            self.scanned.emit(payload)
        self._replay()
        if self.detector.pending:
            self._expiry.start()
        return True

    @staticmethod
    def _char(event: QKeyEvent) -> str | None:
        mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                     | Qt.KeyboardModifier.KeypadModifier)
        if mods != Qt.KeyboardModifier.NoModifier:
            return None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return "\r"
        text = event.text()
        return text if len(text) == 1 and text.isprintable() else None

    @Slot()
    def _expire(self, force: bool = False) -> None:
        stamp = self._last_event_s + (time.monotonic() - self._last_real_s)
        if force:
            stamp = self._last_event_s + self.detector.max_gap + 1
        self.detector.expire(stamp)
        self._replay()

    def _replay(self) -> None:
        typed = self.detector.take_typed()
        target = self._target
        if not typed or target is None:
            return
        self._replaying = True
        try:
            for char in typed:
                key, text = (Qt.Key.Key_Return, "\r") if char in "\r\n" else (_key(char), char)
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(
                        target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))
        finally:
            self._replaying = False
