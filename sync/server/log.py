"""Push, pull and number leases on the server database.

Pushes of one hall are serialized (the caller's lock in the process, and on PostgreSQL an
advisory lock per hall held to commit, which holds across server processes), so a hall's `pos`
values commit in order and a puller never skips an event whose transaction committed late.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, insert, or_, select, text, union_all, update
from sqlalchemy.exc import IntegrityError

from hall import event_rules, pad_window
from hall.events import Event
from sync.server import notify, purge, retention, routing
from sync.server.cursor import Cursors, StaleCursor
from sync.server.db import Credential, now_ms
from sync.server.tables import (
    UPSTREAM,
    dead_letters,
    events,
    lease_grants,
    number_blocks,
    server_meta,
)
from sync.wire import (
    MAX_FUTURE_MS,
    OwnResponse,
    PullResponse,
    PushResponse,
    Rejection,
    WireEvent,
    escaped,
)

__all__ = ["StaleCursor", "lease", "own", "pull", "push"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_NUMBER = 1_000_000  # numbers of a series in a day: far above any hall, far below the column
_LOCK_SPACE = 0x7464  # the advisory-lock namespace of hall pushes ("td")
_BODY_CHARS = 65536
TOMBSTONE = "refused"  # a hub's stand-in for an event it refused: {"refused": reason, ...}


class LeaseConflict(Exception):
    """A lease that cannot be granted as asked (409)."""


class LeaseRefused(Exception):
    """A lease this credential may not have at all (403) or for that day (409)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


LEASING_ROLES = frozenset({"desk", "kiosk"})
# Numbers one terminal may lease of one series a day: far above a busy kiosk (~1,000 tickets),
# far below a series' MAX_NUMBER, so one stolen credential cannot use up the hall's numbers.
LEASE_QUOTA = 20_000


