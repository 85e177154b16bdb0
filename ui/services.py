"""Long-running work beside the hall, each on a thread of its own: the sync engine first.

A service is a pair: `run()` blocks until the work ends (the sync loop, a long-poll follower),
`stop()` asks it to end soon (called from the GUI thread; it must not block). The runner starts
`run` on a daemon thread, reports how it ended as signals in the GUI thread, and at quit calls
every `stop` and waits a bounded time.

    bridge.start_sync(engine.run_forever, engine.stop)      # what the lead wires in the faces
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from hall.errors import HallError
from ui.errors import as_hall_error

log = logging.getLogger("tingduan.ui")


@dataclass
class _Service:
    name: str
    run: Callable[[], None]
    stop: Callable[[], None]
    thread: threading.Thread


class BackgroundServices(QObject):
    failed = Signal(str, object)  # name, HallError: `run` raised
    stopped = Signal(str)  # name: `run` returned

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services: dict[str, _Service] = {}
        self._lock = threading.Lock()

    def start(self, name: str, run: Callable[[], None], stop: Callable[[], None]) -> None:
        with self._lock:
            old = self._services.get(name)
            if old is not None and old.thread.is_alive():
                raise RuntimeError(f"service {name!r} is already running")
            thread = threading.Thread(target=self._body, args=(name, run), name=f"svc-{name}",
                                      daemon=True)
            self._services[name] = _Service(name, run, stop, thread)
        thread.start()

    def _body(self, name: str, run: Callable[[], None]) -> None:
        try:
            run()
        except BaseException as exc:
            error: HallError = as_hall_error(exc)
            self.failed.emit(name, error)  # queued to the GUI thread
        else:
            self.stopped.emit(name)

    def running(self) -> list[str]:
        with self._lock:
            return [s.name for s in self._services.values() if s.thread.is_alive()]

    def stop(self, name: str, timeout: float = 5.0) -> bool:
        with self._lock:
            service = self._services.get(name)
        if service is None:
            return True
        if service.thread.is_alive():
            try:
                service.stop()
            except Exception:
                log.exception("stopping service %s failed", name)
        service.thread.join(timeout)
        return not service.thread.is_alive()

    def stop_all(self, timeout: float = 5.0) -> bool:
        """Ask every service to stop, then wait for all of them within `timeout` seconds."""
        with self._lock:
            services = list(self._services.values())
        for service in services:
            if service.thread.is_alive():
                try:
                    service.stop()
                except Exception:
                    log.exception("stopping service %s failed", service.name)
        deadline = time.monotonic() + timeout
        for service in services:
            service.thread.join(max(deadline - time.monotonic(), 0))
        left = [s.name for s in services if s.thread.is_alive()]
        if left:
            log.warning("services still running at quit: %s", ", ".join(left))
        return not left
