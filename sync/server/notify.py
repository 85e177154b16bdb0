"""Waking long-polls: only the pollers of the hall whose events arrived, never the pusher's own.

`HallNotifier` lives on the event loop. In one process a push wakes it directly. Over
PostgreSQL the push also sends `NOTIFY tingduan_events, 'HALL PUSHER'` inside its transaction
(delivered on commit, to every server process on the database), and `PgListener`, a thread per
process with a connection of its own, hands each notification to its process's notifier, so a
poll held by one process answers a push that landed on another. A push routing a travelling
case sends `NOTIFY tingduan_travel, 'TO_HALL'` alike (sync/server/routing.py `file`): every
process wakes that hall's inbox polls (`travel_key`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from sync.server.db import REVOKED_CHANNEL

CHANNEL = "tingduan_events"
TRAVEL_CHANNEL = "tingduan_travel"  # payload: the hall something was routed to


def travel_key(hall_id: str) -> str:
    """The notifier's key of a hall's travel inbox polls (no hall id starts with NUL)."""
    return f"\x00travel:{hall_id}"
_log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Waiter:
    terminal_id: str
    woken: asyncio.Event = field(default_factory=asyncio.Event)


class HallNotifier:
    def __init__(self) -> None:
        self._halls: dict[str, set[_Waiter]] = {}
        self.woken = 0  # waiters woken so far (tests and the bench read it)
        self.closing = False  # the server is stopping: every poll answers now, none waits

    def close(self) -> None:
        """The server was asked to stop: held polls answer at once (with what they have), so
        they end inside the graceful shutdown instead of being cancelled with a traceback."""
        self.closing = True
        self.notify_all()

    def register(self, hall_id: str, terminal_id: str) -> _Waiter:
        """Before the poll's query, so a push between the query and the wait is not missed."""
        waiter = _Waiter(terminal_id)
        self._halls.setdefault(hall_id, set()).add(waiter)
        return waiter

    def unregister(self, hall_id: str, waiter: _Waiter) -> None:
        waiters = self._halls.get(hall_id)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._halls[hall_id]

    async def wait(self, waiter: _Waiter, timeout: float,
                   gone: Awaitable[None] | None = None) -> bool:
        """True if woken; False at the timeout, or when `gone` (the client left) ends first,
        or when the server is stopping."""
        if self.closing:
            return False
        woken = asyncio.ensure_future(waiter.woken.wait())
        left = None if gone is None else asyncio.ensure_future(gone)
        try:
            await asyncio.wait([woken] if left is None else [woken, left], timeout=timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, left):
                if task is not None and not task.done():
                    task.cancel()
        return waiter.woken.is_set() and not self.closing

    def notify(self, hall_id: str, pusher: str | None = None) -> None:
        """Events of `hall_id` landed, pushed by `pusher` (whose own polls would not see them)."""
        for waiter in self._halls.get(hall_id, ()):
            if waiter.terminal_id != pusher and not waiter.woken.is_set():
                waiter.woken.set()
                self.woken += 1

    def notify_all(self) -> None:
        for hall_id in list(self._halls):
            self.notify(hall_id)

    def polling(self, hall_id: str) -> int:
        return len(self._halls.get(hall_id, ()))


def send(conn: Connection, hall_id: str, pusher: str) -> None:
    """Inside a push's transaction on PostgreSQL: every process wakes that hall on commit."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                     {"channel": CHANNEL, "payload": f"{hall_id} {pusher}"})


class PgListener:
    """LISTEN on the server database; each notification goes to `deliver(hall, pusher)` (called
    on this thread: hand it to the loop with call_soon_threadsafe). After a lost connection every
    poller is woken once (`resync`), since notifications sent meanwhile are gone. A revoked
    terminal (db.REVOKED_CHANNEL) goes to `revoked(hall, terminal)`, on this thread too; while
    not `listening`, the process believes no cached credential (app.py)."""

    def __init__(self, engine: Engine, deliver: Callable[[str, str], None],
                 resync: Callable[[], None],
                 revoked: Callable[[str, str], object] | None = None) -> None:
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        self.deliver = deliver
        self.resync = resync
        self.revoked = revoked
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        pause = 0.5
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {REVOKED_CHANNEL}")
                    conn.execute(f"LISTEN {TRAVEL_CHANNEL}")
                    self.listening.set()
                    if not first:
                        self.resync()
                    first, pause = False, 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            hall, _, who = note.payload.partition(" ")
                            if note.channel == REVOKED_CHANNEL:
                                if self.revoked is not None:
                                    self.revoked(hall, who)
                            elif note.channel == TRAVEL_CHANNEL:
                                self.deliver(travel_key(note.payload), "")
                            else:
                                self.deliver(hall, who)
            except psycopg.Error as exc:
                self.listening.clear()
                _log.warning("LISTEN %s lost: %s; again in %.1f s", CHANNEL, exc, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, 30.0)