def _dialect_insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def lock_hall(conn: Connection, hall_id: str) -> None:
    """On PostgreSQL: this transaction holds the hall's push lock until it ends, across every
    server process on the database (a hash collision only serializes two halls)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:hall))"),
                     {"space": _LOCK_SPACE, "hall": hall_id})


def _last_seq(conn: Connection, hall_id: str, terminal_id: str) -> int:
    both = union_all(
        select(func.max(events.c.terminal_seq).label("s")).where(
            events.c.hall_id == hall_id, events.c.terminal_id == terminal_id),
        select(func.max(dead_letters.c.terminal_seq).label("s")).where(
            dead_letters.c.hall_id == hall_id, dead_letters.c.terminal_id == terminal_id),
    ).subquery()
    return int(conn.execute(select(func.max(both.c.s))).scalar() or 0)


def _short(value: Any, chars: int = 40) -> str:
    """A field of a refused event for a reason or a column: short, storable, never a repr of
    a structure (which could be deep)."""
    if isinstance(value, str):
        return escaped(value[:chars])
    if value is None or isinstance(value, bool | int | float):
        return str(value)[:chars]
    return type(value).__name__


def _kept_body(raw: dict[str, Any]) -> str:
    """The refused event as it came, as storable JSON text: non-ASCII kept readable unless it
    holds lone surrogates (then all of it \\u-escaped); cut at 64 KiB."""
    try:
        body = json.dumps(raw, ensure_ascii=False)
        if not body.isascii():
            try:
                body.encode("utf-8")
            except UnicodeEncodeError:
                body = json.dumps(raw)
    except (RecursionError, ValueError, TypeError):
        body = '{"unkept": "not serializable"}'
    return body[:_BODY_CHARS]


def refusal(raw: dict[str, Any], cred: Credential, now: int) -> tuple[WireEvent | None, str | None]:
    """The event, or why it is refused."""
    try:
        ev = WireEvent.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "event"
        return None, f"malformed: {where}: {first['msg']}"
    if ev.hall_id != cred.hall_id or (not cred.is_hub and ev.terminal_id != cred.terminal_id):
        return ev, (f"foreign event: terminal {ev.terminal_id} of hall {ev.hall_id}, pushed by "
                    f"{'hub' if cred.is_hub else 'terminal'} {cred.terminal_id} of hall "
                    f"{cred.hall_id}")
    ahead = (ev.hlc >> 16) - now
    if ahead > MAX_FUTURE_MS:
        return ev, (f"clock: event time is {ahead / 1000:.0f} s ahead of the server clock "
                    f"(limit {MAX_FUTURE_MS // 1000} s); check the terminal's clock")
    # Every schema version is checked: a newer release adds fields and types, never changes
    # a field's meaning, so "version 2" is no way around the checks of version 1.
    why = event_rules.refusal(
        Event(ev.event_id, ev.hall_id, ev.terminal_id, ev.terminal_seq, ev.hlc, ev.type,
              ev.payload, ev.schema_version),
        None if cred.is_hub else cred.role)
    return ev, why


SETTINGS_META = "settings:"  # + hall: the settings its hub last signed (sync/server/authority.py)
# Events that put a ticket at a window: a hub refuses them for a window the hall has not
# configured (its signed settings' `windows`), as it refuses /calls/next for one.
_AT_WINDOW = {"TicketCalled": "window", "TicketRecalled": "window", "TicketResumed": "window",
              "TicketTransferred": "target_window"}


def configured_windows(conn: Connection, hall_id: str) -> frozenset[str] | None:
    """The windows of the hall's settings its hub last signed (`windows`); None when the hall
    lists none (or on a central platform, which signs no settings): then any well-formed
    window may call, and the offer cap alone bounds a hoard."""
    current = json.loads(get_meta(conn, SETTINGS_META + hall_id, '{"settings": {}}'))
    listed = current.get("settings", {}).get("windows")
    return frozenset(listed) if listed else None


def window_refusal(ev: WireEvent, windows: frozenset[str] | None) -> str | None:
    field = _AT_WINDOW.get(ev.type)
    window = ev.payload.get(field) if field is not None else None
    if windows is None or not isinstance(window, str) or window in windows:
        return None
    return (f"window_not_configured: window {window!r} is not one of the hall's configured "
            "windows (hall settings `windows`)")


def _pad_refusal(ev: WireEvent, cred: Credential,
                 served: Mapping[str, str | None] | None) -> str | None:
    """A rating pad's credential rates the visits of the window it was enrolled for."""
    if cred.is_hub:
        return None
    why = pad_window.credential_refusal(ev.type, ev.payload, cred.role, cred.window)
    ticket = str(ev.payload.get("ticket_id"))
    if (why is None and served and ev.type == pad_window.RATING_GIVEN and ticket in served
            and served[ticket] != cred.window):
        why = (f"{pad_window.CODE}: a rating pad enrolled for window {cred.window} rated a "
               f"ticket served at window {served[ticket]}")
    return why


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


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _content(ev: WireEvent) -> tuple[Any, ...]:
    return (ev.hall_id, ev.terminal_id, ev.terminal_seq, ev.hlc, ev.type, ev.schema_version)


def _held(conn: Connection, ids: Iterable[str], chunk: int = 500) -> dict[str, Any]:
    """The stored events with these ids (in chunks: SQLite bounds its parameters)."""
    wanted = sorted(set(ids))
    out: dict[str, Any] = {}
    for i in range(0, len(wanted), chunk):
        for r in conn.execute(select(
                events.c.event_id, events.c.hall_id, events.c.terminal_id,
                events.c.terminal_seq, events.c.hlc, events.c.type, events.c.schema_version,
                events.c.payload).where(events.c.event_id.in_(wanted[i:i + chunk]))):
            out[r.event_id] = r
    return out


def _same_event(ev: WireEvent, held: Any) -> bool:
    """The same event again (an idempotent retry), compared canonically: key order and
    spacing do not matter, and a copy the server holds erased by a purge still matches."""
    if _content(ev) != (held.hall_id, held.terminal_id, held.terminal_seq, held.hlc, held.type,
                        held.schema_version):
        return False
    stored = _canonical(json.loads(held.payload))
    return stored in (_canonical(ev.payload), _canonical(purge.scrub(ev.type, ev.payload)))


DUPLICATE = ("duplicate event_id: the server already holds another event with this id; this "
             "event is refused, not merged (a terminal issues fresh ids: check for a copied store "
             "or a forged event)")


