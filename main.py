"""厅端 entry point: `python main.py COMMAND …` (kiosk, desk, display, serve, ticket, …)."""

from __future__ import annotations

import os
import signal
import sys


def _interrupted(signum: int, frame: object) -> None:
    # Ctrl-C ends the process where it stands: exit 130, one line, no traceback, and nothing
    # printed after it (a ticket issued just before is in the store; the store survives a kill
    # at any point). Installed before anything is imported, so no start-up moment escapes it;
    # cli/interrupts.py is the same rule for `tingduan` and for commands that stop gracefully.
    try:
        os.write(2, b"interrupted\n")
    finally:
        os._exit(130)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _interrupted)
    from cli import main

    sys.exit(main())
