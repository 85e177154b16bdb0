"""Push, pull and number leases on the server database.

The caller serializes pushes (one lock per server process), so `pos` is committed in order and a
puller never skips an event whose transaction committed late.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, insert, or_, select, union_all, update

from hall.events import SCHEMA_VERSION, missing_keys
from sync.server import purge
from sync.server.db import Credential, now_ms
from sync.server.tables import (
    UPSTREAM,
    dead_letters,
    events,
    lease_grants,
    number_blocks,
    server_meta,
)
from sync.wire import MAX_FUTURE_MS, PullResponse, PushResponse, Rejection, WireEvent

_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class StaleCursor(Exception):
    pass


def _dialect_insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _last_seq(conn: Connection, hall_id: str, terminal_id: str) -> int:
    both = union_all(
        select(func.max(events.c.terminal_seq).label("s")).where(
            events.c.hall_id == hall_id, events.c.terminal_id == terminal_id),
        select(func.max(dead_letters.c.terminal_seq).label("s")).where(
            dead_letters.c.hall_id == hall_id, dead_letters.c.terminal_id == terminal_id),
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
    if ev.hall_id != cred.hall_id or (not cred.is_hub and ev.terminal_id != cred.terminal_id):
        return ev, (f"foreign event: terminal {ev.terminal_id} of hall {ev.hall_id}, pushed by "
                    f"{'hub' if cred.is_hub else 'terminal'} {cred.terminal_id} of hall "
                    f"{cred.hall_id}")
    ahead = (ev.hlc >> 16) - now
    if ahead > MAX_FUTURE_MS:
        return ev, (f"clock: event time is {ahead / 1000:.0f} s ahead of the server clock "
                    f"(limit {MAX_FUTURE_MS // 1000} s); check the terminal's clock")
    if ev.schema_version <= SCHEMA_VERSION:
        missing = missing_keys(ev.type, ev.payload)
        if missing:
            return ev, f"invalid {ev.type}: missing {', '.join(missing)}"
    return ev, None


def _stream(raw: dict[str, Any], cred: Credential) -> str | None:
    """The terminal sequence an event belongs to: the pusher's own, or for a hub the event's
    terminal in the hub's hall (None: it cannot be placed in any stream of that hall)."""
    if not cred.is_hub:
        return cred.terminal_id
    terminal = raw.get("terminal_id")
    if raw.get("hall_id") != cred.hall_id or not isinstance(terminal, str) or not _ID.match(
            terminal):
        return None
    return terminal


