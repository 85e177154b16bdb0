"""A supervisor's settings change on a member terminal: sent to the hub at once, and the
version it signs brought back, so `hall settings --set` answers with what now runs. With the hub
out of reach the request waits in the outbox (the terminal's sync sends it later) and the
terminal keeps running the last version it verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync import credential
from sync.errors import NetworkError, NotEnrolled

if TYPE_CHECKING:
    from hall.app import Hall

TIMEOUT_S = 3.0
ROUNDS = 4  # pulls of up to 0.5 s each for the hub's signed version


def send_and_fetch(hall: Hall, before: int, timeout: float = TIMEOUT_S) -> bool:
    """Push the request, pull until a version newer than `before` runs; False: not reached."""
    from sync import runner
    from sync.client import SyncClient

    try:
        cred = credential.load(hall.data_dir)
    except NotEnrolled:
        return False
    with SyncClient(hall, cred.server, cred.token, timeout=timeout, lease_series=(),
                    ca=cred.ca, insecure=cred.insecure, check_own=False) as client:
        try:
            client.push()
            for _ in range(ROUNDS):
                client.pull(wait=0.5)
                if hall.settings.current().version > before:
                    break
        except NetworkError as exc:
            runner.record(hall.core, exc.message)
            return False
    runner.record(hall.core, None)
    return hall.settings.current().version > before
