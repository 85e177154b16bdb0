"""Opening a terminal's hall from command-line arguments, and who is acting."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import data_dir

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.session import Session


def open_hall(args: argparse.Namespace, *, damaged_ok: bool = False) -> Hall:
    """The hall of --data-dir; a member desk enrolled with a hub calls through it."""
    from hall.app import Hall

    folder = data_dir(args.data_dir)
    start_logging(folder)
    hall = Hall.open(folder, damaged_ok=damaged_ok)
    if hall.config.numbering == "member":
        from sync.hubcall import attach

        attach(hall)
    return hall


def acting(hall: Hall, args: argparse.Namespace) -> Session:
    """The session the command runs in: `--as USER` signs that account in (password on stdin);
    else the local operator, the OS user who holds this data directory and its keys (recorded
    as os:<user>)."""
    user = getattr(args, "acting", None)
    if not user:
        return hall.operator_session()
    return hall.sign_in(user, read_secret(f"password of {user}: "))


def read_secret(prompt: str) -> str:
    """A secret from stdin (one per line), or asked for without echo on a terminal: never from
    the command line, where `ps` and the shell history would see it."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        from cli import UsageError

        raise UsageError(f"expected {prompt.rstrip(': ')} on stdin")
    return line.rstrip("\r\n")


def start_logging(folder: Path) -> None:
    """Crash reports through hall.logs (redacted), loaded only if something crashes: importing
    `logging` costs ~10 ms of the start budget, so modules that log set hall.logs up themselves
    (`hall.logs.setup(data_dir)`) when they first log."""
    import threading
    from types import TracebackType

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        from hall import logs

        logs.setup(folder)
        logs.crash_hook(folder)(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
