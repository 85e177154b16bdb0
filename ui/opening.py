"""The one place that opens the hall for a face: the faces (kiosk/, desk/, display/, rater/) never
hold `hall.app.Hall`, only the session this module makes for them (import-linter forbids them
`hall.app`, contract `faces-use-sessions`).

    bridge = HallBridge(face_opener(folder, "kiosk"))          # the kiosk's own session
    bridge = HallBridge(face_opener(folder, "desk", hub_calls=True))  # a viewer, until sign-in
    bridge = HallBridge(face_opener(folder, "display"))        # the call screen's (may do nothing)
    bridge = HallBridge(face_opener(folder, "rater", window="3"))  # the pad of window 3

The hall is opened in the bridge's worker thread (SQLite connections belong to the thread that
made them); the worker keeps it to hear its commits, poll for other processes' and close it at
the end, and hands every job the face's session only. The desk starts as a viewer (the public
boards, the catalog) and gets a clerk's session by signing in through it (`session.sign_in`):
no other way leads from one actor to another.

`sample_door` opens a throwaway sample hall for the faces' screenshot pages and the kiosk's
preview: the local operator's entries to it (first admin, sign-in, the kiosk's session), never
the hall itself, and never a real hall's folder (the callers make their own temporary one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.session import Session

Face = Literal["kiosk", "desk", "display", "rater"]
FACES: tuple[Face, ...] = ("kiosk", "desk", "display", "rater")


@dataclass(frozen=True)
class Opened:
    """What the bridge's worker holds: the hall (to watch and close) and the face's session
    (the only thing a job sees)."""

    hall: Hall
    session: Session


def _open(folder: Path, face: Face, *, window: str | None = None,
              hub_calls: bool = False) -> Opened:
    """Open `folder`'s hall and the session of `face`: the kiosk's own identity, the call
    screen's (nobody: public reads only), a rating pad's for its window, or for a desk a viewer
    session that signs its clerk in. `hub_calls`: an enrolled member desk asks its hub which
    ticket to call (sync.hubcall)."""
    from hall.app import Hall

    hall = Hall.open(folder)
    try:
        if hub_calls:
            from sync.hubcall import attach

            attach(hall)
        session = _session_of(hall, face, window)
    except BaseException:
        hall.close()
        raise
    return Opened(hall, session)


def _session_of(hall: Hall, face: Face, window: str | None) -> Session:
    if face == "kiosk":
        return hall.kiosk_session()
    if face == "rater":
        from hall.windows import check_window_name

        return hall.rater_session(check_window_name(window or ""))
    if face in ("desk", "display"):
        return hall.display_session()
    raise ValueError(f"no face {face!r} (one of {', '.join(FACES)})")


def face_opener(folder: Path, face: Face, *, window: str | None = None,
                hub_calls: bool = False) -> Callable[[], Opened]:
    """What a face gives its bridge: called once, in the worker thread."""
    return lambda: _open(folder, face, window=window, hub_calls=hub_calls)


class SampleDoor:
    """A sample hall's entries for the local operator making a fictitious day (screenshots, the
    kiosk's preview): sessions only."""

    def __init__(self, hall: Hall) -> None:
        self._hall = hall
        self.operator = hall.operator_session("samples")
        self.kiosk = hall.kiosk_session()
        self.display = hall.display_session()

    def first_admin(self, user: str, password: str) -> Session:
        return self._hall.first_admin(user, password)

    def sign_in(self, user: str, password: str, *, window: str | None = None) -> Session:
        return self._hall.sign_in(user, password, window=window)


@contextmanager
def sample_door(folder: Path) -> Iterator[SampleDoor]:
    """A set-up sample folder's hall (hall/terminal_setup.py first), closed at the end."""
    from hall.app import Hall

    with Hall.open(folder) as hall:
        yield SampleDoor(hall)
