"""The 社保卡 reader (PC/SC through pcscd), watched by pyscard's monitors.

pyscard calls back on its own threads; this wrapper turns the calls into queued signals, and
starts and stops the monitors on a helper thread, since both talk to pcscd and may take a while
(or fail, with pcscd not running: state "missing", then retried every `reopen` seconds).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from devices.errors import DeviceError, DeviceMissing
from ui.hardware.loop import State, as_device_error

if TYPE_CHECKING:
    from devices.sscard_watch import SocialCardWatcher
    from hall.identity import SocialCard


class SocialCardWatch(QObject):
    card_inserted = Signal(str, object)  # reader, hall.identity.SocialCard
    card_removed = Signal(str)  # reader
    failed = Signal(object)  # DeviceError: a card that cannot be read (blocked, expired, pulled)
    readers_changed = Signal(list)  # reader names
    state_changed = Signal(str, object)  # "ready" | "missing" | "stopped", DeviceError or None

    def __init__(self, reader_name: str | None = None, *, reopen: float = 5.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader_name = reader_name
        self.reopen = reopen
        self.state: State = "starting"
        self._watcher: SocialCardWatcher | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._starter, name="sscard-watch", daemon=True)
        self._thread.start()

    def _set_state(self, state: State, error: DeviceError | None = None) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state, error)

    def _starter(self) -> None:
        """Start the monitors; without pcscd (or pyscard) retry until stopped."""
        while not self._stop.is_set():
            try:
                from devices.sscard_watch import SocialCardWatcher

                watcher = SocialCardWatcher(self._on_card, self._on_error, self._on_removed,
                                            self._on_readers, reader_name=self.reader_name)
                watcher.readers()  # raises when pcscd is not there
                with self._lock:
                    if self._stop.is_set():
                        return
                    watcher.start()
                    self._watcher = watcher
            except BaseException as exc:
                self._set_state("missing", _missing(exc))
                if self._stop.wait(self.reopen):
                    return
                continue
            self._set_state("ready")
            return

    def _on_card(self, reader: str, card: SocialCard) -> None:
        self.card_inserted.emit(reader, card)

    def _on_error(self, reader: str, error: DeviceError) -> None:
        self.failed.emit(error)

    def _on_removed(self, reader: str) -> None:
        self.card_removed.emit(reader)

    def _on_readers(self, readers: list[str]) -> None:
        self.readers_changed.emit(readers)

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the monitors (bounded wait: pyscard cancels its blocking pcscd call)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            stopper = threading.Thread(target=watcher.stop, name="sscard-stop", daemon=True)
            stopper.start()
            stopper.join(timeout)
            if stopper.is_alive():
                return False
        self._set_state("stopped")
        return True


def _missing(exc: BaseException) -> DeviceError:
    if isinstance(exc, DeviceError):
        return exc
    if isinstance(exc, ImportError):
        return DeviceMissing(f"社保卡读卡需要 pyscard：{exc}")
    return as_device_error(exc, "社保卡读卡器（pcscd）")
