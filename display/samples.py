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
    from hall.terminal_setup import setup_terminal
    from ui.opening import sample_door

    folder = Path(tempfile.mkdtemp(prefix="tingduan-display-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    setup_terminal(folder, "SY-ZW01", "D3", standalone=True, hall_name="十堰市政务服务中心")
    with sample_door(folder) as hall:
        admin = hall.first_admin("admin", PASSWORD)
        admin.accounts.add("li.na", "clerk", PASSWORD)
        clerk = hall.sign_in("li.na", PASSWORD, window="3")
        kiosk = hall.kiosk
        for service, priority in [("newborn", "regular"), ("retirement", "elder"),
                                  ("newborn", "regular"), ("hukou_transfer", "regular"),
                                  ("social_security_card", "pregnant"), ("newborn", "regular"),
                                  ("retirement", "regular"), ("tax_invoice", "regular")]:
            kiosk.tickets.take(service, priority)
        done = clerk.tickets.call_next("3").value
        clerk.tickets.start(done.id)
        clerk.tickets.done(done.id)
        clerk.tickets.call_next("3")
        clerk.tickets.call_next("1")
        return read_display(hall.display)
