"""Too many requests: token buckets, answered with 429 and Retry-After.

One table of buckets per kind of limit (the app keeps four: requests per credential, events per
credential, enrollments per source address, failed authentications per source address). Memory is
bounded by evicting the least recently used *full* bucket (a full bucket holds nothing worth
remembering: a fresh one is the same); only when none of the oldest is full is the oldest one
forgotten, which can only hand a fresh burst to that one key, never to everyone.

`TokenBuckets` are in memory: one process (a hub on SQLite). `SharedBuckets` keep the same
buckets in PostgreSQL, so every server process on one database spends one budget per key
(docs/architecture.md, "The central platform on PostgreSQL").
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import Connection, Engine, text

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


# Over PostgreSQL the buckets live in the database, so N server processes (on one host or many)
# spend one budget per key, not N. One statement per take: the row is refilled, charged and
# read back under its row lock, so two processes charging one key at once are serialized by
# PostgreSQL and neither sees tokens the other spent. UNLOGGED: no WAL for a row written on
# every request; a database crash forgets the buckets, which only hands everyone a fresh burst.
BUCKETS_DDL = """
CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (
    kind text NOT NULL,
    key text NOT NULL,
    tokens double precision NOT NULL,
    at double precision NOT NULL,
    granted boolean NOT NULL,
    PRIMARY KEY (kind, key)
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02)"""
# fillfactor: room on each page for the row's next version (HOT updates: no index write per
# request); vacuumed after 2 % of it changed, as every request rewrites a row
_NOW = "extract(epoch from clock_timestamp())"  # the database's clock: every host agrees
_LEVEL = "least(:burst, b.tokens + greatest(0.0, EXCLUDED.at - b.at) * :rate)"
_TAKE = f"""
INSERT INTO rate_buckets AS b (kind, key, tokens, at, granted)
VALUES (:kind, :key, :burst - :cost, {_NOW}, true)
ON CONFLICT (kind, key) DO UPDATE SET
    tokens = CASE WHEN {_LEVEL} >= :cost THEN {_LEVEL} - :cost ELSE {_LEVEL} END,
    granted = {_LEVEL} >= :cost,
    at = EXCLUDED.at
RETURNING tokens, granted"""
_PEEK = f"""
SELECT least(:burst, tokens + greatest(0.0, {_NOW} - at) * :rate)
FROM rate_buckets WHERE kind = :kind AND key = :key"""
# A bucket idle for burst/rate seconds is full again, the same as no row: such rows go.
_PRUNE = f"DELETE FROM rate_buckets WHERE kind = :kind AND at < {_NOW} - :idle"
PRUNE_EVERY = 60.0  # seconds between one process's prunes of a table


class SharedBuckets:
    """TokenBuckets' contract (take, peek) in the server's PostgreSQL database, shared by every
    process on it. Blocking: call it from a worker thread, never the event loop."""

    def __init__(self, engine: Engine, kind: str, rate: float = RATE,
                 burst: int = BURST) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate and burst must be positive")
        self.engine = engine
        self.kind = kind
        self.rate = rate
        self.burst = float(burst)
        self._pruned = time.monotonic()
        self._lock = threading.Lock()

    def _params(self, key: str, cost: float) -> dict[str, Any]:
        # PostgreSQL text holds no NUL (the app's separator); "/" is in no hall or terminal id
        return {"kind": self.kind, "key": key.replace("\x00", "/"), "rate": self.rate,
                "burst": self.burst,
                "cost": min(max(cost, 0.0), self.burst)}

    def take(self, key: str, cost: float = 1.0) -> float:
        """0 if the request may go on (its `cost` is taken), else the seconds until it may."""
        params = self._params(key, cost)
        with self.engine.begin() as conn:
            tokens, granted = conn.execute(text(_TAKE), params).one()
        self._maybe_prune()
        return 0.0 if granted else (params["cost"] - float(tokens)) / self.rate

    def peek(self, key: str, cost: float = 1.0) -> float:
        params = self._params(key, cost)
        with self.engine.connect() as conn:
            level = conn.execute(text(_PEEK), params).scalar()
        if level is None:
            return 0.0
        return 0.0 if float(level) >= params["cost"] else (
            params["cost"] - float(level)) / self.rate

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._pruned < PRUNE_EVERY:
                return
            self._pruned = now
        with self.engine.begin() as conn:
            conn.execute(text(_PRUNE), {"kind": self.kind, "idle": self.burst / self.rate})

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM rate_buckets WHERE kind = :k"),
                                    {"k": self.kind}).scalar() or 0)


def make_table(conn: Connection) -> None:
    """The shared buckets' table (PostgreSQL only; called under the migration lock)."""
    conn.execute(text(BUCKETS_DDL))


Buckets = TokenBuckets | SharedBuckets
