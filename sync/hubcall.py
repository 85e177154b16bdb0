"""`ticket call` on a member desk: through the hub when it answers, else None (call locally).
Either way the sync status records it (last success, or the last error and offline)."""

from __future__ import annotations

from pathlib import Path

from hall.service import HallService
from hall.tickets import TicketView
from sync import credential, runner
from sync.client import SyncClient
from sync.errors import NetworkError, NotEnrolled


def call_through_hub(hall: HallService, data_dir: Path, window: str,
                     timeout: float = 3.0) -> TicketView | None:
    try:
        cred = credential.load(data_dir)
    except NotEnrolled:
        return None
    with SyncClient(hall, cred.server, cred.token, timeout=timeout, lease_series=()) as client:
        try:
            ticket = client.call_next(window)
        except NetworkError as exc:
            runner.record(hall, exc.message)
            return None
    runner.record(hall, None)
    return ticket
