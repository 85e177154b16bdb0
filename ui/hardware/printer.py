"""The receipt printer for the faces: jobs go through the durable spool (devices.escpos.spool)
on a thread of its own, and the paper is checked in between, so a face knows the printer is out
of paper before a person takes a number.

One thread does everything with the printer (submit, pump, status probe): a thermal printer
serves one connection at a time, and a probe never races a print.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Signal

from devices.errors import DeviceError
from devices.escpos.layout import Layout
from devices.escpos.spool import PrintQueue, QueueState

# What a face says for a printer state, by error code (ui.messages): nothing for "idle".
STATE_CODES = {"out_of_paper": "paper_out", "offline": "printer_offline", "unknown": "printer"}

log = logging.getLogger("tingduan.ui")

NO_PRINTER = QueueState("offline", 0, "unknown", "no printer configured")


@dataclass(frozen=True)
class _Print:
    token: int
    layout: Layout | bytes
    kind: str


_Command = _Print | Literal["check", "stop"]


class ReceiptPrinter(QObject):
    state_changed = Signal(object)  # QueueState: idle / out_of_paper / offline / unknown
    job_done = Signal(int, bool, object)  # token, printed now?, QueueState after the attempt
    printed_later = Signal(int)  # token of a spooled job that printed when the printer came back

    def __init__(self, url: str | None, spool_dir: Path, *, probe_interval: float = 5.0,
                 retry_interval: float = 2.0, print_when_unknown: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.spool_dir = spool_dir
        self.probe_interval = probe_interval
        self.retry_interval = retry_interval
        self.print_when_unknown = print_when_unknown
        self.state: QueueState = QueueState("unknown", 0, "unknown") if url else NO_PRINTER
        self._tokens = itertools.count(1)
        self._commands: queue.Queue[_Command] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._spooled: dict[int, int] = {}  # job id → token, jobs waiting in the spool

    # --- GUI thread ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="receipt-printer", daemon=True)
        self._thread.start()
        self.check_now()

    def print_layout(self, layout: Layout | bytes, kind: str = "ticket") -> int:
        """Queue a print; `job_done(token, …)` follows. Returns the token."""
        token = next(self._tokens)
        self._commands.put(_Print(token, layout, kind))
        return token

    def check_now(self) -> None:
        """Probe the paper at once (say, when a person starts a flow)."""
        self._commands.put("check")

    def stop(self, timeout: float = 5.0) -> bool:
        self._commands.put("stop")
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    # --- the printer's thread --------------------------------------------------------------
    def _report(self, state: QueueState) -> QueueState:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
        return state

    def _run(self) -> None:
        if not self.url:
            self._report(NO_PRINTER)
            self._run_without_printer()
            return
        spool = PrintQueue(self.spool_dir, self.url, retry_interval=self.retry_interval,
                           print_when_unknown=self.print_when_unknown)
        try:
            while True:
                wait = self.retry_interval if spool.waiting() else self.probe_interval
                try:
                    command = self._commands.get(timeout=wait)
                except queue.Empty:
                    command = "check"
                if command == "stop":
                    return
                try:
                    if isinstance(command, _Print):
                        self._print(spool, command)
                    elif spool.waiting():
                        self._pump(spool)
                    else:
                        self._report(self._probe())
                except Exception as exc:  # a bad URL, a driver bug: the thread must live on
                    log.warning("printer: %s", exc)
                    state = self._report(QueueState("offline", spool.waiting(), "unknown",
                                                    str(exc)))
                    if isinstance(command, _Print):
                        self.job_done.emit(command.token, False, state)
        finally:
            spool.close()

    def _run_without_printer(self) -> None:
        while (command := self._commands.get()) != "stop":
            if isinstance(command, _Print):
                self.job_done.emit(command.token, False, NO_PRINTER)

    def _print(self, spool: PrintQueue, job: _Print) -> None:
        job_id = spool.submit(job.layout, kind=job.kind)
        self._spooled[job_id] = job.token
        state = self._pump(spool, announce={job_id})
        printed = spool.job_state(job_id) == "printed"
        if printed:
            self._spooled.pop(job_id, None)
        self.job_done.emit(job.token, printed, state)

    def _pump(self, spool: PrintQueue, announce: Collection[int] = ()) -> QueueState:
        state = self._report(spool.pump())
        for job_id, token in list(self._spooled.items()):
            if job_id not in announce and spool.job_state(job_id) == "printed":
                del self._spooled[job_id]
                self.printed_later.emit(token)
        return state

    def _probe(self) -> QueueState:
        from devices.escpos.transport import EscposPrinter

        assert self.url is not None
        try:
            printer = EscposPrinter(self.url, timeout=2.0)
        except DeviceError as exc:
            return QueueState("offline", 0, "unknown", exc.message)
        try:
            paper = printer.paper_status()
        finally:
            printer.close()
        if paper == "out":
            return QueueState("out_of_paper", 0, paper, "打印机缺纸")
        if paper == "unknown" and not self.print_when_unknown:
            return QueueState("unknown", 0, paper, "打印机不回答状态查询")
        return QueueState("idle", 0, paper)
