"""Sync's state as the faces show it, read in the hall's worker thread (Qt-free).

It comes from the session's typed sync status (hall/sync_status.py, the terminal's own store):
online or not, events not yet
pushed, and the conflicts sync found (a call two windows made offline, a number two terminals
issued: C001 and C001·T2), each told to the clerk by ticket label and window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hall.errors import DomainError
from hall.timefmt import iso_of_ms

if TYPE_CHECKING:
    from hall.session import Session
    from hall.sync_status import SyncConflict


@dataclass(frozen=True)
class Conflict:
    """One clash sync reported, as the clerk reads it."""

    kind: str  # call | number | integrity
    key: str  # unique per clash (the event it was found on + kind): what was already shown
    ticket: str  # the label: C001, or C001·T2
    labels: tuple[str, ...]  # every ticket sharing the number (kind "number")
    window: str | None  # where the ticket is held now (kind "call")
    detected_ms: int
    detected_at: str = ""  # the same moment in the hall's time (ISO with its offset)


@dataclass(frozen=True)
class SyncState:
    enrolled: bool
    online: bool
    pending: int
    last_success_ms: int | None
    conflicts: tuple[Conflict, ...] = ()
    failing: bool = False  # offline because a request failed (not merely not tried yet)
    # Without the hub (sync/peerstate.hearing): does this terminal see the whole hall's queue,
    # which peers it cannot hear, whether it hears anyone at all, and whether a call screen
    # hears it (None: the hub answers and relays to the screens)
    whole_queue: bool = True
    unheard: tuple[str, ...] = ()
    hears_anyone: bool = True
    screen_hears: bool | None = None


def read_sync(session: Session) -> SyncState:
    status = session.sync_status()
    hearing = status.hearing
    failing = status.failing
    return SyncState(status.enrolled, status.online if status.enrolled else False,
                     status.pending, status.last_success_ms,
                     tuple(_conflicts(session, status.conflicts)), failing,
                     whole_queue=not failing or hearing.whole_queue,
                     unheard=hearing.unheard if failing else (),
                     hears_anyone=not failing or hearing.hears_anyone,
                     screen_hears=None if not failing or hearing.screens is None
                     else bool(hearing.screens))


def _conflicts(session: Session, raw: tuple[SyncConflict, ...]) -> list[Conflict]:
    out = []
    for c in raw:
        ticket_id = c.ticket_id
        label: str = ""
        labels: tuple[str, ...] = ()
        window: str | None = None
        if ticket_id:
            try:
                ticket = session.tickets.get(str(ticket_id))
            except DomainError:
                ticket = None
            if ticket is not None:
                label, window = ticket.number, ticket.window
                if c.kind == "number":
                    printed = ticket.printed or ticket.number
                    try:
                        shared = session.tickets.get(printed)
                        labels = tuple(sorted({shared.number, *shared.shared_with}))
                    except DomainError:
                        labels = (ticket.number,)
        detected = int(c.detected_ms)
        out.append(Conflict(c.kind, f"{c.event_id}:{c.kind}", label, labels,
                            window, detected, iso_of_ms(detected, session.zone)))
    return out
