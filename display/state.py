"""What the call screen shows, read in the hall's worker thread (Qt-free): one snapshot for the
first paint; the calls after it are followed by log position (display/window.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.sync_state import SyncState, read_sync

if TYPE_CHECKING:
    from hall.app import Hall
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


def read_due(hall: Hall) -> int:
    return len(hall.appointments.due(30))



def read_hall_face(hall: Hall) -> tuple[str, list[str] | None]:
    """The hall's name and notices (the ticker) as its signed settings say (None: the hall
    set no notices, display.json's stay)."""
    notices = hall.settings.current().settings.get("notices")
    return hall.config.display_name, (list(notices) if isinstance(notices, list) else None)


def read_display(hall: Hall, last: int = 8) -> DisplayState:
    hall.settings.current()  # the hall's signed settings (its name) over config.json
    pos = hall.views.log_position()  # first: a call committed after it is followed, not lost
    calls = tuple(c for c in hall.views.last_calls(last + 4) if c.pos <= pos)[:last]
    return DisplayState(hall.config.display_name, calls,
                        hall.views.waiting(), read_sync(hall), pos, hall.config.timezone,
                        read_due(hall))