def push(engine: Engine, cred: Credential, batch: list[Any],
         served: Mapping[str, str | None] | None = None) -> PushResponse:
    """Each terminal stream is accepted gap-free in terminal_seq order; a terminal pushes its own
    stream, a hub the streams of every terminal of its hall (one batch may interleave them).
    Every event that cannot be stored is refused on its own, with a reason, and dead-lettered:
    it never sinks the batch. `served`: on a hub, the window that served each ticket a rating
    pad's batch rates, where the hub's projection knows it (hall/pad_window.py)."""
    now = now_ms()
    fresh: list[tuple[dict[str, Any], str, int, WireEvent]] = []
    dead: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    expected: dict[str, int] = {}
    blocked: set[str] = set()
    replays: list[tuple[dict[str, Any], str, int]] = []

    def refuse(raw: dict[str, Any], terminal: str, seq: int | None, reason: str) -> None:
        event_id = _short(raw.get("event_id", ""), 64)
        kind = _short(raw.get("type", ""), 64)
        reason = escaped(reason)
        dead.append({"hall_id": cred.hall_id, "terminal_id": escaped(terminal[:64]),
                     "terminal_seq": seq, "event_id": event_id, "type": kind,
                     "reason": reason, "received_ms": now, "body": _kept_body(raw)})
        rejected.append(Rejection(event_id=event_id, terminal_seq=seq or 0, type=kind,
                                  reason=reason))

    with engine.begin() as conn:
        lock_hall(conn, cred.hall_id)
        windows = configured_windows(conn, cred.hall_id)
        if not cred.is_hub:
            expected[cred.terminal_id] = _last_seq(conn, cred.hall_id, cred.terminal_id) + 1
        for raw in batch:
            seq = raw.get("terminal_seq") if isinstance(raw, dict) else None
            if not isinstance(raw, dict) or type(seq) is not int:
                continue  # unplaceable without a sequence number
            stream = _stream(raw, cred)
            if stream is None:  # a hub pushing outside its hall: refused, consumes no sequence
                refuse(raw, _short(raw.get("terminal_id", "")), None,
                       f"foreign event: hall {_short(raw.get('hall_id'))}, terminal "
                       f"{_short(raw.get('terminal_id'))}, pushed by hub {cred.terminal_id} of "
                       f"hall {cred.hall_id}")
                continue
            if stream in blocked:
                continue
            if stream not in expected:
                expected[stream] = _last_seq(conn, cred.hall_id, stream) + 1
            if seq < expected[stream]:
                replays.append((raw, stream, seq))  # the same event again, or another one
                continue
            tomb = raw.get(TOMBSTONE) if cred.is_hub else None
            if tomb is not None:
                if seq > expected[stream]:
                    blocked.add(stream)
                    continue
                # Refused by the hub: the sequence number is used up here too, with its reason.
                expected[stream] += 1
                dead.append({"hall_id": cred.hall_id, "terminal_id": stream,
                             "terminal_seq": seq, "event_id": _short(raw.get("event_id", ""), 64),
                             "type": _short(raw.get("type", ""), 64),
                             "reason": escaped(f"refused by hub {cred.terminal_id}: "
                                               f"{_short(tomb, 400)}"),
                             "received_ms": now, "body": "{}"})
                continue
            if seq > expected[stream]:
                blocked.add(stream)  # a gap: nothing past it; the pusher resends from our mark
                continue
            ev, reason = refusal(raw, cred, now)
            if reason is None and ev is not None:
                reason = window_refusal(ev, windows) or _pad_refusal(ev, cred, served)
            expected[stream] += 1
            if reason is not None:
                refuse(raw, stream, seq, reason)
                continue
            assert ev is not None
            fresh.append((raw, stream, seq, ev))
        _reused(conn, cred.hall_id, replays, lambda raw, stream, seq, why: rejected.append(
            Rejection(event_id=_short(raw.get("event_id", ""), 64), terminal_seq=seq,
                      type=_short(raw.get("type", ""), 64), reason=escaped(why))))
        # Event ids are unique across halls: an id already held (or earlier in this batch) is
        # the same event again, or a different one that must not vanish silently.
        held = _held(conn, (ev.event_id for *_, ev in fresh))
        rows: list[dict[str, Any]] = []
        placed: list[tuple[dict[str, Any], str, int]] = []
        routed: dict[str, str] = {}  # event id -> the hall it is routed to (issue 24)
        for raw, stream, seq, ev in fresh:
            known = held.get(ev.event_id)
            if known is not None:
                if not _same_event(ev, known):
                    refuse(raw, stream, seq, DUPLICATE)
                continue
            payload = json.dumps(ev.payload, ensure_ascii=False, separators=(",", ":"))
            row = {**ev.model_dump(exclude={"payload"}), "received_ms": now,
                   "pushed_by": cred.terminal_id, "payload": payload}
            held[ev.event_id] = SimpleNamespace(**row)
            rows.append(row)
            placed.append((raw, stream, seq))
            if (to_hall := routing.routed_to(ev.type, ev.payload)) is not None:
                routed[ev.event_id] = to_hall
        inserted = 0
        if rows:
            purge.apply(conn, rows)
            # Another hall's push (another hall's lock) may have stored one of these ids since
            # we looked: what did not go in is refused as a duplicate, never counted silently.
            stmt = _dialect_insert(conn, events).on_conflict_do_nothing().returning(
                events.c.event_id, events.c.pos)
            stored = {str(r[0]): int(r[1]) for r in conn.execute(stmt, rows)}
            inserted = len(stored)
            # filed for their destinations in this transaction: a destination's inbox numbers
            # commit in order, whatever order the halls' `pos` values commit in
            routing.file(conn, [(stored[i], to) for i, to in routed.items() if i in stored])
            for row, (raw, stream, seq) in zip(rows, placed, strict=True):
                if row["event_id"] not in stored:
                    refuse(raw, stream, seq, DUPLICATE)
            if inserted:
                notify.send(conn, cred.hall_id, cred.terminal_id)
        if dead:
            conn.execute(insert(dead_letters), dead)
    return PushResponse(accepted_through_seq=expected.get(cred.terminal_id, 1) - 1,
                        inserted=inserted, rejected=rejected,
                        accepted={t: n - 1 for t, n in expected.items()} if cred.is_hub else {})


