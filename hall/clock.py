"""Wall clock and hybrid logical clock (HLC).

The HLC orders events across terminals whose wall clocks disagree: it never runs backwards on one
terminal, and it moves past any timestamp it has seen from elsewhere. It is packed into one
integer (milliseconds << 16 | logical counter) so that it sorts and indexes as a plain column.

There is one clock per store per process (`for_store`): the hall's commands and the sync thread
that absorbs pulled events share it, so an event made after a pull never gets an HLC below the
events already pulled, whichever thread made it.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

LOGICAL_BITS = 16
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1

WallClock = Callable[[], datetime]


def now_ms() -> int:
    """This machine's wall clock in ms since the epoch (sync's and the server's stamps; the
    hall's own moments come from its clock: `Core.now`)."""
    return time.time_ns() // 1_000_000


def system_now() -> datetime:
    return datetime.now(UTC)


def pack(physical_ms: int, logical: int) -> int:
    return (physical_ms << LOGICAL_BITS) | logical


def unpack(hlc: int) -> tuple[int, int]:
    return hlc >> LOGICAL_BITS, hlc & LOGICAL_MASK


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _packed(physical_ms: int, logical: int) -> int:
    """pack(), carrying a logical counter that outgrew its bits into the next millisecond (65,536
    events within one millisecond, or behind a clock far ahead): the order stays strict."""
    if logical > LOGICAL_MASK:
        return pack(physical_ms + 1, 0)
    return pack(physical_ms, logical)


class _State:
    """What clocks of one store share: the last timestamp given out, and its lock."""

    def __init__(self, last: int) -> None:
        self.last = last
        self.lock = threading.Lock()


_STORES: weakref.WeakValueDictionary[str, _State] = weakref.WeakValueDictionary()
_STORES_LOCK = threading.Lock()


class HybridLogicalClock:
    """HLC per Kulkarni et al.; `last` is persisted by the store so a restart never goes back."""

    def __init__(self, wall: WallClock = system_now, last: int = 0, *,
                 state: _State | None = None) -> None:
        self._wall = wall
        self._state = state if state is not None else _State(last)
        if last > self._state.last:
            self.observe_stored(last)

    @property
    def last(self) -> int:
        return self._state.last

    def tick(self) -> int:
        """A timestamp for a local event."""
        state = self._state
        with state.lock:
            wall_ms = to_ms(self._wall())
            last_ms, last_logical = unpack(state.last)
            if wall_ms > last_ms:
                state.last = pack(wall_ms, 0)
            else:
                state.last = _packed(last_ms, last_logical + 1)
            return state.last

    def observe(self, remote: int) -> int:
        """Merge a timestamp received from another terminal (every event sync absorbs)."""
        state = self._state
        with state.lock:
            wall_ms = to_ms(self._wall())
            last_ms, last_logical = unpack(state.last)
            remote_ms, remote_logical = unpack(remote)
            top = max(wall_ms, last_ms, remote_ms)
            if top == last_ms == remote_ms:
                logical = max(last_logical, remote_logical) + 1
            elif top == last_ms:
                logical = last_logical + 1
            elif top == remote_ms:
                logical = remote_logical + 1
            else:
                logical = 0
            state.last = _packed(top, logical)
            return state.last

    def observe_stored(self, stored: int) -> None:
        """Move past a timestamp already in the store (no tick of its own: nothing happened)."""
        with self._state.lock:
            self._state.last = max(self._state.last, stored)


def for_store(path: Path, wall: WallClock = system_now, stored: int = 0) -> HybridLogicalClock:
    """The clock of the store at `path` in this process (made on first use), reading time from
    `wall`; `stored` is the highest HLC the store holds. Clocks on one store share their state,
    each with its own wall (tests give terminals clocks of their own)."""
    key = str(path.resolve())
    with _STORES_LOCK:
        state = _STORES.get(key)
        if state is None:
            state = _State(stored)
            _STORES[key] = state
    return HybridLogicalClock(wall, stored, state=state)
