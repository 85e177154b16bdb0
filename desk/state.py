"""What the desk shows, read in the hall's worker thread (Qt-free): one snapshot per redraw, so
a slot in the GUI thread only paints plain values. Sync's state: ui/sync_state.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ui.sync_state import SyncState, read_sync

if TYPE_CHECKING:
    from hall.cases import CaseView
    from hall.help import HelpRequest
    from hall.ratings import RatingView
    from hall.session import Session
    from hall.stats import DayStats
    from hall.ticket_views import TicketView


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
    # the cases the current ticket already has: a desk restarted mid-visit shows them, and
    # accepting again asks first (hall.cases: ticket_has_case)
    current_cases: tuple[CaseView, ...] = ()


@dataclass(frozen=True)
class FiguresState:
    stats: DayStats
    follow_ups: tuple[RatingView, ...]  # a supervisor's only
    service_names: dict[str, str]
    hall_wide: bool


def service_names(session: Session) -> dict[str, str]:
    return {s.id: s.name for s in session.catalog.services}


def read_queue(session: Session, window: str) -> QueueState:
    """The window's queue as `session` sees it: the public boards, and the cases of the ticket
    being served if this session may look cases up (a viewer's, in a desk's sample, may not)."""
    names = service_names(session)
    served = session.windows.get(window).services
    held = session.views.held_by(window)
    current = next((t for t in held if t.status in ("called", "serving")), None)
    cases: tuple[CaseView, ...] = ()
    if current is not None and session.can("case_lookup"):
        cases = session.cases.of_ticket(current.id)
    board = session.views.waiting()
    waiting = tuple((w.key, w.name, w.count) for w in board.by_service
                    if (served is None and w.count) or (served is not None and w.key in served))
    views = session.windows.list()
    return QueueState(
        window=window,
        services=tuple(names.get(s, s) for s in served) if served is not None else None,
        current=current,
        parked=tuple(t for t in held if t.status == "parked"),
        upcoming=tuple(session.views.next_for(window, 8)),
        waiting=waiting,
        help=tuple(session.help.open()),
        sync=read_sync(session),
        service_names=names,
        windows=tuple(w.window for w in views),
        window_services={w.window: w.services for w in views},
        served=served,
        today=session.today(),
        current_cases=cases,
    )


def read_figures(session: Session) -> FiguresState:
    hall_wide = session.can("stats_hall")
    follow = tuple(session.ratings.follow_ups()) if session.can("follow_up") else ()
    names = {s.id: s.name for s in session.catalog.services}
    return FiguresState(session.stats(), follow, names, hall_wide)
