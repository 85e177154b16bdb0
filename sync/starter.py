"""The one way a terminal's process starts sync (push + long-poll pull) beside its hall: the
kiosk, the desk, the call screen and `display --headless` all come here.

Nothing is imported until the loop runs (httpx and the store open on the sync thread), so a face
that calls this before its first paint pays only a file check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

# launch(run, stop): start `run` (it blocks until `stop` is called) on a thread of its own
Launch = Callable[[Callable[[], None], Callable[[], None]], None]


def enrolled(data_dir: Path) -> bool:
    """A member of a hub: this terminal syncs (hall/sync_status.py, without importing httpx)."""
    from hall.sync_status import enrolled as has_credential

    return has_credential(data_dir)


def start_sync(data_dir: Path, launch: Launch, stop: threading.Event | None = None,
               kind: str = "terminal") -> bool:
    """When the terminal is enrolled, hand `launch` the sync loop (its own Halls, opened on its
    thread) and its stop; False (nothing started) when it is not. `kind`: what this terminal is
    to its peers ("display": a call screen, which desks without the hub look for)."""
    if not enrolled(data_dir):
        return False
    done = stop if stop is not None else threading.Event()

    def run() -> None:
        from hall.app import Hall
        from sync import credential, runner

        runner.run_forever(lambda: Hall.open(data_dir), credential.load(data_dir), done,
                           kind=kind)

    launch(run, done.set)
    return True
