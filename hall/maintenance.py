"""The store's health for the hall's IT technician: integrity and the log's continuity
(`check`), and projections rebuilt from the log (`rebuild`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hall.actors import Actor
from hall.core import Core, Outcome
from hall.store.projections import digest
from hall.store.projections import rebuild as replay


@dataclass(frozen=True)
class StreamCheck:
    terminal: str
    events: int
    first_seq: int
    last_seq: int

    @property
    def gap_free(self) -> bool:
        return self.events == self.last_seq - self.first_seq + 1

    def to_json(self) -> dict[str, Any]:
        return {"events": self.events, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "gap_free": self.gap_free}


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    streams: tuple[StreamCheck, ...]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and all(s.gap_free for s in self.streams)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "integrity": self.integrity,
                "terminals": {s.terminal: s.to_json() for s in self.streams}}


@dataclass(frozen=True)
class RebuildReport:
    events: int
    tables: dict[str, str]
    changed: tuple[str, ...] = field(default=())

    @property
    def identical(self) -> bool:
        return not self.changed

    def to_json(self) -> dict[str, Any]:
        return {"events": self.events, "identical": self.identical, "tables": self.tables,
                "changed": list(self.changed)}


class Maintenance:
    def __init__(self, core: Core) -> None:
        self._core = core

    def check(self) -> CheckReport:
        conn = self._core.conn
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        rows = conn.execute(
            "SELECT terminal_id, COUNT(*), MIN(terminal_seq), MAX(terminal_seq) FROM events "
            "GROUP BY terminal_id ORDER BY terminal_id").fetchall()
        return CheckReport(integrity, tuple(StreamCheck(t, n, lo, hi) for t, n, lo, hi in rows))

    def rebuild(self, by: Actor) -> Outcome[RebuildReport]:
        core = self._core
        core.require(by, "config", "rebuild")
        before = digest(core.conn)
        with core.write() as conn:
            count = replay(conn)
            after = digest(conn)
        changed = tuple(sorted(t for t in after if before[t] != after[t]))
        return core.outcome(RebuildReport(count, after, changed))