def push(engine: Engine, cred: Credential, batch: list[dict[str, Any]]) -> PushResponse:
    """Each terminal stream is accepted gap-free in terminal_seq order; a terminal pushes its own
    stream, a hub the streams of every terminal of its hall (one batch may interleave them)."""
    now = now_ms()
    rows: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    expected: dict[str, int] = {}
    blocked: set[str] = set()

    def refuse(raw: dict[str, Any], terminal: str, seq: int | None, reason: str) -> None:
        event_id = str(raw.get("event_id", ""))[:64]
        kind = str(raw.get("type", ""))[:64]
        dead.append({"hall_id": cred.hall_id, "terminal_id": terminal[:64],
                     "terminal_seq": seq, "event_id": event_id, "type": kind,
                     "reason": reason, "received_ms": now,
                     "body": json.dumps(raw, ensure_ascii=False)[:65536]})
        rejected.append(Rejection(event_id=event_id, terminal_seq=seq or 0, type=kind,
                                  reason=reason))

    with engine.begin() as conn:
        if not cred.is_hub:
            expected[cred.terminal_id] = _last_seq(conn, cred.hall_id, cred.terminal_id) + 1
        for raw in batch:
            seq = raw.get("terminal_seq") if isinstance(raw, dict) else None
            if not isinstance(raw, dict) or not isinstance(seq, int):
                continue  # unplaceable without a sequence number
            stream = _stream(raw, cred)
            if stream is None:  # a hub pushing outside its hall: refused, consumes no sequence
                refuse(raw, str(raw.get("terminal_id", "")), None,
                       f"foreign event: hall {raw.get('hall_id')!s:.40}, terminal "
                       f"{raw.get('terminal_id')!s:.40}, pushed by hub {cred.terminal_id} of "
                       f"hall {cred.hall_id}")
                continue
            if stream in blocked:
                continue
            if stream not in expected:
                expected[stream] = _last_seq(conn, cred.hall_id, stream) + 1
            if seq < expected[stream]:
                continue  # a replay of what we hold
            if seq > expected[stream]:
                blocked.add(stream)  # a gap: nothing past it; the pusher resends from our mark
                continue
            ev, reason = refusal(raw, cred, now)
            expected[stream] += 1
            if reason is not None:
                refuse(raw, stream, seq, reason)
                continue
            assert ev is not None
            rows.append({**ev.model_dump(exclude={"payload"}), "received_ms": now,
                         "pushed_by": cred.terminal_id,
                         "payload": json.dumps(ev.payload, ensure_ascii=False,
                                               separators=(",", ":"))})
        inserted = 0
        if rows:
            purge.apply(conn, rows)
            stmt = _dialect_insert(conn, events).on_conflict_do_nothing()
            inserted = int(conn.execute(stmt, rows).rowcount)
        if dead:
            conn.execute(insert(dead_letters), dead)
    return PushResponse(accepted_through_seq=expected.get(cred.terminal_id, 1) - 1,
                        inserted=max(inserted, 0), rejected=rejected,
                        accepted={t: n - 1 for t, n in expected.items()} if cred.is_hub else {})


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
                   events.c.terminal_id != cred.terminal_id,
                   or_(events.c.pushed_by.is_(None), events.c.pushed_by != cred.terminal_id))
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


def lease(engine: Engine, cred: Credential, day: str, series: str, size: int,
          request_id: str | None = None) -> tuple[int, int]:
    """A block of `size` numbers no other terminal of the hall will ever get; the same
    `request_id` from the same terminal gets the same block again."""
    with engine.begin() as conn:
        if request_id is not None:
            known = conn.execute(select(lease_grants.c.first, lease_grants.c.last).where(
                lease_grants.c.hall_id == cred.hall_id,
                lease_grants.c.terminal_id == cred.terminal_id,
                lease_grants.c.request_id == request_id)).first()
            if known is not None:
                return int(known.first), int(known.last)
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
        if request_id is not None:
            conn.execute(insert(lease_grants).values(
                hall_id=cred.hall_id, terminal_id=cred.terminal_id, request_id=request_id,
                day=day, series=series, first=first, last=first + size - 1, granted_ms=now_ms()))
    return first, first + size - 1


def absorb_upstream(engine: Engine, hall_id: str, batch: list[WireEvent], cursor_key: str,
                    cursor: str) -> int:
    """A hub stores what its upstream brought (marked UPSTREAM, never forwarded back) and the
    upstream cursor in one transaction. The caller holds the push lock (pos order)."""
    now = now_ms()
    rows = [{**ev.model_dump(exclude={"payload"}), "received_ms": now, "pushed_by": UPSTREAM,
             "payload": json.dumps(ev.payload, ensure_ascii=False, separators=(",", ":"))}
            for ev in batch if ev.hall_id == hall_id]
    with engine.begin() as conn:
        inserted = 0
        if rows:
            purge.apply(conn, rows)
            stmt = _dialect_insert(conn, events).on_conflict_do_nothing()
            inserted = int(conn.execute(stmt, rows).rowcount)
        put_meta(conn, cursor_key, cursor)
    return max(inserted, 0)


def get_meta(conn: Connection, key: str, default: str = "") -> str:
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar()
    return default if value is None else str(value)


def put_meta(conn: Connection, key: str, value: str) -> None:
    stmt = _dialect_insert(conn, server_meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
