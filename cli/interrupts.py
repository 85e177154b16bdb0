"""Ctrl-C (SIGINT) for the headless commands.

A command ends where it stands: exit 130, `interrupted` on stderr, no traceback, and nothing
printed to stdout after the interrupt (the process ends without flushing what it had not
written yet). A kill at any point leaves the store whole (SQLite's WAL, one transaction per
change), so ending at once is safe, and it is the only way to be sure no ticket is printed after
the person pressed Ctrl-C: an exception can land anywhere, even in the middle of printing.

main.py installs the same handler before its first import; `tingduan` (the installed entry
point) gets it when `cli.main` starts. Commands that run until stopped and stop gracefully
(emulators, `serve`, `sync --forever`) take SIGINT back as KeyboardInterrupt or their own handler.

Standard library only: it is loaded before anything else of the CLI.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130

Handler = Callable[[int, FrameType | None], Any] | int | None


def _end(signum: int, frame: FrameType | None) -> None:
    try:
        os.write(2, b"interrupted\n")
    finally:
        os._exit(EXIT_INTERRUPTED)


def end_on_interrupt() -> Handler:
    """Ctrl-C ends the process at once (see above); returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _end)


def interrupt_as_exception() -> None:
    """Ctrl-C raises KeyboardInterrupt again: for a command that stops gracefully on it."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


def ignore_interrupts() -> None:
    """The process has answered (its output flushed): Ctrl-C during its exit is ignored, so it
    neither ends with 130 after a complete answer nor dies by the signal in finalization."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def restore(previous: Handler) -> None:
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, previous)
