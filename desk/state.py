"""What the desk and the display show, read in the hall's worker thread (Qt-free): one snapshot
per redraw, so a slot in the GUI thread only paints plain values.

Sync's state comes from sync.runner.status (the terminal's own store): online or not, events
not yet pushed, and the conflicts sync found (a call two windows made offline, a number two
terminals issued: C001 and C001·T2), each told to the clerk by ticket label and window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hall.errors import DomainError
from hall.timefmt import iso_of_ms

if TYPE_CHECKING:
    from hall.actors import Actor
    from hall.app import Hall
    from hall.help import HelpRequest
    from hall.ratings import RatingView
    from hall.stats import DayStats
    from hall.ticket_views import TicketView
    from hall.views import Call, WaitingBoard


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


@dataclass(frozen=True)
class QueueState:
    window: str
    services: tuple[str, ...] | None  # service names; None: every service
    current: TicketView | None  # called or serving at this window
    parked: tuple[TicketView, ...]
    upcoming: tuple[TicketView, ...]  # what 叫号 would call next, in the policy's order
    waiting: tuple[tuple[str, str, int], ...]  # (service id, name, count) this window serves
    help: tuple[HelpRequest, ...]
    sync: SyncState
    service_names: dict[str, str] = field(default_factory=dict)
    windows: tuple[str, ...] = ()  # every window the hall knows (a transfer's targets)
    window_services: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # by window
    served: tuple[str, ...] | None = None  # this window's service ids; None: every service
    today: str = ""  # the hall's calendar day (its timezone, not this machine's)


@dataclass(frozen=True)
class FiguresState:
    stats: DayStats
    follow_ups: tuple[RatingView, ...]  # a supervisor's only
    service_names: dict[str, str]
    hall_wide: bool


@dataclass(frozen=True)
class DisplayState:
    hall_name: str
    last: tuple[Call, ...]  # newest first
    waiting: WaitingBoard
    sync: SyncState
    pos: int  # the log position these were read at: follow calls after it
    timezone: str = "Asia/Shanghai"  # the hall's: its clock on the screen


def read_sync(hall: Hall) -> SyncState:
    from sync import credential, runner

    status = runner.status(hall.core)
    enrolled = credential.exists(hall.data_dir)
    return SyncState(enrolled, bool(status["online"]) if enrolled else False,
                     int(status["pending"]), status["last_success_ms"],
                     tuple(_conflicts(hall, status["conflicts"])),
                     enrolled and not status["online"] and status["last_error"] is not None)


def _conflicts(hall: Hall, raw: list[dict[str, Any]]) -> list[Conflict]:
    out = []
    for c in raw:
        ticket_id = c.get("ticket_id")
        label: str = ""
        labels: tuple[str, ...] = ()
        window: str | None = None
        if ticket_id:
            try:
                ticket = hall.tickets.get(str(ticket_id))
            except DomainError:
                ticket = None
            if ticket is not None:
                label, window = ticket.number, ticket.window
                if c["kind"] == "number":
                    printed = ticket.printed or ticket.number
                    try:
                        shared = hall.tickets.get(printed)
                        labels = tuple(sorted({shared.number, *shared.shared_with}))
                    except DomainError:
                        labels = (ticket.number,)
        detected = int(c["detected_ms"])
        out.append(Conflict(str(c["kind"]), f"{c['event_id']}:{c['kind']}", label, labels,
                            window, detected, iso_of_ms(detected, hall.core.zone)))
    return out


def service_names(hall: Hall) -> dict[str, str]:
    return {s.id: s.name for s in hall.catalog.services}


def read_queue(hall: Hall, window: str) -> QueueState:
    names = service_names(hall)
    served = hall.windows.get(window).services
    held = hall.views.held_by(window)
    current = next((t for t in held if t.status in ("called", "serving")), None)
    board = hall.views.waiting()
    waiting = tuple((w.key, w.name, w.count) for w in board.by_service
                    if (served is None and w.count) or (served is not None and w.key in served))
    views = hall.windows.list()
    return QueueState(
        window=window,
        services=tuple(names.get(s, s) for s in served) if served is not None else None,
        current=current,
        parked=tuple(t for t in held if t.status == "parked"),
        upcoming=tuple(hall.views.next_for(window, 8)),
        waiting=waiting,
        help=tuple(hall.help.open()),
        sync=read_sync(hall),
        service_names=names,
        windows=tuple(w.window for w in views),
        window_services={w.window: w.services for w in views},
        served=served,
        today=hall.today(),
    )


def read_figures(hall: Hall, actor: Actor) -> FiguresState:
    hall_wide = actor.can("stats_hall")
    follow = tuple(hall.ratings.follow_ups(actor)) if actor.can("follow_up") else ()
    return FiguresState(hall.stats.day(actor), follow, service_names(hall), hall_wide)


def read_display(hall: Hall, last: int = 8) -> DisplayState:
    pos = hall.views.log_position()  # first: a call committed after it is followed, not lost
    calls = tuple(c for c in hall.views.last_calls(last + 4) if c.pos <= pos)[:last]
    return DisplayState(hall.config.display_name, calls,
                        hall.views.waiting(), read_sync(hall), pos, hall.config.timezone)
