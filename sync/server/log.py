"""Push, pull and number leases on the server database.

The caller serializes pushes (one lock per server process), so `pos` is committed in order and a
puller never skips an event whose transaction committed late.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, insert, select, union_all, update

from hall.events import SCHEMA_VERSION, missing_keys
from sync.server.db import Credential, now_ms
from sync.server.tables import dead_letters, events, number_blocks
from sync.wire import MAX_FUTURE_MS, PullResponse, PushResponse, Rejection, WireEvent


class StaleCursor(Exception):
    pass


def _dialect_insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _last_seq(conn: Connection, cred: Credential) -> int:
    both = union_all(
        select(func.max(events.c.terminal_seq).label("s")).where(
            events.c.hall_id == cred.hall_id, events.c.terminal_id == cred.terminal_id),
        select(func.max(dead_letters.c.terminal_seq).label("s")).where(
            dead_letters.c.hall_id == cred.hall_id,
            dead_letters.c.terminal_id == cred.terminal_id),
    ).subquery()
    return int(conn.execute(select(func.max(both.c.s))).scalar() or 0)


def refusal(raw: dict[str, Any], cred: Credential, now: int) -> tuple[WireEvent | None, str | None]:
    """The event, or why it is refused."""
    try:
        ev = WireEvent.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, f"malformed: {where}: {first['msg']}"
    if (ev.hall_id, ev.terminal_id) != (cred.hall_id, cred.terminal_id):
        return ev, (f"foreign event: terminal {ev.terminal_id} of hall {ev.hall_id}, pushed by "
                    f"terminal {cred.terminal_id} of hall {cred.hall_id}")
    ahead = (ev.hlc >> 16) - now
    if ahead > MAX_FUTURE_MS:
        return ev, (f"clock: event time is {ahead / 1000:.0f} s ahead of the server clock "
                    f"(limit {MAX_FUTURE_MS // 1000} s); check the terminal's clock")
    if ev.schema_version <= SCHEMA_VERSION:
        missing = missing_keys(ev.type, ev.payload)
        if missing:
            return ev, f"invalid {ev.type}: missing {', '.join(missing)}"
    return ev, None


def push(engine: Engine, cred: Credential, batch: list[dict[str, Any]]) -> PushResponse:
    now = now_ms()
    rows: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    with engine.begin() as conn:
        expected = _last_seq(conn, cred) + 1
        for raw in batch:
            seq = raw.get("terminal_seq") if isinstance(raw, dict) else None
            if not isinstance(seq, int) or seq < expected:
                continue  # a replay of what we hold, or unplaceable without a sequence number
            if seq > expected:
                break  # a gap: accept nothing past it; the client resends from our mark
            ev, reason = refusal(raw, cred, now)
            expected += 1
            if reason is not None:
                event_id = str(raw.get("event_id", ""))[:64]
                kind = str(raw.get("type", ""))[:64]
                dead.append({"hall_id": cred.hall_id, "terminal_id": cred.terminal_id,
                             "terminal_seq": seq, "event_id": event_id, "type": kind,
                             "reason": reason, "received_ms": now,
                             "body": json.dumps(raw, ensure_ascii=False)[:65536]})
                rejected.append(Rejection(event_id=event_id, terminal_seq=seq, type=kind,
                                          reason=reason))
                continue
            assert ev is not None
            rows.append({**ev.model_dump(exclude={"payload"}), "received_ms": now,
                         "payload": json.dumps(ev.payload, ensure_ascii=False,
                                               separators=(",", ":"))})
        inserted = 0
        if rows:
            stmt = _dialect_insert(conn, events).on_conflict_do_nothing()
            inserted = int(conn.execute(stmt, rows).rowcount)
        if dead:
            conn.execute(insert(dead_letters), dead)
    return PushResponse(accepted_through_seq=expected - 1, inserted=max(inserted, 0),
                        rejected=rejected)


def parse_cursor(cursor: str, epoch: str) -> int:
    if not cursor:
        return 0
    head, _, pos = cursor.partition(".")
    if head != epoch or not pos.isdigit():
        raise StaleCursor(cursor)
    return int(pos)


def pull(engine: Engine, cred: Credential, epoch: str, cursor: str, limit: int) -> PullResponse:
    """Events of the caller's hall from other terminals, after the cursor, in arrival order."""
    after = parse_cursor(cursor, epoch)
    with engine.connect() as conn:
        if after and after > int(conn.execute(select(func.max(events.c.pos))).scalar() or 0):
            raise StaleCursor(cursor)  # a cursor from before this database was restored
        rows = conn.execute(
            select(events.c.pos, events.c.event_id, events.c.hall_id, events.c.terminal_id,
                   events.c.terminal_seq, events.c.hlc, events.c.type, events.c.schema_version,
                   events.c.payload)
            .where(events.c.hall_id == cred.hall_id, events.c.pos > after,
                   events.c.terminal_id != cred.terminal_id)
            .order_by(events.c.pos).limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = [WireEvent(event_id=r.event_id, hall_id=r.hall_id, terminal_id=r.terminal_id,
                     terminal_seq=r.terminal_seq, hlc=r.hlc, type=r.type,
                     schema_version=r.schema_version, payload=json.loads(r.payload))
           for r in rows]
    last = rows[-1].pos if rows else after
    return PullResponse(events=out, cursor=f"{epoch}.{last}", more=more)


def lease(engine: Engine, cred: Credential, day: str, series: str, size: int) -> tuple[int, int]:
    """A block of `size` numbers no other terminal of the hall will ever get."""
    with engine.begin() as conn:
        key = (number_blocks.c.hall_id == cred.hall_id, number_blocks.c.day == day,
               number_blocks.c.series == series)
        current = conn.execute(select(number_blocks.c.next).where(*key).with_for_update()).scalar()
        if current is None:
            first = 1
            conn.execute(insert(number_blocks).values(hall_id=cred.hall_id, day=day,
                                                      series=series, next=1 + size))
        else:
            first = int(current)
            conn.execute(update(number_blocks).where(*key).values(next=first + size))
    return first, first + size - 1
