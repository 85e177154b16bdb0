"""Retention of the server's event log: `serve retention --keep-days N` deletes a hall's events
older than N days that nothing of the hall still needs, so a year of a province stays within
the disk budget (docs/architecture.md, "Disk and retention").

What a hall still needs (an event is kept if any of these holds):
- its age: it arrived within the kept days;
- a pull cursor: a terminal (or hub) of the hall that pulled within the kept days holds the
  hall's log only up to its last pull mark (`pull_marks`, written by log.pull); nothing past the
  lowest such mark is deleted. A terminal that has not pulled within the kept days holds nothing
  back: its old cursor is answered as stale (410) and it starts over from what is kept;
- the forward mark: on a hub, an event not yet forwarded upstream (`upstream_pushed_pos`);
- each terminal stream's newest event: it carries the stream's consumed mark (log._last_seq:
  the sequence a push must continue), so it is never deleted;
- a routed travel event (issue 24: `PartRouted`/`PartUpdate` filed in a destination's inbox)
  its destination hall has not read past yet (`travel_read`, sync/server/routing.py): a hall
  offline across a retention run still finds its inbox whole, however old the event (counted
  as `kept_unread_routes`);
- dead letters are not the log: they hold their own copy of what was refused and are not touched.

What is removed is a prefix of each hall's log (by `pos`, arrival order), minus the streams'
newest events and the unread routed ones (checked again in each batch's own statement: a
destination reading meanwhile only keeps more until the next run; what a run kept below its
floor is looked at again by the next). The prefix's end is recorded first
(`retention_floor:<hall>` in server_meta), so a pull from a cursor below it is stale (410) from
that moment, before a row is gone. Deletion runs
in batches of bounded size, each its own transaction (no long lock, WAL in small steps), then
`VACUUM (ANALYZE) events` on PostgreSQL.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, select, text, true

from hall.clock import now_ms
from sync.server import routing
from sync.server.tables import dead_letters, events, pull_marks, server_meta

FLOOR = "retention_floor:"  # + hall: every event of the hall at or below this pos may be gone
PUSHED = "upstream_pushed_pos"  # a hub's forward mark (sync/server/upstream.py)
MARK_EVERY_MS = 60_000  # a pull mark is written at most this often per terminal
BATCH = 5_000
DAY_MS = 86_400_000


def floor(conn: Connection, hall_id: str) -> int:
    value = conn.execute(select(server_meta.c.value).where(
        server_meta.c.key == FLOOR + hall_id)).scalar()
    return 0 if value is None else int(value)


def mark_pull(conn: Connection, cred: Any, after: int) -> None:
    """The terminal holds its hall's log up to `after` (it asked for what follows). Written at
    most once a minute: a mark that lags is lower, which only keeps more."""
    from sync.server.db import _insert

    now = now_ms()
    stmt = _insert(conn, pull_marks).values(hall_id=cred.hall_id, terminal_id=cred.terminal_id,
                                            pos=after, pulled_ms=now)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["hall_id", "terminal_id"],
        set_={"pos": stmt.excluded.pos, "pulled_ms": stmt.excluded.pulled_ms},
        where=pull_marks.c.pulled_ms < now - MARK_EVERY_MS))


@dataclass
class HallPlan:
    hall: str
    delete_through: int  # the new floor: events at or below it go (but the streams' newest)
    remove: int = 0
    keep: int = 0
    held_by: str = "age"  # what stopped the prefix: age | pull_mark | forward_mark | floor
    held_by_terminal: str | None = None
    restart: list[str] = field(default_factory=list)  # terminals whose cursors go stale
    dead_letters: int = 0
    removed: int = 0
    kept_unread_routes: int = 0  # old enough to go, but routed to a hall that has not read it
    unread_by: list[str] = field(default_factory=list)  # those halls (a closed one holds forever)


def plan(engine: Engine, keep_days: int, now: int | None = None) -> list[HallPlan]:
    cutoff = (now_ms() if now is None else now) - keep_days * DAY_MS
    out: list[HallPlan] = []
    with engine.connect() as conn:
        forward = _meta_int(conn, PUSHED)
        halls = [str(h) for h in conn.execute(select(events.c.hall_id).distinct()).scalars()]
        for hall in sorted(halls):
            here = events.c.hall_id == hall
            young = conn.execute(select(func.min(events.c.pos)).where(
                here, events.c.received_ms >= cutoff)).scalar()
            top = int(conn.execute(select(func.max(events.c.pos)).where(here)).scalar() or 0)
            p = HallPlan(hall, top if young is None else int(young) - 1)
            marks = conn.execute(select(pull_marks.c.terminal_id, pull_marks.c.pos,
                                        pull_marks.c.pulled_ms)
                                 .where(pull_marks.c.hall_id == hall)).all()
            for m in marks:
                if m.pulled_ms < cutoff:
                    if m.pos < p.delete_through:
                        p.restart.append(str(m.terminal_id))
                elif m.pos < p.delete_through:
                    p.delete_through, p.held_by = int(m.pos), "pull_mark"
                    p.held_by_terminal = str(m.terminal_id)
            if forward is not None and forward < p.delete_through:
                p.delete_through, p.held_by, p.held_by_terminal = forward, "forward_mark", None
            old = floor(conn, hall)
            if p.delete_through <= old:
                p.delete_through, p.held_by, p.held_by_terminal = old, "floor", None
            p.restart = sorted(t for t in p.restart if t != p.held_by_terminal)
            newest = _newest(conn, hall)
            # below the floor too: what an earlier run kept (a route since read) may go now
            prefix = (here, events.c.pos <= p.delete_through,
                      events.c.pos.not_in(newest) if newest else true())
            p.kept_unread_routes = int(conn.execute(select(func.count()).where(
                *prefix, routing.unread(events.c.pos))).scalar() or 0)
            if p.kept_unread_routes:
                f, r = routing.filed, routing.read
                p.unread_by = sorted(str(h) for h in conn.execute(
                    select(f.c.to_hall).distinct().join(events, events.c.pos == f.c.pos)
                    .where(*prefix, ~exists().where(r.c.to_hall == f.c.to_hall,
                                                    r.c.seq >= f.c.seq))).scalars())
            p.remove = int(conn.execute(select(func.count()).where(
                *prefix, ~routing.unread(events.c.pos))).scalar() or 0)
            p.keep = int(conn.execute(select(func.count()).where(here)).scalar() or 0) - p.remove
            p.dead_letters = int(conn.execute(select(func.count()).where(
                dead_letters.c.hall_id == hall)).scalar() or 0)
            out.append(p)
    return out


def run(engine: Engine, keep_days: int, *, dry_run: bool = False, batch: int = BATCH,
        now: int | None = None) -> dict[str, Any]:
    """Plan, and unless `dry_run` delete in batches and vacuum. The figures it prints."""
    if keep_days < 1:
        raise ValueError("--keep-days is at least 1")
    plans = plan(engine, keep_days, now)
    started = time.monotonic()
    vacuum: str | None = None
    if not dry_run:
        for p in plans:
            if p.remove:
                p.removed = _delete(engine, p, batch)
    removed = sum(p.removed for p in plans)
    if removed:
        with engine.begin() as conn:
            routing.prune(conn)  # the filings of what went (each inbox's newest number stays)
    took = time.monotonic() - started
    if removed:
        vacuum = _vacuum(engine)
    vacuumed = time.monotonic() - started - took
    return {"keep_days": keep_days, "dry_run": dry_run,
            "remove": sum(p.remove for p in plans), "removed": removed,
            "kept": sum(p.keep for p in plans),
            "kept_unread_routes": sum(p.kept_unread_routes for p in plans),
            "seconds": round(took, 3),
            "rows_per_s": round(removed / took) if removed and took > 0 else None,
            "vacuum": vacuum, "vacuum_seconds": round(vacuumed, 3),
            "halls": [asdict(p) for p in plans]}


def _delete(engine: Engine, p: HallPlan, batch: int) -> int:
    """Raise the floor first (a pull below it is stale from now on), then delete the prefix in
    batches; the loop is bounded by the planned count (rows that arrived since are not in it:
    the prefix only holds rows older than the cutoff or below every mark)."""
    from sync.server.db import _insert

    with engine.begin() as conn:
        old = floor(conn, p.hall)
        if p.delete_through > old:
            stmt = _insert(conn, server_meta).values(key=FLOOR + p.hall,
                                                     value=str(p.delete_through))
            conn.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                    set_={"value": str(p.delete_through)}))
        newest = _newest(conn, p.hall)
    removed = 0
    for _ in range(p.remove // batch + 2):
        with engine.begin() as conn:
            chosen = select(events.c.pos).where(
                events.c.hall_id == p.hall, events.c.pos <= p.delete_through,
                events.c.pos.not_in(newest) if newest else true(),
                ~routing.unread(events.c.pos),
            ).order_by(events.c.pos).limit(batch).scalar_subquery()
            gone = conn.execute(delete(events).where(events.c.pos.in_(chosen))).rowcount
        removed += int(gone)
        if gone < batch:
            break
    return removed


def _newest(conn: Connection, hall: str) -> list[int]:
    """The pos of each terminal stream's newest event in the hall (kept: its consumed mark)."""
    return [int(v) for v in conn.execute(select(func.max(events.c.pos)).where(
        events.c.hall_id == hall).group_by(events.c.terminal_id)).scalars()]


def _vacuum(engine: Engine) -> str:
    if engine.dialect.name != "postgresql":
        return "not on SQLite: freed pages are reused by later events"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) events"))
    return "VACUUM (ANALYZE) events"


def _meta_int(conn: Connection, key: str) -> int | None:
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar()
    return None if value is None else int(value)