def _reused(conn: Connection, hall_id: str, replays: list[tuple[dict[str, Any], str, int]],
            report: Any) -> None:
    """Events at sequence numbers the server has used: the same event again is a retry (quiet);
    another event at that number is a conflict, reported in the answer, never "accepted". (Not
    dead-lettered: the number's first event or refusal stands, and recovery reads those.)"""
    if not replays:
        return
    by_stream: dict[str, list[int]] = {}
    for _raw, stream, seq in replays:
        by_stream.setdefault(stream, []).append(seq)
    held: dict[tuple[str, int], str] = {}
    for stream, seqs in by_stream.items():
        for i in range(0, len(seqs), 500):
            part = seqs[i:i + 500]
            for table in (events, dead_letters):
                for r in conn.execute(select(table.c.terminal_seq, table.c.event_id).where(
                        table.c.hall_id == hall_id, table.c.terminal_id == stream,
                        table.c.terminal_seq.in_(part))):
                    held.setdefault((stream, int(r.terminal_seq)), str(r.event_id or ""))
    for raw, stream, seq in replays:
        known = held.get((stream, seq))
        if known is None or known == raw.get("event_id"):
            continue
        report(raw, stream, seq,
               f"sequence conflict: terminal {stream} sequence {seq} is another event here "
               f"({_short(known, 64)}); this one is not stored (a copied or restored store?)")


def pull(engine: Engine, cred: Credential, cursors: Cursors, cursor: str,
         limit: int) -> PullResponse:
    """Events of the caller's hall from other terminals, after the cursor, in arrival order.
    Built without validating again (each event was validated when it was pushed)."""
    after = cursors.read(cred.hall_id, cursor)
    with engine.connect() as conn:
        if after:
            top = conn.execute(select(func.max(events.c.pos)).where(
                events.c.hall_id == cred.hall_id)).scalar()
            if after > int(top or 0):
                raise StaleCursor(cursor)  # a cursor from before this database was restored
            if after < retention.floor(conn, cred.hall_id):
                raise StaleCursor(cursor)  # events after it were removed: start over
            retention.mark_pull(conn, cred, after)
            conn.commit()
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
    out = [WireEvent.model_construct(
        event_id=r.event_id, hall_id=r.hall_id, terminal_id=r.terminal_id,
        terminal_seq=r.terminal_seq, hlc=r.hlc, type=r.type, schema_version=r.schema_version,
        payload=json.loads(r.payload)) for r in rows]
    last = rows[-1].pos if rows else after
    return PullResponse.model_construct(events=out, cursor=cursors.make(cred.hall_id, last),
                                        more=more)


