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

import threading
import time
from typing import TYPE_CHECKING, Any

from sync import credential
from sync.errors import NetworkError, NotEnrolled

if TYPE_CHECKING:
    from hall.actors import Actor
    from hall.app import Hall
    from hall.ticket_views import TicketView

TIMEOUT_S = 3.0  # the whole hub call: push, pull, the hub's choice, the ticket arriving


def call_through_hub(hall: Hall, window: str, by: Actor,
                     timeout: float = TIMEOUT_S) -> TicketView | None:
    """The hub's choice recorded as this desk's call, or None when the hub has not answered
    within `timeout` (the caller then calls locally). The network part runs on a thread of its
    own with one deadline for all of it; the caller waits for that thread at most `timeout`,
    never for a request the hub stopped answering, and the thread, given up, leaves the store
    alone (`Gate`)."""
    # The client (httpx, pydantic: ~0.1 s) loads on the first call through the hub, never on
    # the CLI's other commands: `ticket take` on a member terminal attaches this router too.
    from sync import runner
    from sync.client import Gate, SyncClient

    try:
        cred = credential.load(hall.data_dir)
    except NotEnrolled:
        return None
    deadline = time.monotonic() + timeout
    gate = Gate()
    answer: dict[str, Any] = {}
    done = threading.Event()

    def ask() -> None:
        try:
            with gate.lock, SyncClient(
                    hall, cred.server, cred.token, timeout=timeout, lease_series=(), ca=cred.ca,
                    insecure=cred.insecure, check_own=False, deadline=deadline,
                    gate=gate) as client:
                answer["ticket_id"] = client.ask_hub(window)
        except BaseException as exc:  # told to the caller, if it still waits
            answer["error"] = exc
        finally:
            done.set()

    threading.Thread(target=ask, name="hub-call", daemon=True).start()
    answered = done.wait(max(deadline - time.monotonic(), 0.0))
    with gate.lock:  # the thread is between requests, or done: the store is the caller's again
        gate.open = False
    error = answer.get("error")
    if not answered or isinstance(error, NetworkError):
        message = (error.message if isinstance(error, NetworkError)
                   else f"the hub did not answer within {timeout:g} s")
        runner.record(hall.core, message)
        return None
    if error is not None:
        raise error  # the hub's refusal (nothing waiting for this window), or a bug
    ticket = hall.tickets.call_ticket(by, answer["ticket_id"], window, decided_by="hub").value
    runner.record(hall.core, None)
    _push_soon(hall, cred)
    return ticket


def _push_soon(hall: Hall, cred: Any) -> None:
    """Send the call to the hub now, bounded (the sync loop sends it otherwise)."""
    from sync.client import SyncClient

    try:
        with SyncClient(hall, cred.server, cred.token, timeout=0.5, lease_series=(),
                        ca=cred.ca, insecure=cred.insecure, check_own=False,
                        deadline=time.monotonic() + 0.5) as client:
            client.push()
    except NetworkError:
        pass  # the call stands; the outbox carries it later


class HubRouter:
    """The hall's `CallRouter` for a member terminal enrolled with a hub."""

    def __init__(self, hall: Hall, timeout: float = TIMEOUT_S) -> None:
        self._hall = hall
        self._timeout = timeout

    def call_next(self, window: str, by: Actor) -> TicketView | None:
        return call_through_hub(self._hall, window, by, self._timeout)


class HubBooking:
    """The hall's booking router for a member terminal enrolled with a hub: the hub decides
    every seat hall-wide (sync/server/bookings.py). With the hub away it says `hub_unreachable`
    and the hall books from this terminal's leased share, if it holds one (`lease`); selling
    from the local store alone could sell one seat twice."""

    def __init__(self, hall: Hall, timeout: float = TIMEOUT_S) -> None:
        self._hall = hall
        self._timeout = timeout

    def book(self, service_id: str, day: str, time: str, holder_key: str) -> str:
        from hall.errors import DomainError
        from sync import runner
        from sync.client import SyncClient

        hall = self._hall
        cred = credential.load(hall.data_dir)
        with SyncClient(hall, cred.server, cred.token, timeout=self._timeout, lease_series=(),
                        ca=cred.ca, insecure=cred.insecure, check_own=False) as client:
            try:
                found = client.book_appointment(service_id, day, time, holder_key)
            except NetworkError as exc:
                runner.record(hall.core, exc.message)
                raise DomainError(f"the hall's hub is out of reach, and only it books seats: "
                                  f"{exc.message}", code="hub_unreachable") from exc
        runner.record(hall.core, None)
        return found

    def lease(self, service_id: str, day: str, seats: int) -> dict[str, int]:
        """This terminal's share of a day's slots, topped up to `seats` a slot while the hub is
        here, for booking while it is away (hall/appointments.py books from it then)."""
        from sync.client import SyncClient

        hall = self._hall
        cred = credential.load(hall.data_dir)
        with SyncClient(hall, cred.server, cred.token, timeout=self._timeout, lease_series=(),
                        ca=cred.ca, insecure=cred.insecure, check_own=False) as client:
            return client.lease_booking_shares(service_id, day, seats)


class PeerRouter:
    """The hall's `CallRouter` for a member enrolled with a hub: the hub decides; without it,
    the calling rule among the peers (sync/peercall.py, loaded on the first call the hub does
    not decide, so that `ticket take` loads no network client)."""

    def __init__(self, hall: Hall, hub: HubRouter) -> None:
        self._hall = hall
        self._hub = hub

    def call_next(self, window: str, by: Actor) -> TicketView | None:
        called = self._hub.call_next(window, by)
        if called is not None:
            return called
        from sync.peercall import claim_and_call

        return claim_and_call(self._hall, window, by)


def attach(hall: Hall) -> Hall:
    """Route calls and bookings through the hub when this terminal is a member enrolled with
    one."""
    if hall.config.numbering == "member" and credential.exists(hall.data_dir):
        hall.tickets.router = PeerRouter(hall, HubRouter(hall))
        hall.appointments.router = HubBooking(hall)
    return hall
