"""Calling through the hall's hub: a member desk asks the hub which ticket to call (so two
windows never call one ticket) and records the hub's decision; with the hub out of reach it says so
(None) and the hall calls locally. Either way the sync status records it (last success, or the last
error and offline).

The hub's decision is an offer the desk confirms by recording the call (sync/server/hub.py): a
desk that times out and calls locally instead never leaves the hub's ticket held by its window.
`attach(hall)` plugs this into a hall (`hall.tickets.router`) when the terminal is a member of a
hall and enrolled with its hub; the CLI and the faces call it after `Hall.open`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync import credential
from sync.errors import NetworkError, NotEnrolled

if TYPE_CHECKING:
    from hall.actors import Actor
    from hall.app import Hall
    from hall.ticket_views import TicketView

TIMEOUT_S = 3.0


def call_through_hub(hall: Hall, window: str, by: Actor,
                     timeout: float = TIMEOUT_S) -> TicketView | None:
    # The client (httpx, pydantic: ~0.1 s) loads on the first call through the hub, never on
    # the CLI's other commands: `ticket take` on a member terminal attaches this router too.
    from sync import runner
    from sync.client import SyncClient

    try:
        cred = credential.load(hall.data_dir)
    except NotEnrolled:
        return None
    with SyncClient(hall, cred.server, cred.token, timeout=timeout, lease_series=(),
                    ca=cred.ca, insecure=cred.insecure, check_own=False) as client:
        try:
            ticket = client.call_next(window, by)
        except NetworkError as exc:
            runner.record(hall.core, exc.message)
            return None
    runner.record(hall.core, None)
    return ticket


class HubRouter:
    """The hall's `CallRouter` for a member terminal enrolled with a hub."""

    def __init__(self, hall: Hall, timeout: float = TIMEOUT_S) -> None:
        self._hall = hall
        self._timeout = timeout

    def call_next(self, window: str, by: Actor) -> TicketView | None:
        return call_through_hub(self._hall, window, by, self._timeout)


def attach(hall: Hall) -> Hall:
    """Route calls through the hub when this terminal is a member enrolled with one."""
    if hall.config.numbering == "member" and credential.exists(hall.data_dir):
        from sync.peercall import PeerRouter  # without the hub: the peers' rule

        hall.tickets.router = PeerRouter(hall, HubRouter(hall))
    return hall
