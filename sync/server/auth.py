"""Known credentials for a moment, so a request's authentication rarely needs the database.

Only good credentials are kept (by token hash, for `TTL` seconds). On SQLite (one process) a
revoked credential stops working at most `TTL` seconds after `serve revoke`. On PostgreSQL the
revocation is announced with NOTIFY in its own transaction and every process's listener drops
that terminal's entries as it commits (`forget_terminal`); while a process's listener is down it
believes no entry, and after it reconnects it forgets them all (app.py), so the TTL is only
the bound for a notification lost with its connection. Unknown tokens are
never kept: the failed-authentication limit per source address (limits.py) bounds their lookups.
A token that authenticated within `VOUCH` seconds is still looked up when its source address is
over that limit, so terminals sharing an address (a hall behind one NAT) with someone trying
stolen tokens keep working; a token nobody has seen work is refused without a lookup.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from sync.server.db import Credential

TTL = 2.0  # seconds a looked-up credential is believed without asking the database again
VOUCH = 3600.0  # seconds a token that worked may be looked up past its source's failure limit
MAX_ENTRIES = 100_000


class CredentialCache:
    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        # token hash -> (credential, believed until, vouched for until)
        self._known: OrderedDict[str, tuple[Credential, float, float]] = OrderedDict()

    def get(self, token_hash: str, now: float | None = None) -> Credential | None:
        t = time.monotonic() if now is None else now
        with self._lock:
            hit = self._known.get(token_hash)
            return hit[0] if hit is not None and hit[1] > t else None

    def vouched(self, token_hash: str, now: float | None = None) -> bool:
        t = time.monotonic() if now is None else now
        with self._lock:
            hit = self._known.get(token_hash)
            return hit is not None and hit[2] > t

    def put(self, token_hash: str, cred: Credential, now: float | None = None) -> None:
        t = time.monotonic() if now is None else now
        with self._lock:
            self._known[token_hash] = (cred, t + self.ttl, t + VOUCH)
            self._known.move_to_end(token_hash)
            while len(self._known) > self.max_entries:
                self._known.popitem(last=False)

    def forget_terminal(self, hall_id: str, terminal_id: str) -> int:
        """A terminal was revoked (or enrolled again): its cached credentials go, including the
        vouching (a token that worked is no longer one that works). Revocations are rare; the
        scan over at most `max_entries` is the price of not indexing every entry twice."""
        with self._lock:
            gone = [h for h, (cred, _t, _v) in self._known.items()
                    if cred.hall_id == hall_id and cred.terminal_id == terminal_id]
            for h in gone:
                del self._known[h]
            return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._known.clear()

    def forget(self, token_hash: str) -> None:
        with self._lock:
            self._known.pop(token_hash, None)
