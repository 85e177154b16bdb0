"""The shared shape of a device that is polled on its own thread: open, work, and on a lost
device close, report, wait, and open again; stop promptly when asked."""

from __future__ import annotations

import threading
from typing import Literal

from PySide6.QtCore import QObject, QThread, Signal

from devices.errors import DeviceError, DeviceMissing

State = Literal["starting", "ready", "missing", "stopped"]


def as_device_error(exc: BaseException, what: str) -> DeviceError:
    """A serial line that vanished raises OSError (SerialException) from deep in pyserial."""
    if isinstance(exc, DeviceError):
        return exc
    return DeviceMissing(f"{what}：{type(exc).__name__}：{exc}")


class DeviceLoop(QThread):
    # state, and the DeviceError that made it "missing" (None otherwise)
    state_changed = Signal(str, object)

    def __init__(self, *, reopen: float = 2.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reopen = reopen
        self._stop = threading.Event()
        self.state: State = "starting"

    def _set_state(self, state: State, error: DeviceError | None = None) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state, error)

    def stopping(self) -> bool:
        return self._stop.is_set()

    def pause(self, seconds: float) -> bool:
        """Sleep unless asked to stop; True when asked to stop."""
        return self._stop.wait(seconds)

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Ask the loop to end and wait for it (bounded: a read in progress ends at its poll)."""
        self._stop.set()
        ended = self.wait(timeout_ms) if self.isRunning() else True
        self._set_state("stopped")
        return bool(ended)
