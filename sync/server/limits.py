"""Too many requests from one terminal: a token bucket per credential (and per address for
enrollment), answered with 429 and Retry-After."""

from __future__ import annotations

import math
import threading
import time

RATE = 200.0  # requests per second, sustained, per terminal
BURST = 800  # requests at once


class TokenBuckets:
    def __init__(self, rate: float = RATE, burst: int = BURST, max_keys: int = 100_000) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str, now: float | None = None) -> float:
        """0 if the request may go on, else the seconds until it may (Retry-After)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, t))
            tokens = min(self.burst, tokens + (t - at) * self.rate)
            if tokens >= 1.0:
                if key not in self._buckets and len(self._buckets) >= self.max_keys:
                    self._buckets.clear()  # a flood of keys: forget (full buckets) rather than grow
                self._buckets[key] = (tokens - 1.0, t)
                return 0.0
            self._buckets[key] = (tokens, t)
            return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))
