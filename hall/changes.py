"""What a commit changed, and who hears about it.

Every command of the hall returns the `Changes` it made, and the hall tells its subscribers after
every commit: its own commands, events pulled by sync, and commits another process made to the same
store (noticed by `ChangeWatcher`). A face redraws only what changed, as Anki's `OpChanges` lets it.

The categories come from the event types of the log, so a command, a pull and another process's
commit are described the same way: whatever wrote the events, their types say what they touched.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Literal

from hall.events import EventType

Source = Literal["local", "sync", "external"]


@dataclass(frozen=True)
class Changes:
    tickets: bool = False  # issued, moved or finished tickets (queue lists, waiting counts)
    calls: bool = False  # a ticket was called or recalled (the call screen, the voice)
    windows: bool = False  # which services a window serves
    cases: bool = False  # 受理, steps, 办结, 出件, purges
    ratings: bool = False  # 好差评 and their follow-ups
    help: bool = False  # 帮办 requests from kiosks and their answers
    appointments: bool = False  # 预约 booked or checked in
    accounts: bool = False  # accounts, sign-ins, lockouts, the audit trail
    config: bool = False  # the terminal's configuration
    sync: bool = False  # sync bookkeeping: pending events, last success, conflicts
    source: Source = "local"

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "source")

    def __or__(self, other: Changes) -> Changes:
        merged = {f.name: getattr(self, f.name) or getattr(other, f.name)
                  for f in fields(self) if f.name != "source"}
        return Changes(**merged, source=self.source)

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if f.name != "source" and getattr(self, f.name)]

    def with_source(self, source: Source) -> Changes:
        return replace(self, source=source)


NOTHING = Changes()

_BY_TYPE: dict[str, Changes] = {
    EventType.TICKET_ISSUED: Changes(tickets=True),
    EventType.TICKET_CALLED: Changes(tickets=True, calls=True),
    EventType.TICKET_RECALLED: Changes(tickets=True, calls=True),
    EventType.TICKET_NO_SHOW: Changes(tickets=True),
    EventType.SERVICE_STARTED: Changes(tickets=True),
    EventType.TICKET_DONE: Changes(tickets=True),
    EventType.TICKET_TRANSFERRED: Changes(tickets=True),
    EventType.TICKET_PARKED: Changes(tickets=True),
    EventType.TICKET_RESUMED: Changes(tickets=True, calls=True),
    EventType.TICKET_CANCELLED: Changes(tickets=True),
    EventType.TICKET_CALL_WITHDRAWN: Changes(tickets=True, calls=True),
    EventType.NUMBER_BLOCK_LEASED: Changes(sync=True),
    EventType.WINDOW_CONFIGURED: Changes(windows=True, tickets=True),
    EventType.RATING_GIVEN: Changes(ratings=True),
    EventType.RATING_ASKED: Changes(ratings=True),
    EventType.FOLLOW_UP_STEP: Changes(ratings=True),
    EventType.AUDIT_RECORDED: Changes(accounts=True),
    EventType.PERSONAL_DATA_PURGED: Changes(cases=True, ratings=True),
    EventType.ACCOUNT_CHANGED: Changes(accounts=True),
    EventType.HALL_SETTINGS_REQUESTED: Changes(config=True),
    EventType.HALL_SETTINGS_PUBLISHED: Changes(config=True),
}


def of_types(types: Iterable[str], source: Source = "local") -> Changes:
    """The changes a run of events makes, by their types (unknown types: newer schema, which a
    face cannot show anyway, counts as a ticket change so lists refresh)."""
    out = NOTHING
    for t in types:
        known = _BY_TYPE.get(t)
        if known is None:
            if t.startswith("Case") or t.startswith("Materials") or t == "ResultDelivered":
                known = Changes(cases=True)
            elif t.startswith("Help"):
                known = Changes(help=True)
            elif t.startswith("Appointment"):
                known = Changes(appointments=True, tickets=True)
            else:
                known = Changes(tickets=True)
        out = out | known
    return out.with_source(source)


Subscriber = Callable[[Changes], None]


class Notifier:
    """Subscribers of one hall. `notify` runs them in the caller's thread, after the commit; a
    subscriber that raises is reported to the others' detriment never: it is dropped from this
    round only (a face's slot must not stop sync from committing)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def notify(self, changes: Changes) -> None:
        if not changes:
            return
        with self._lock:
            targets = list(self._subscribers)
        for callback in targets:
            try:
                callback(changes)
            except Exception:  # a broken subscriber must not undo or block a commit
                import sys

                sys.excepthook(*sys.exc_info())


class ChangeWatcher:
    """Notices commits of other connections (another process, another thread's connection).

    `PRAGMA data_version` changes when another connection commits; the new events (by `pos`, the
    log's arrival order) say what changed. A commit that adds no event (sync bookkeeping) counts as
    a sync change. The owner calls `poll()` on a timer in the thread that owns the connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._version = self._data_version()
        self.seen_pos = self._max_pos()

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _max_pos(self) -> int:
        return int(self._conn.execute("SELECT COALESCE(MAX(pos), 0) FROM events").fetchone()[0])

    def catch_up(self, source: Source) -> Changes:
        """What the events appended since the last look changed (after a commit of our own)."""
        rows = self._conn.execute("SELECT pos, type FROM events WHERE pos > ? ORDER BY pos",
                                  (self.seen_pos,)).fetchall()
        if not rows:
            return NOTHING.with_source(source)
        self.seen_pos = int(rows[-1][0])
        return of_types((r[1] for r in rows), source)

    def poll(self) -> Changes:
        """Commits of other connections since the last poll (NOTHING when there were none)."""
        version = self._data_version()
        if version == self._version:
            return NOTHING
        self._version = version
        found = self.catch_up("external")
        return found if found else Changes(sync=True, source="external")
