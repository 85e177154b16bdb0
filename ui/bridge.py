"""The bridge: one worker QThread owns the hall; the GUI thread talks to it with signals only.

    bridge = HallBridge(face_opener(data_dir, "kiosk"))     # ui/opening.py
    bridge.changed.connect(page.refresh)           # every commit: own, sync's, other processes'
    bridge.start()
    bridge.submit(lambda kiosk: kiosk.tickets.take("newborn").value,
                  on_done=show_ticket, on_error=show_error)

The hall is opened in the worker thread (SQLite connections belong to the thread that made
them) and every command runs there, one after another in the order submitted. A job gets the
face's session (hall/session.py), never the hall: the worker keeps the hall to itself. Results and
errors come back to the GUI thread as queued signals, then to the callbacks given to `submit`.
A QTimer in the worker calls `hall.poll_external()` so commits of other processes (the CLI, a
second face on the same store) arrive as `changed` too. The GUI thread never waits on the hall.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from hall.errors import HallError
from ui.errors import HallClosed, as_hall_error
from ui.services import BackgroundServices

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.session import Session
    from ui.opening import Opened

T = TypeVar("T")
log = logging.getLogger("tingduan.ui")

POLL_MS = 100  # how often the worker looks for other processes' commits


@dataclass(eq=False)
class Job(Generic[T]):
    """One command on its way to the worker and back."""

    id: int
    fn: Callable[[Session], T]
    on_done: Callable[[T], None] | None = None
    on_error: Callable[[HallError], None] | None = None
    label: str = ""
    result: Any = field(default=None, init=False)
    error: HallError | None = field(default=None, init=False)


class _Worker(QObject):
    """Lives in the worker thread; only ever called through queued signals."""

    finished = Signal(object)  # Job
    changed = Signal(object)  # Changes
    opened = Signal()
    open_failed = Signal(object)  # HallError
    problem = Signal(object)  # HallError from the background poll
    closed = Signal()

    def __init__(self, factory: Callable[[], Opened], poll_ms: int) -> None:
        super().__init__()
        self._factory = factory
        self._poll_ms = poll_ms
        self._hall: Hall | None = None
        self._session: Session | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._timer: QTimer | None = None
        self._poll_failing = False

    @Slot()
    def open(self) -> None:
        try:
            opened = self._factory()
        except BaseException as exc:
            self.open_failed.emit(as_hall_error(exc))
            return
        hall = self._hall = opened.hall
        self._session = opened.session
        # Called in whichever thread commits (this one, or sync's); emitting a signal from
        # there is queued to the GUI thread by Qt.
        self._unsubscribe = hall.subscribe(self.changed.emit)
        self._timer = QTimer(self)
        self._timer.setInterval(self._poll_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()
        self.opened.emit()

    @Slot(object)
    def run(self, job: Job[Any]) -> None:
        if self._session is None:
            job.error = HallClosed("the hall is not open")
        else:
            try:
                job.result = job.fn(self._session)
            except BaseException as exc:
                job.error = as_hall_error(exc)
        self.finished.emit(job)

    @Slot()
    def _poll(self) -> None:
        if self._hall is None:
            return
        try:
            self._hall.poll_external()
            self._poll_failing = False
        except BaseException as exc:
            if not self._poll_failing:  # once per streak: a locked store fails every 100 ms
                self.problem.emit(as_hall_error(exc))
            self._poll_failing = True

    @Slot()
    def close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._hall is not None:
            try:
                self._hall.close()
            except BaseException as exc:
                as_hall_error(exc)
            self._hall = self._session = None
        self.closed.emit()
        thread = self.thread()
        if thread is not None:
            thread.quit()


class HallBridge(QObject):
    """The GUI thread's handle on the hall. Signals arrive in the GUI thread."""

    changed = Signal(object)  # hall.changes.Changes
    ready = Signal()  # the hall is open
    failed_to_open = Signal(object)  # HallError: the face shows it (ui.messages) and stays up
    problem = Signal(object)  # HallError from background work (the poll)
    job_failed = Signal(object)  # HallError of a job that had no on_error
    closed = Signal()

    _run = Signal(object)
    _close = Signal()

    def __init__(self, factory: Callable[[], Opened], *, poll_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, Job[Any]] = {}
        self._thread = QThread(self)
        self._thread.setObjectName("hall-worker")
        self._worker = _Worker(factory, poll_ms)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.open)
        self._run.connect(self._worker.run)
        self._close.connect(self._worker.close)
        self._worker.finished.connect(self._finished)
        self._worker.changed.connect(self.changed)
        self._worker.opened.connect(self._opened)
        self._worker.open_failed.connect(self.failed_to_open)
        self._worker.problem.connect(self.problem)
        self._worker.closed.connect(self.closed)
        self._is_ready = False
        self._stopping = False
        self.services = BackgroundServices(self)

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    @property
    def pending(self) -> int:
        return len(self._pending)

    def start(self) -> None:
        self._thread.start()

    def submit(self, fn: Callable[[Session], T], on_done: Callable[[T], None] | None = None,
               on_error: Callable[[HallError], None] | None = None, *, label: str = "") -> int:
        """Run `fn(session)` in the worker (the face's session: ui/opening.py); `on_done(result)`
        or `on_error(HallError)` run later in the GUI thread. Returns the job's id. Jobs run in
        the order submitted."""
        job: Job[T] = Job(next(self._ids), fn, on_done, on_error, label)
        if self._stopping:
            job.error = HallClosed("the hall is closing")
            QTimer.singleShot(0, lambda: self._finished(job))
            return job.id
        self._pending[job.id] = job
        self._run.emit(job)
        return job.id

    def start_sync(self, run: Callable[[], None], stop: Callable[[], None]) -> None:
        """Run the sync engine beside the hall on its own thread (see ui.services): `run`
        blocks until `stop` is called. Its commits reach `changed` through the hall."""
        self.services.start("sync", run, stop)

    @Slot()
    def _opened(self) -> None:
        self._is_ready = True
        self.ready.emit()

    @Slot(object)
    def _finished(self, job: Job[Any]) -> None:
        self._pending.pop(job.id, None)
        if job.error is not None:
            if job.on_error is not None:
                job.on_error(job.error)
            else:
                self.job_failed.emit(job.error)
        elif job.on_done is not None:
            job.on_done(job.result)

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Stop background services, finish the queued jobs, close the hall, end the thread.
        Called at quit; the wait is bounded. False if the thread did not end in time."""
        if self._stopping:
            return self._thread.wait(timeout_ms) if self._thread.isRunning() else True
        self._stopping = True
        self.services.stop_all(timeout_ms / 1000)
        if not self._thread.isRunning():
            return True
        self._close.emit()
        ended = self._thread.wait(timeout_ms)
        if not ended:
            log.warning("the hall worker did not stop within %d ms", timeout_ms)
        return bool(ended)
