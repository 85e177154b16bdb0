"""How the terminals of one hall know each other on the LAN: every peer request is signed with
the hall's peer key (handed out by the hub with the peer list, over TLS or loopback only), over
the method, the path with its query, a timestamp and the body's hash. A stranger without the key
gets 401; a request replayed more than `SKEW_MS` later, or altered, too. Peer traffic is plain
HTTP: what it carries is the event log, whose personal fields are sealed already."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Tingduan-Peer"
SKEW_MS = 60_000


def _mac(key: bytes, terminal: str, method: str, target: str, ts: int, body: bytes) -> str:
    msg = b"\n".join([terminal.encode(), method.upper().encode(), target.encode(),
                      str(ts).encode(), hashlib.sha256(body).hexdigest().encode()])
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def sign(key: bytes, terminal: str, method: str, target: str, body: bytes = b"") -> str:
    """The header value for a request to `target` (path and query, as sent)."""
    ts = time.time_ns() // 1_000_000
    return f"{terminal}:{ts}:{_mac(key, terminal, method, target, ts, body)}"


def verify(key: bytes, header: str | None, method: str, target: str,
           body: bytes = b"") -> str | None:
    """The signing terminal's id, or None when the header is missing, stale or wrong."""
    if not header:
        return None
    parts = header.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    terminal, ts = parts[0], int(parts[1])
    if abs(time.time_ns() // 1_000_000 - ts) > SKEW_MS:
        return None
    good = _mac(key, terminal, method, target, ts, body)
    return terminal if hmac.compare_digest(good, parts[2]) else None
