"""The store's health for the hall's IT technician: `check` (the file's integrity, the log's
continuity, the projections against a replay of the log) and `rebuild` (projections made anew
from the log, refused when the log could not give back what they hold).

A check changes nothing: the replay it compares with runs in a transaction that is rolled back.
A check that finds the file damaged marks it so (hall/store/engine.py `mark_damaged`): the
terminal stops writing to it until a check finds it sound again or it is restored.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from hall.actors import Actor
from hall.core import Core, Outcome
from hall.errors import DomainError
from hall.store.engine import DatabaseError, clear_damage, mark_damaged, store_error
from hall.store.projections import PROJECTION_KEYS
from hall.store.projections import rebuild as replay

EXAMPLES = 5  # keys named per table in a report
MAX_PROBLEMS = 20  # integrity_check stops after this many


@dataclass(frozen=True)
class StreamCheck:
    terminal: str
    events: int
    first_seq: int
    last_seq: int
    own: bool = False  # this terminal's own stream: it starts at 1

    @property
    def missing(self) -> int:
        """Sequence numbers missing between the first (1 for our own stream) and the last."""
        first = 1 if self.own else self.first_seq
        return (self.last_seq - first + 1) - self.events

    @property
    def gap_free(self) -> bool:
        return self.missing == 0

    def to_json(self) -> dict[str, Any]:
        return {"events": self.events, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "gap_free": self.gap_free, "missing": self.missing}


@dataclass(frozen=True)
class TableDiff:
    """How a projection table differs from a replay of the log."""

    table: str
    dropped: int  # rows the table holds and the log does not give back
    added: int  # rows the log gives and the table lacks
    changed: int  # rows both hold, with other values
    examples: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"dropped": self.dropped, "added": self.added, "changed": self.changed,
                "examples": list(self.examples)}

    def describe(self) -> str:
        parts = [f"{n} {what}" for n, what in ((self.dropped, "not in the log"),
                                                (self.added, "missing"),
                                                (self.changed, "different")) if n]
        shown = f" ({', '.join(self.examples)})" if self.examples else ""
        return f"{self.table}: {', '.join(parts)}{shown}"


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    streams: tuple[StreamCheck, ...]
    projections: tuple[TableDiff, ...] | None = None  # None: not compared (the file is damaged)
    replayed: int = 0
    damage_cleared: bool = False  # an earlier damage mark was lifted by this sound check

    @property
    def ok(self) -> bool:
        return (self.integrity == "ok" and all(s.gap_free for s in self.streams)
                and self.projections is not None and not self.projections)

    @property
    def gaps(self) -> tuple[StreamCheck, ...]:
        return tuple(s for s in self.streams if not s.gap_free)

    def problems(self) -> list[str]:
        out = []
        if self.integrity != "ok":
            out.append(f"the store file is damaged ({self.integrity})")
        out += [f"events of terminal {s.terminal} are missing from the log ({s.missing} of "
                f"{1 if s.own else s.first_seq}..{s.last_seq})" for s in self.gaps]
        if self.projections:
            out.append("projections differ from a replay of the log: "
                       + "; ".join(d.describe() for d in self.projections))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "integrity": self.integrity,
                "terminals": {s.terminal: s.to_json() for s in self.streams},
                "projections": None if self.projections is None else (
                    {d.table: d.to_json() for d in self.projections}),
                "replayed": self.replayed, "problems": self.problems(),
                "damage_cleared": self.damage_cleared}


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
        """Integrity of the file, continuity of every terminal's stream in the log, and every
        projection against a replay of the log (rolled back). Changes nothing but the damage
        mark: set when the file is damaged, lifted when everything checks out."""
        core = self._core
        conn = core.conn
        path = core.store.path
        integrity = _integrity(conn)
        if integrity != "ok":
            mark_damaged(path, integrity, core.now_iso())
            return CheckReport(integrity, ())
        try:
            streams = _streams(conn, core.config.terminal_id)
            count, diffs = self._compare()
        except DatabaseError as exc:  # integrity passed, yet a page fails to read
            mark_damaged(path, str(exc), core.now_iso())
            return CheckReport(f"damaged: {exc}", ())
        report = CheckReport(integrity, streams, diffs, count)
        if report.ok and clear_damage(path):
            report = CheckReport(integrity, streams, diffs, count, damage_cleared=True)
        return report

    def rebuild(self, by: Actor) -> Outcome[RebuildReport]:
        """Every projection made anew from the log. Refused (nothing changed) when the log has
        gaps, or when the replay would drop rows the projections hold: what the log cannot give
        back is not thrown away; restore the store from a backup instead."""
        core = self._core
        core.require(by, "config", "rebuild")
        integrity = _integrity(core.conn)
        if integrity != "ok":
            mark_damaged(core.store.path, integrity, core.now_iso())
            raise DomainError(f"the store file is damaged ({integrity}): a rebuild would build "
                              "on it; restore the data directory from a backup (`admin "
                              "restore`)", code="rebuild_damaged")
        gaps = [s for s in _streams(core.conn, core.config.terminal_id) if not s.gap_free]
        if gaps:
            raise DomainError(
                "events are missing from the log ("
                + ", ".join(f"terminal {s.terminal}: {s.missing}" for s in gaps)
                + "): a rebuild would lose what they did; nothing was changed. Restore the data "
                "directory from a backup (`admin restore`)", code="rebuild_gap")
        with core.write() as conn:
            count, diffs = _replay_against_before(conn)
            lost = [d for d in diffs if d.dropped]
            if lost:
                raise DomainError(
                    "the log does not give back rows the projections hold ("
                    + "; ".join(d.describe() for d in lost) + "): nothing was changed. "
                    "Restore the data directory from a backup (`admin restore`)",
                    code="rebuild_would_lose")
            _drop_before(conn)
        changed = tuple(d.table for d in diffs)
        from hall.store.projections import digest

        return core.outcome(RebuildReport(count, digest(core.conn), changed))

    def _compare(self) -> tuple[int, tuple[TableDiff, ...]]:
        """A replay of the log in a transaction that is rolled back, against the tables."""
        conn = self._core.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except DatabaseError as exc:
            raise store_error(self._core.store.path, exc) from exc
        try:
            return _replay_against_before(conn)
        finally:
            conn.execute("ROLLBACK")


def _integrity(conn: sqlite3.Connection) -> str:
    """SQLite's integrity check ("ok", or the first problems), or the error reading the file
    raised (SQLCipher refuses a page that fails its HMAC before SQLite sees it)."""
    try:
        rows = conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    except DatabaseError as exc:
        return f"damaged: {exc}"
    problems = [line.strip() for (text,) in rows for line in str(text).splitlines()
                if line.strip() and not line.startswith("***")]
    if problems == ["ok"]:
        return "ok"
    more = "+" if len(rows) >= MAX_PROBLEMS else ""
    return f"damaged: {len(problems)}{more} problems, the first: {problems[0][:160]}"


def _streams(conn: sqlite3.Connection, own: str) -> tuple[StreamCheck, ...]:
    rows = conn.execute(
        "SELECT terminal_id, COUNT(*), MIN(terminal_seq), MAX(terminal_seq) FROM events "
        "GROUP BY terminal_id ORDER BY terminal_id").fetchall()
    return tuple(StreamCheck(t, n, lo, hi, own=t == own) for t, n, lo, hi in rows)


def _replay_against_before(conn: sqlite3.Connection) -> tuple[int, tuple[TableDiff, ...]]:
    """Inside the caller's transaction: keep the tables aside (temp), replay the log into them,
    and say how the result differs from what was kept."""
    for table in PROJECTION_KEYS:
        conn.execute(f"DROP TABLE IF EXISTS temp.before_{table}")
        conn.execute(f"CREATE TEMP TABLE before_{table} AS SELECT * FROM main.{table}")
    count = replay(conn)
    diffs = []
    for table, keys in PROJECTION_KEYS.items():
        before, after = f"temp.before_{table}", f"main.{table}"
        dropped = conn.execute(
            f"SELECT {keys} FROM {before} EXCEPT SELECT {keys} FROM {after}").fetchall()
        added = conn.execute(
            f"SELECT {keys} FROM {after} EXCEPT SELECT {keys} FROM {before}").fetchall()
        changed = conn.execute(
            f"SELECT {keys} FROM (SELECT * FROM {before} EXCEPT SELECT * FROM {after}) "
            f"INTERSECT SELECT {keys} FROM {after}").fetchall()
        if dropped or added or changed:
            examples = _examples(conn, table, dropped or changed or added, before)
            diffs.append(TableDiff(table, len(dropped), len(added), len(changed), examples))
    return count, tuple(diffs)


def _examples(conn: sqlite3.Connection, table: str, keys: list[Any], before: str
              ) -> tuple[str, ...]:
    """A few keys of the rows that differ, as a technician recognises them (a ticket by its
    number and day)."""
    out = []
    for key in keys[:EXAMPLES]:
        if table == "tickets":
            row = conn.execute(f"SELECT label, day FROM {before} WHERE ticket_id = ? UNION ALL "
                               "SELECT label, day FROM main.tickets WHERE ticket_id = ? LIMIT 1",
                               (key[0], key[0])).fetchone()
            if row is not None:
                out.append(f"{row[0]} of {row[1]}")
                continue
        out.append("/".join(str(k) for k in key))
    return tuple(out)


def _drop_before(conn: sqlite3.Connection) -> None:
    for table in PROJECTION_KEYS:
        conn.execute(f"DROP TABLE IF EXISTS temp.before_{table}")
