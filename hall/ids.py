"""UUIDv7 (RFC 9562): time-ordered ids for events, tickets and cases.

Python 3.11 has no uuid7; the `uuid6` package costs 60 ms of start-up (it loads
importlib.metadata for its version), which the CLI's start budget cannot spare.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A UUIDv7; ids made in the same millisecond stay monotonic (RFC 9562, method 2)."""
    global _last_ms, _last_rand
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            rand = _last_rand + 1
            if rand >= 1 << 74:
                ms += 1
                rand = int.from_bytes(os.urandom(10)) >> 7
        else:
            rand = int.from_bytes(os.urandom(10)) >> 7  # 73 bits leave room to count up
        _last_ms, _last_rand = ms, rand
    rand_a = rand >> 62
    rand_b = rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def new_id() -> str:
    return str(uuid7())


def normal_id(text: str) -> str:
    """The one spelling of a hall id or a terminal id: `sy-zw01` and `SY-ZW01` are one hall,
    `k3` and `K3` one terminal (ids are printed on tickets and compared everywhere as typed, so
    they are kept upper-case from the moment they are entered: setup, enrollment codes)."""
    return text.strip().upper()
