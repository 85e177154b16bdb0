"""What the call screen shows, read in the hall's worker thread (Qt-free): one snapshot for the
first paint; the calls after it are followed by log position (display/window.py). Each read
takes the screen's session (ui/opening.py: public reads only), never the hall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.sync_state import SyncState, read_sync

if TYPE_CHECKING:
    from hall.session import Session
    from hall.views import Call, WaitingBoard


@dataclass(frozen=True)
class DisplayState:
    hall_name: str
    last: tuple[Call, ...]  # newest first
    waiting: WaitingBoard
    sync: SyncState
    pos: int  # the log position these were read at: follow calls after it
    timezone: str = "Asia/Shanghai"  # the hall's: its clock on the screen
    due_soon: int = 0  # booked visitors due in the next half hour (预约)


def read_due(screen: Session) -> int:
    return len(screen.appointments.due(30))



def read_hall_face(screen: Session) -> tuple[str, list[str] | None]:
    """The hall's name and notices (the ticker) as its signed settings say (None: the hall
    set no notices, display.json's stay)."""
    notices = screen.settings.current().settings.get("notices")
    return screen.config.display_name, (list(notices) if isinstance(notices, list) else None)


def read_display(screen: Session, last: int = 8) -> DisplayState:
    screen.settings.current()  # the hall's signed settings (its name) over config.json
    pos = screen.views.log_position()  # first: a call committed after it is followed, not lost
    calls = tuple(c for c in screen.views.last_calls(last + 4) if c.pos <= pos)[:last]
    return DisplayState(screen.config.display_name, calls,
                        screen.views.waiting(), read_sync(screen), pos, screen.config.timezone,
                        read_due(screen))