def own(engine: Engine, cred: Credential, after: int, limit: int) -> OwnResponse:
    """The caller's own stream after `after`, in sequence order, and how far the server has
    consumed it. Pull never sends a terminal its own events; this is the one way back, for a
    terminal whose store lost its tail (restored from an older backup). The credential names
    the stream: a terminal reads only its own, in its own hall."""
    mine = (events.c.hall_id == cred.hall_id, events.c.terminal_id == cred.terminal_id)
    with engine.connect() as conn:
        through = _last_seq(conn, cred.hall_id, cred.terminal_id)
        rows = conn.execute(
            select(events.c.event_id, events.c.hall_id, events.c.terminal_id,
                   events.c.terminal_seq, events.c.hlc, events.c.type, events.c.schema_version,
                   events.c.payload)
            .where(*mine, events.c.terminal_seq > after)
            .order_by(events.c.terminal_seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        upto = rows[-1].terminal_seq if more else through
        refused = conn.execute(
            select(dead_letters.c.terminal_seq, dead_letters.c.event_id, dead_letters.c.type,
                   dead_letters.c.reason)
            .where(dead_letters.c.hall_id == cred.hall_id,
                   dead_letters.c.terminal_id == cred.terminal_id,
                   dead_letters.c.terminal_seq > after, dead_letters.c.terminal_seq <= upto)
            .order_by(dead_letters.c.terminal_seq)).all()
    out = [WireEvent.model_construct(
        event_id=r.event_id, hall_id=r.hall_id, terminal_id=r.terminal_id,
        terminal_seq=r.terminal_seq, hlc=r.hlc, type=r.type, schema_version=r.schema_version,
        payload=json.loads(r.payload)) for r in rows]
    return OwnResponse.model_construct(
        events=out, through=through, more=more,
        refused=[Rejection.model_construct(event_id=r.event_id or "", terminal_seq=r.terminal_seq,
                                           type=r.type or "", reason=r.reason) for r in refused])


def lease(engine: Engine, cred: Credential, day: str, series: str, size: int,
          request_id: str | None = None) -> tuple[int, int]:
    """A block of `size` numbers no other terminal of the hall will ever get; the same
    `request_id` from the same terminal gets the same block again, and with another day,
    series or size is refused (LeaseConflict), never answered with the old block."""
    key = (number_blocks.c.hall_id == cred.hall_id, number_blocks.c.day == day,
           number_blocks.c.series == series)
    if cred.role not in LEASING_ROLES and not cred.is_hub:
        raise LeaseRefused(403, f"a {cred.role} terminal issues no tickets: no numbers for it")
    today = datetime.fromtimestamp(now_ms() / 1000, UTC).date()
    if abs((date.fromisoformat(day) - today).days) > 1:
        # Every hall's today is within a day of UTC's: other days are hoarding, never issuing.
        raise LeaseRefused(409, f"numbers are leased for today only (within a day of "
                           f"{today.isoformat()}), not for {day}")
    try:
        with engine.begin() as conn:
            # The series' row exists before it is locked: two first leases of a day never race
            # to create it (and on SQLite the write lock is taken before anything is read).
            conn.execute(_dialect_insert(conn, number_blocks).values(
                hall_id=cred.hall_id, day=day, series=series, next=1).on_conflict_do_nothing())
            current = int(conn.execute(select(number_blocks.c.next).where(*key)
                                       .with_for_update()).scalar_one())
            if request_id is not None:
                known = conn.execute(select(
                    lease_grants.c.day, lease_grants.c.series, lease_grants.c.first,
                    lease_grants.c.last).where(
                    lease_grants.c.hall_id == cred.hall_id,
                    lease_grants.c.terminal_id == cred.terminal_id,
                    lease_grants.c.request_id == request_id)).first()
                if known is not None:
                    first, last = int(known.first), int(known.last)
                    if (known.day, known.series, last - first + 1) != (day, series, size):
                        raise LeaseConflict(
                            f"request id {request_id} was granted {known.series} {first}-{last} "
                            f"of {known.day}; a new request needs a new id")
                    return first, last
            taken = int(conn.execute(select(
                func.coalesce(func.sum(lease_grants.c.last - lease_grants.c.first + 1), 0))
                .where(lease_grants.c.hall_id == cred.hall_id,
                       lease_grants.c.terminal_id == cred.terminal_id,
                       lease_grants.c.day == day, lease_grants.c.series == series)).scalar()
                or 0)
            if taken + size > LEASE_QUOTA:
                raise LeaseConflict(f"terminal {cred.terminal_id} has leased {taken} numbers of "
                                    f"series {series} on {day}: the quota is {LEASE_QUOTA} a day")
            if current + size - 1 > MAX_NUMBER:
                raise LeaseConflict(f"series {series} of {day} has no numbers left "
                                    f"(limit {MAX_NUMBER})")
            conn.execute(update(number_blocks).where(*key).values(next=current + size))
            # Every grant is kept (the quota counts them), under its request id or a fresh one.
            conn.execute(insert(lease_grants).values(
                hall_id=cred.hall_id, terminal_id=cred.terminal_id,
                request_id=request_id or f"~{uuid.uuid4().hex}",
                day=day, series=series, first=current, last=current + size - 1,
                granted_ms=now_ms()))
    except IntegrityError as exc:  # the same request id, at the same moment, for another series
        raise LeaseConflict(f"request id {request_id} is in use by another lease") from exc
    return current, current + size - 1


def absorb_upstream(engine: Engine, hall_id: str, batch: list[WireEvent], cursor_key: str,
                    cursor: str) -> int:
    """A hub stores what its upstream brought (marked UPSTREAM, never forwarded back) and the
    upstream cursor in one transaction. The caller holds the push lock (pos order). An event the
    hub holds already is skipped; one whose id the hub holds with other content is kept in the
    dead letters with the reason, never silently dropped."""
    now = now_ms()
    mine = [ev for ev in batch if ev.hall_id == hall_id]
    with engine.begin() as conn:
        lock_hall(conn, hall_id)
        held = _held(conn, (ev.event_id for ev in mine))
        rows: list[dict[str, Any]] = []
        dead: list[dict[str, Any]] = []
        for ev in mine:
            why = event_rules.refusal(Event(ev.event_id, ev.hall_id, ev.terminal_id,
                                            ev.terminal_seq, ev.hlc, ev.type, ev.payload,
                                            ev.schema_version))
            if why is not None:  # the hub checks what its upstream brings, as a terminal does
                dead.append({"hall_id": hall_id, "terminal_id": ev.terminal_id,
                             "terminal_seq": None, "event_id": ev.event_id, "type": ev.type,
                             "reason": escaped(f"from upstream: {why}"), "received_ms": now,
                             "body": _kept_body(ev.model_dump())})
                continue
            known = held.get(ev.event_id)
            if known is not None:
                if not _same_event(ev, known):
                    dead.append({"hall_id": hall_id, "terminal_id": ev.terminal_id,
                                 "terminal_seq": None, "event_id": ev.event_id, "type": ev.type,
                                 "reason": f"from upstream: {DUPLICATE}", "received_ms": now,
                                 "body": _kept_body(ev.model_dump())})
                continue
            row = {**ev.model_dump(exclude={"payload"}), "received_ms": now,
                   "pushed_by": UPSTREAM,
                   "payload": json.dumps(ev.payload, ensure_ascii=False, separators=(",", ":"))}
            held[ev.event_id] = SimpleNamespace(**row)
            rows.append(row)
        inserted = 0
        if rows:
            purge.apply(conn, rows)
            stmt = _dialect_insert(conn, events).on_conflict_do_nothing()
            inserted = max(int(conn.execute(stmt, rows).rowcount), 0)
            if inserted:
                notify.send(conn, hall_id, UPSTREAM)
        if dead:
            conn.execute(insert(dead_letters), dead)
        put_meta(conn, cursor_key, cursor)
    return inserted


def get_meta(conn: Connection, key: str, default: str = "") -> str:
    value = conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar()
    return default if value is None else str(value)


def put_meta(conn: Connection, key: str, value: str) -> None:
    stmt = _dialect_insert(conn, server_meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
