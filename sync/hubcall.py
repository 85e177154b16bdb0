"""`ticket call` on a member desk: through the hub when it answers, else None (call locally).
Either way the sync status records it (last success, or the last error and offline).

The hall plugs this in as its call router (`call_next(window) -> TicketView | None`). The hub's
decision is an offer the desk confirms by recording the call (sync/server/hub.py): a desk that
times out and calls locally instead never leaves the hub's ticket held by its window.
"""

from __future__ import annotations

from pathlib import Path

from hall.service import HallService
from hall.tickets import TicketView
from sync import credential, runner
from sync.client import SyncClient
from sync.errors import NetworkError, NotEnrolled

HUB_TIMEOUT_S = 3.0


class HubCallRouter:
    """Call-next decided by the hall's hub. `call_next` answers the ticket called (recorded in
    this desk's log, decided_by "hub"), None when the hub cannot be reached or this terminal is
    not enrolled (the caller then calls from what it knows), and raises the hub's refusal
    (DomainError: nothing waiting, the window is busy) as it is."""

    def __init__(self, hall: HallService, data_dir: Path, *,
                 timeout: float = HUB_TIMEOUT_S) -> None:
        self.hall = hall
        self.data_dir = data_dir
        self.timeout = timeout

    def call_next(self, window: str) -> TicketView | None:
        try:
            cred = credential.load(self.data_dir)
        except NotEnrolled:
            return None
        with SyncClient(self.hall, cred.server, cred.token, timeout=self.timeout,
                        lease_series=(), ca=cred.ca, insecure=cred.insecure) as client:
            try:
                ticket = client.call_next(window)
            except NetworkError as exc:
                runner.record(self.hall, exc.message)
                return None
        runner.record(self.hall, None)
        return ticket


def call_through_hub(hall: HallService, data_dir: Path, window: str,
                     timeout: float = HUB_TIMEOUT_S) -> TicketView | None:
    return HubCallRouter(hall, data_dir, timeout=timeout).call_next(window)
