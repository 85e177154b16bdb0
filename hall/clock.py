"""Wall clock and hybrid logical clock (HLC).

The HLC orders events across terminals whose wall clocks disagree: it never runs backwards on one
terminal, and it moves past any timestamp it has seen from elsewhere. It is packed into one
integer (milliseconds << 16 | logical counter) so that it sorts and indexes as a plain column.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

LOGICAL_BITS = 16
LOGICAL_MASK = (1 << LOGICAL_BITS) - 1

WallClock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


def pack(physical_ms: int, logical: int) -> int:
    return (physical_ms << LOGICAL_BITS) | logical


def unpack(hlc: int) -> tuple[int, int]:
    return hlc >> LOGICAL_BITS, hlc & LOGICAL_MASK


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class HybridLogicalClock:
    """HLC per Kulkarni et al.; `last` is persisted by the store so a restart never goes back."""

    def __init__(self, wall: WallClock = system_now, last: int = 0) -> None:
        self._wall = wall
        self._last = last
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def tick(self) -> int:
        """A timestamp for a local event."""
        with self._lock:
            wall_ms = to_ms(self._wall())
            last_ms, last_logical = unpack(self._last)
            if wall_ms > last_ms:
                self._last = pack(wall_ms, 0)
            else:
                self._last = pack(last_ms, last_logical + 1)
            return self._last

    def observe(self, remote: int) -> int:
        """Merge a timestamp received from another terminal."""
        with self._lock:
            wall_ms = to_ms(self._wall())
            last_ms, last_logical = unpack(self._last)
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
            self._last = pack(top, logical)
            return self._last
