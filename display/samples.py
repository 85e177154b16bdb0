"""Sample data for the call screen's `--screenshots`: a throwaway terminal (its own temporary
data directory, a fictitious morning made through the hall API) read as the screen reads it.
Nothing of a real hall is touched."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from display.state import DisplayState, read_display

PASSWORD = "sample-display-2026"


@cache
def sample() -> DisplayState:
    """One sample hall per process: a few tickets called at windows 1 and 3."""
    from hall.app import Hall
    from hall.terminal_setup import setup_terminal

    folder = Path(tempfile.mkdtemp(prefix="tingduan-display-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    setup_terminal(folder, "SY-ZW01", "D3", standalone=True, hall_name="十堰市政务服务中心")
    hall = Hall.open(folder)
    try:
        admin = hall.accounts.add(None, "admin", "admin", PASSWORD).value
        hall.accounts.add(admin, "li.na", "clerk", PASSWORD)
        clerk = hall.accounts.sign_in("li.na", PASSWORD, window="3")
        kiosk = hall.kiosk()
        for service, priority in [("newborn", "regular"), ("retirement", "elder"),
                                  ("newborn", "regular"), ("hukou_transfer", "regular"),
                                  ("social_security_card", "pregnant"), ("newborn", "regular"),
                                  ("retirement", "regular"), ("tax_invoice", "regular")]:
            hall.tickets.take(kiosk, service, priority)
        done = hall.tickets.call_next(clerk, "3").value
        hall.tickets.start(clerk, done.id)
        hall.tickets.done(clerk, done.id)
        hall.tickets.call_next(clerk, "3")
        hall.tickets.call_next(clerk, "1")
        return read_display(hall)
    finally:
        hall.close()
