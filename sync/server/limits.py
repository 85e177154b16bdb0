"""Too many requests: token buckets, answered with 429 and Retry-After.

One table of buckets per kind of limit (the app keeps four: requests per credential, events per
credential, enrollments per source address, failed authentications per source address). Memory is
bounded by evicting the least recently used *full* bucket (a full bucket holds nothing worth
remembering: a fresh one is the same); only when none of the oldest is full is the oldest one
forgotten, which can only hand a fresh burst to that one key, never to everyone.

Per process: several server processes over one PostgreSQL each keep their own tables, so a
client spread over N processes may reach N times the rate (docs/security.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict

RATE = 200.0  # requests per second, sustained, per terminal
BURST = 800  # requests at once
EVENT_RATE = 2000.0  # events pushed per second, sustained, per terminal (a hub: its hall)
EVENT_BURST = 20000  # events at once: a day offline, or a hub catching up, in a few pushes
AUTH_FAIL_RATE = 1.0  # failed authentications per second, sustained, per source address
AUTH_FAIL_BURST = 30  # ... at once (a hall enrolling behind one address mistypes a few codes)
MAX_KEYS = 100_000  # buckets kept per table
_SCAN = 64  # oldest buckets looked at for a full one before the oldest is forgotten


class TokenBuckets:
    def __init__(self, rate: float = RATE, burst: int = BURST, max_keys: int = MAX_KEYS) -> None:
        if rate <= 0 or burst < 1 or max_keys < 1:
            raise ValueError("rate, burst and max_keys must be positive")
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def __len__(self) -> int:
        return len(self._buckets)

    def _level(self, key: str, t: float) -> float:
        tokens, at = self._buckets.get(key, (self.burst, t))
        return min(self.burst, tokens + max(0.0, t - at) * self.rate)

    def take(self, key: str, cost: float = 1.0, now: float | None = None) -> float:
        """0 if the request may go on (its `cost` is taken), else the seconds until it may
        (Retry-After). A cost above the burst is charged as the whole burst."""
        t = time.monotonic() if now is None else now
        cost = min(max(cost, 0.0), self.burst)
        with self._lock:
            tokens = self._level(key, t)
            if key not in self._buckets:
                self._make_room(t)
            ok = tokens >= cost
            self._buckets[key] = (tokens - cost if ok else tokens, t)
            self._buckets.move_to_end(key)
            return 0.0 if ok else (cost - tokens) / self.rate

    def peek(self, key: str, cost: float = 1.0, now: float | None = None) -> float:
        """As take(), without taking: 0 if `cost` is available now."""
        t = time.monotonic() if now is None else now
        with self._lock:
            if key not in self._buckets:
                return 0.0
            tokens = self._level(key, t)
        cost = min(cost, self.burst)
        return 0.0 if tokens >= cost else (cost - tokens) / self.rate

    def _make_room(self, t: float) -> None:
        while len(self._buckets) >= self.max_keys:
            oldest = (k for k, _ in zip(self._buckets, range(_SCAN), strict=False))
            full = next((k for k in oldest if self._level(k, t) >= self.burst), None)
            if full is None:
                self._buckets.popitem(last=False)
            else:
                del self._buckets[full]

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))
