"""A durable print queue: a job waits out a printer that is out of paper, closed or unplugged,
and prints once when the printer is back.

Jobs live in SQLite (WAL, synchronous=FULL) in a directory the caller owns: a job is committed
before `submit` returns, and marked printed in the same breath as the last byte is accepted.
What is stored is the ticket's ESC/POS bytes, which `Layout` only lets carry masked personal
data (a receipt also carries the promise a person typed while it waits); a printed job's bytes
are wiped from the file itself: `secure_delete` zeroes the freed content and the WAL, which
still holds the job as written, is checkpointed and truncated.

"Once": a job is resent only if the write failed. A crash between the write and the commit
marking it printed (a window of one fsync) would print it again on restart: a duplicate ticket
is preferred over a lost one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import PrinterError
from devices.escpos.layout import Layout, encode
from devices.ports import PaperState, Printer

QueueStateName = Literal["idle", "printing", "out_of_paper", "offline", "unknown"]
Connect = Callable[[str], Printer]

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    kind TEXT NOT NULL,
    payload BLOB NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'printed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    printed_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (state, id);
"""


@dataclass(frozen=True)
class QueueState:
    state: QueueStateName
    waiting: int
    paper: PaperState
    reason: str | None = None


def _default_connect(url: str) -> Printer:
    from devices.escpos.transport import EscposPrinter

    return EscposPrinter(url)


class PrintQueue:
    def __init__(self, directory: Path, url: str, *, connect: Connect = _default_connect,
                 retry_interval: float = 2.0, print_when_unknown: bool = False,
                 on_state: Callable[[QueueState], None] | None = None) -> None:
        """`print_when_unknown`: for printers that never answer DLE EOT (many USB ones)."""
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / "print-queue.sqlite3"
        # 0600 before SQLite opens it (its -wal and -shm take the same mode): the bytes of jobs
        # waiting for paper are the owner's alone.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
        self.url = url
        self._connect = connect
        self.retry_interval = retry_interval
        self.print_when_unknown = print_when_unknown
        self.on_state = on_state
        self._db = sqlite3.connect(path, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()  # one pump at a time; sqlite connection is shared
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = QueueState("idle", self.waiting(), "unknown")

    # --- jobs --------------------------------------------------------------------------------
    def submit(self, job: Layout | bytes, *, kind: str = "ticket") -> int:
        payload = encode(job) if isinstance(job, Layout) else job
        with self._lock:
            cur = self._db.execute("INSERT INTO jobs (created_at, kind, payload) VALUES (?, ?, ?)",
                                   (time.time(), kind, payload))
        self._wake.set()
        assert cur.lastrowid is not None
        return cur.lastrowid

    def waiting(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT count(*) FROM jobs WHERE state='pending'").fetchone()
        return int(row[0])

    def job_state(self, job_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
        return None if row is None else str(row[0])

    # --- printing ----------------------------------------------------------------------------
    def pump(self) -> QueueState:
        """Try every waiting job once, in order; stop at the first printer problem."""
        with self._lock:
            jobs = self._db.execute(
                "SELECT id, payload FROM jobs WHERE state='pending' ORDER BY id").fetchall()
            if not jobs:
                return self._report(QueueState("idle", 0, self.state.paper))
            try:
                printer = self._connect(self.url)
            except PrinterError as exc:
                return self._report(QueueState("offline", len(jobs), "unknown", exc.message))
            try:
                return self._print(printer, jobs)
            finally:
                printer.close()

    def _print(self, printer: Printer, jobs: list[tuple[int, bytes]]) -> QueueState:
        paper: PaperState = "unknown"
        for n, (job_id, payload) in enumerate(jobs):
            left = len(jobs) - n
            paper = printer.paper_status()
            if paper == "out":
                return self._report(QueueState("out_of_paper", left, paper, "打印机缺纸"))
            if paper == "unknown" and not self.print_when_unknown:
                return self._report(QueueState("unknown", left, paper, "打印机不回答状态查询"))
            self._db.execute("UPDATE jobs SET attempts = attempts + 1 WHERE id=?", (job_id,))
            try:
                printer.write(payload)
            except PrinterError as exc:
                self._db.execute("UPDATE jobs SET last_error=? WHERE id=?", (exc.message, job_id))
                return self._report(QueueState("offline", left, "unknown", exc.message))
            self._db.execute("UPDATE jobs SET state='printed', payload=x'', printed_at=? "
                             "WHERE id=?", (time.time(), job_id))
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the wiped bytes leave the WAL
        return self._report(QueueState("idle", 0, paper))

    def _report(self, state: QueueState) -> QueueState:
        changed = state != self.state
        self.state = state
        if changed and self.on_state is not None:
            self.on_state(state)
        return state

    # --- the background worker ---------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            state = self.pump()
            self._wake.wait(self.retry_interval if state.waiting else None)
            self._wake.clear()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.waiting():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._lock:
            self._db.close()

    def __enter__(self) -> PrintQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
