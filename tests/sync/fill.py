"""Filling a terminal's log fast: many events in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable

from hall.app import Hall
from hall.events import EventType
from sync.errors import NetworkError
from tests.conftest import OP


def fill(hall: Hall, count: int, chunk: int = 5000) -> None:
    """`count` TicketIssued events in the terminal's own fallback series (no collisions)."""
    series = f"A-{hall.config.short_code}"
    start = hall.core.store.conn.execute("SELECT COUNT(*) FROM tickets WHERE series = ?",
                                    (series,)).fetchone()[0]
    day = hall.today()
    done = 0
    while done < count:
        with hall.core.write() as conn:
            for i in range(start + done + 1, start + min(count, done + chunk) + 1):
                hall.core.emit(conn, EventType.TICKET_ISSUED, {
                    "ticket_id": f"{hall.config.terminal_id}-{i}", "service_id": "newborn",
                    "series": series, "number": i, "label": f"{series}-{i:03d}", "day": day,
                    "priority": "regular", "issued_at": hall.core.now_iso(), "leased": False}, OP)
        done = min(count, done + chunk)


def until(step: Callable[[], bool], *, attempts: int = 3000, seconds: float = 180.0) -> int:
    """Run `step` until it returns True, riding out network faults; bounded in count and time.
    Returns the number of network failures seen."""
    deadline = time.monotonic() + seconds
    failures = 0
    for _ in range(attempts):
        assert time.monotonic() < deadline, f"not done in {seconds} s ({failures} failures)"
        try:
            if step():
                return failures
        except NetworkError:
            failures += 1
            time.sleep(0.01)
    raise AssertionError(f"not done after {attempts} attempts")
