"""What a terminal restored from a backup may issue on the day of its restore.

A backup is older than the terminal's last moments: after it, the old PC may have issued
numbers from its leased blocks and from its fallback series (A-K3-001) that the backup does not
know, printed on tickets people now hold. Sync brings back what the old PC pushed
(sync/client.py `recover`), but what it issued and never pushed is gone with its disk. So on the
day of the restore, a member terminal issues only numbers the old PC cannot have issued:

- from a fresh fallback series, `A-K3~1-001` (`~` and the restore's generation after the
  terminal's code: `~` is in no terminal id, so no other terminal of the hall has this series,
  and each restore of the store takes the next generation);
- from blocks leased after its recovery ran: every block it knew by then (from the backup, or
  the old PC's later blocks recovery brought back) is retired for that day, its unused numbers
  skipped as any block's are (hall/numbering.py);
- while recovery has not run yet (the hub out of reach, or not asked yet), from no block at all.

Blocks and fallback numbers are per day, and the old PC cannot issue after its restore, so the
next day numbering is plain again. Why a fresh series rather than refusing to issue until the
hub answers: a hall keeps giving tickets with its hub down (offline first), and a fresh series
needs nobody's answer to be safe. Kept in `meta` (`restored`), not in a projection: it is this
store's history, not the hall's, and a rebuild must not forget it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

KEY = "restored"
MARK = "~"  # between a terminal's fallback code and its restore generation: in no terminal id


@dataclass(frozen=True)
class RestoreGuard:
    generation: int  # restores of this store's line so far (1: restored once)
    day: str  # the hall's day of the last restore (or of the recovery that found the store behind)
    recovering: bool  # restored, and its own events not yet taken back from its server
    retired: frozenset[tuple[str, str, int]]  # (day, series, first) of blocks not to issue from

    def guards(self, day: str) -> bool:
        """Whether issuing on `day` is guarded: the restore's day (or before, a clock set back)."""
        return day <= self.day

    def usable(self, day: str, series: str, first: int) -> bool:
        if not self.guards(day):
            return True
        return not self.recovering and (day, series, first) not in self.retired

    def fallback_code(self, code: str, day: str) -> str:
        return f"{code}{MARK}{self.generation}" if self.guards(day) else code


def load(conn: sqlite3.Connection) -> RestoreGuard | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return RestoreGuard(int(data["generation"]), str(data["day"]), bool(data["recovering"]),
                        frozenset((str(d), str(s), int(f)) for d, s, f in data["retired"]))


def _save(conn: sqlite3.Connection, guard: RestoreGuard) -> None:
    value = json.dumps({"generation": guard.generation, "day": guard.day,
                        "recovering": guard.recovering,
                        "retired": sorted([list(b) for b in guard.retired])})
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                 "DO UPDATE SET value = excluded.value", (KEY, value))


def _blocks_from(conn: sqlite3.Connection, day: str) -> frozenset[tuple[str, str, int]]:
    return frozenset((str(d), str(s), int(f)) for d, s, f in conn.execute(
        "SELECT day, series, first FROM number_leases WHERE day >= ?", (day,)))


def mark_restored(conn: sqlite3.Connection, day: str, *, recovering: bool) -> RestoreGuard:
    """A store just restored (or found behind its server) on the hall's `day`: the next
    generation of its fallback series, and every block it knows retired for that day."""
    before = load(conn)
    guard = RestoreGuard(generation=(before.generation if before else 0) + 1, day=day,
                         recovering=recovering, retired=_blocks_from(conn, day))
    _save(conn, guard)
    return guard


def recovered(conn: sqlite3.Connection) -> RestoreGuard | None:
    """Recovery ran: blocks of the guarded day from then on may be used, but none it knew now
    (the old PC's later blocks it just took back are retired too)."""
    guard = load(conn)
    if guard is None:
        return None
    done = RestoreGuard(guard.generation, guard.day, False,
                        guard.retired | _blocks_from(conn, guard.day))
    _save(conn, done)
    return done
