"""The cap on long-polls one server process holds at once (`serve --max-long-polls`).

A held long-poll costs no thread (it waits on the event loop) but a connection, a file
descriptor and a wake-up per push of its hall; a province's thousands of hubs and stations each
holding one (two with the travel inbox) would otherwise take every descriptor a process has, and
a push or an enrollment would find none. Past the cap an ask is answered at once, as if it had
asked not to wait (what is there now, nothing held), with `Retry-After` telling the client to
ask again in a few seconds (sync/transport.py `Http.pause`); it is counted (`refused`) and shown
in `/v1/health` (`long_polls`) and `serve status`.

Per process, on purpose: what it bounds (descriptors, memory, wake-ups) is each process's own;
a province runs more processes, or more hosts, for more held polls (docs/architecture.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MOST = 2000  # per process by default: 2 s apart a held poll re-checks its credential, so
# 2,000 held cost ~1,000 wake-ups a second of one process's event loop, beside its real work


def default_cap() -> int:
    """The default cap: half the process's open-file limit (the other half for pushes, the
    database pool, logs), at most MOST, at least 64. 2,000 under a limit of 4,096 or more;
    512 under the common 1,024 (raise `LimitNOFILE` for more)."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return 1000
    if soft == resource.RLIM_INFINITY:
        return MOST
    return max(64, min(MOST, soft // 2))


MAX_LONG_POLLS = default_cap()
RETRY_AFTER_S = (2, 10)  # a refused poll asks again after this many seconds (spread out)


@dataclass
class LongPolls:
    cap: int = MAX_LONG_POLLS
    held: int = 0
    peak: int = 0
    refused: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def hold(self) -> bool:
        """One more held poll, if under the cap (else counted as refused). Called on the
        event loop only: no lock."""
        if self.held >= self.cap:
            self.refused += 1
            return False
        self.held += 1
        self.peak = max(self.peak, self.held)
        return True

    def release(self) -> None:
        self.held -= 1

    def retry_after(self) -> str:
        """Seconds, spread so refused clients do not come back all at once."""
        return str(self._rng.randint(*RETRY_AFTER_S))

    def figures(self) -> dict[str, int]:
        return {"held": self.held, "cap": self.cap, "peak": self.peak, "refused": self.refused}
