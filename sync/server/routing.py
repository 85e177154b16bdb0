"""Routing travelling cases on the central platform, and a hub taking in what is routed to its
hall (issue 24).

The platform: each `PartRouted` / `PartUpdate` it stores names the hall it is for (`to_hall`,
plain: a routing fact). The push that stores it files it under that hall in the same
transaction (`file`, called from sync/server/log.py `push`), with the hall's next inbox number
(`travel_inbox.seq`, 1, 2, ...), and `inbox` serves a hall the events filed for it after a
number: `GET /v1/travel/inbox?after=N` (`next`: the last number served). The parcel inside stays
sealed for the destination: the platform routes, it opens nothing.

Why a number per destination, taken at push time (issue 24's follow-up): pushes are serialized
per ORIGIN hall only, so across halls `events.pos` values commit out of order (with several
processes on PostgreSQL, or two halls' pushes overlapping in one process): a cursor over `pos`
moved past a later-numbered push that committed first and missed the earlier one for good.
The destination's number is taken under the destination's advisory lock, held to commit (taken
after the origin's push lock, destinations in sorted order: no cycle), so a destination's
numbers commit in order: whoever has seen N has seen every number below it. On SQLite the push
holds the database's write lock (the events went in first), which orders them alike.

The destination's read mark (`travel_read`): an ask for what follows number N shows the
destination took everything through N (a hub or a station stores its number only after recording
the page), so `inbox` raises the hall's mark to N. Retention (sync/server/retention.py) never
deletes a routed event the destination has not read past: a hall offline across a retention run
still finds its inbox whole when it comes back. One mark per destination hall, the highest any
of its readers asked beyond: what one reader took is in the hall's log, which its terminals pull.

A hub: `HubInbox` asks its upstream for its hall's inbox (a long-poll: the platform holds the
ask until a push routes something to that hall: in its process, or on PostgreSQL in any
process, by NOTIFY) and records each event once in the
hall's log, in the hub's own stream (sync/server/authority.py): a `PartRouted` as `PartArrived`
(opened with the hall's private key, the applicant sealed again under the hall's data key), a
`PartUpdate` as `PartHeard`. `travel_done` holds the source event ids taken, in the same
transaction as the event written, so a retry, a restart or a replayed inbox records nothing
twice. Its terminals pull those events like any other; the hub forwards them upstream with the
rest.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    Table,
    Text,
    exists,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from hall.events import EventType
from sync.server import notify
from sync.server.db import _insert, _meta, _put_meta
from sync.server.tables import events

ROUTED_TYPES = (EventType.PART_ROUTED, EventType.PART_UPDATE)
_FILED_ALL = "travel_inbox_filed"  # meta: routed events stored before `file` existed are filed
_LOCK_SPACE = 0x7472  # the advisory-lock namespace of destination inboxes ("tr")

metadata = MetaData()

# (`travel_routes`, filed by a scan over `pos`, is what older releases left: no longer read)
filed = Table(
    "travel_inbox",
    metadata,
    Column("to_hall", Text, primary_key=True),
    Column("seq", BigInteger, primary_key=True),  # the destination's inbox number, from 1
    Column("pos", BigInteger, nullable=False, unique=True),  # the event's pos in the log
)

done = Table(
    "travel_done",
    metadata,
    Column("hall_id", Text, primary_key=True),
    Column("source_id", Text, primary_key=True),  # the routed event's id, recorded once
)


read = Table(
    "travel_read",
    metadata,
    Column("to_hall", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),  # the destination took its inbox through here
    Column("read_ms", BigInteger, nullable=False),
)


def wake_key(hall_id: str) -> str:
    """The notifier's key of a hall's inbox polls."""
    return notify.travel_key(hall_id)


def destinations(batch: list[Any]) -> set[str]:
    """The halls a pushed batch routes something to (its events are checked elsewhere)."""
    return {str(e["payload"]["to_hall"]) for e in batch
            if isinstance(e, dict) and e.get("type") in ROUTED_TYPES
            and isinstance(e.get("payload"), dict)
            and isinstance(e["payload"].get("to_hall"), str)}


def routed_to(kind: str, payload: dict[str, Any]) -> str | None:
    """The hall a stored event is routed to, if it is a routed one."""
    to_hall = payload.get("to_hall") if kind in ROUTED_TYPES else None
    return to_hall if isinstance(to_hall, str) else None


def lock_destination(conn: Connection, hall_id: str) -> None:
    """On PostgreSQL: this transaction holds the hall's inbox lock until it ends, across every
    server process (a hash collision only serializes two halls' inboxes)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:hall))"),
                     {"space": _LOCK_SPACE, "hall": hall_id})


def file(conn: Connection, stored: list[tuple[int, str]]) -> int:
    """File events just stored in this transaction, (pos, to_hall) each, under their
    destinations with its next numbers (in pos order). The caller holds its origin's push lock;
    the destinations' locks are taken here in sorted order and held to the caller's commit."""
    by_hall: dict[str, list[int]] = {}
    for pos, to_hall in stored:
        by_hall.setdefault(to_hall, []).append(pos)
    count = 0
    for to_hall in sorted(by_hall):
        lock_destination(conn, to_hall)
        top = int(conn.execute(select(func.coalesce(func.max(filed.c.seq), 0))
                               .where(filed.c.to_hall == to_hall)).scalar_one())
        for pos in sorted(by_hall[to_hall]):
            # a pos filed already (a second process filing old events at its start) is skipped
            done_here = conn.execute(_insert(conn, filed).values(
                to_hall=to_hall, seq=top + 1, pos=pos).on_conflict_do_nothing()).rowcount
            if done_here:
                top += 1
                count += 1
        if conn.dialect.name == "postgresql":  # on commit, every process wakes its polls
            conn.execute(text("SELECT pg_notify(:channel, :hall)"),
                         {"channel": notify.TRAVEL_CHANNEL, "hall": to_hall})
    return count


def ensure(engine: Engine) -> None:
    """The tables, and once per database: the routed events stored before pushes filed them."""
    metadata.create_all(engine)
    with engine.connect() as conn:
        if _meta(conn, _FILED_ALL):
            return
    with engine.begin() as conn:
        already = select(filed.c.pos).where(filed.c.pos == events.c.pos).exists()
        rows = conn.execute(select(events.c.pos, events.c.type, events.c.payload)
                            .where(events.c.type.in_(ROUTED_TYPES), ~already)
                            .order_by(events.c.pos)).all()
        found = [(int(r.pos), to) for r in rows
                 if (to := routed_to(r.type, json.loads(r.payload))) is not None]
        file(conn, found)
        _put_meta(conn, _FILED_ALL, "1")


def mark_read(conn: Connection, hall_id: str, after: int) -> None:
    """The destination took its inbox through `after`: its mark only rises."""
    from hall.clock import now_ms

    stmt = _insert(conn, read).values(to_hall=hall_id, seq=after, read_ms=now_ms())
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["to_hall"], set_={"seq": stmt.excluded.seq,
                                          "read_ms": stmt.excluded.read_ms},
        where=read.c.seq < stmt.excluded.seq))


def read_through(conn: Connection, hall_id: str) -> int:
    """How far the destination has read its inbox (0: never)."""
    return int(conn.execute(select(read.c.seq).where(read.c.to_hall == hall_id)).scalar() or 0)


def unread(pos: Any) -> ColumnElement[bool]:
    """Whether the event at `pos` is routed to a hall that has not read past it yet."""
    return exists().where(filed.c.pos == pos, ~exists().where(
        read.c.to_hall == filed.c.to_hall, read.c.seq >= filed.c.seq))


def prune(conn: Connection) -> int:
    """Forget the filing of events retention deleted (read, or they would still be there),
    but each destination's highest number: the next filing continues from it."""
    inner = filed.alias("newer")
    gone = ~exists().where(events.c.pos == filed.c.pos)
    not_top = exists().where(inner.c.to_hall == filed.c.to_hall, inner.c.seq > filed.c.seq)
    return int(conn.execute(filed.delete().where(gone, not_top)).rowcount or 0)


def inbox(engine: Engine, hall_id: str, after: int, limit: int = 200, *,
          mark: bool = False) -> dict[str, Any]:
    """The events routed to `hall_id` after its inbox number `after`, in number order.
    `mark`: record that the hall has read through `after` (its readers ask beyond what they
    recorded), which frees what it read for retention."""
    if mark and after > 0:
        with engine.begin() as conn:
            mark_read(conn, hall_id, after)
    with engine.connect() as conn:
        rows = conn.execute(
            select(filed.c.seq, events.c.event_id, events.c.hall_id, events.c.terminal_id,
                   events.c.type, events.c.payload)
            .join(events, events.c.pos == filed.c.pos)
            .where(filed.c.to_hall == hall_id, filed.c.seq > after)
            .order_by(filed.c.seq).limit(limit)).all()
    items = [{"seq": r.seq, "event": {"event_id": r.event_id, "hall_id": r.hall_id,
                                      "terminal_id": r.terminal_id, "type": r.type,
                                      "payload": json.loads(r.payload)}} for r in rows]
    return {"items": items, "next": items[-1]["seq"] if items else after}


# -- a hub ------------------------------------------------------------------------------------------
def take(engine: Engine, data_dir: Path, hall_id: str, event: dict[str, Any],
         lock: threading.Lock) -> bool:
    """Record one routed event for this hub's hall, once (False: taken before, or not for it)."""
    from hall import travel
    from hall.event_schema import problem
    from hall.security import keys
    from hall.security.crypto import Sealer, seal_applicant
    from hall.security.hall_pair import ensure as hall_keypair
    from sync.server import authority

    payload = event.get("payload")
    kind = str(event.get("type"))
    if (not isinstance(payload, dict) or payload.get("to_hall") != hall_id
            or kind not in ROUTED_TYPES or problem(kind, payload) is not None):
        return False
    source = str(event["event_id"])
    from_hall = str(event["hall_id"])
    now = authority._now_iso()
    if kind == EventType.PART_ROUTED:
        sealer = Sealer.for_data_dir(data_dir, hall_id)
        index_key = keys.load_or_create(data_dir, keys.INDEX)

        def reseal(**record: Any) -> Any:
            return seal_applicant(sealer, index_key, verified=True, **record)

        out_type = EventType.PART_ARRIVED
        out = travel.arrival(payload, from_hall, source, hall_keypair(data_dir).private,
                             reseal, now)
    else:
        out_type = EventType.PART_HEARD
        out = travel.heard_payload(payload, from_hall, source, hall_keypair(data_dir).private,
                                   Sealer.for_data_dir(data_dir, hall_id).seal)
    with lock:
        try:
            with engine.begin() as conn:
                conn.execute(_insert(conn, done).values(hall_id=hall_id, source_id=source))
                authority.append(conn, hall_id, out_type, out)
        except IntegrityError:
            return False
    return True


class HubInbox:
    """A hub's thread asking its upstream for what is routed to its hall, every `every` s."""

    def __init__(self, engine: Engine, data_dir: Path, upstream: Any, *,
                 every: float = 1.0) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.upstream = upstream
        self.every = every
        # held at the platform until something is routed here (as long as the upstream's own
        # pull waits: a stop waits for it alike)
        self.wait = float(min(getattr(upstream, "wait", 0.0), 10.0))
        self.taken = 0
        self.poll_pause = 0.0  # the platform did not hold the last ask (its cap): wait this
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        ensure(engine)

    def start(self, lock: threading.Lock, landed: Any) -> None:
        self._lock = lock
        self._landed = landed
        self._thread = threading.Thread(target=self._run, name="travel-inbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

    def once(self, http: Any) -> int:
        hall_id = self.upstream.hall_id
        # the inbox number taken through (`travel_inbox_after:` held a global pos, before numbers
        # per destination: not read, so an upgraded hub takes its inbox again, once each)
        cursor = f"travel_inbox_seq:{hall_id}"
        with self.engine.connect() as conn:
            after = int(_meta(conn, cursor) or 0)
        took = 0
        wait = self.wait
        for _ in range(1000):  # bounded: 200 a page
            page = http.request("GET", "/travel/inbox", params={"after": after, "wait": wait},
                                timeout=wait + self.upstream.timeout)
            if wait > 0:  # past the platform's cap of held polls: answered at once
                self.poll_pause = getattr(http, "pause", None) or 0.0
            wait = 0.0  # held once a round: a page found, the next ones at once
            for item in page["items"]:
                if take(self.engine, self.data_dir, hall_id, item["event"], self._lock):
                    took += 1
            if page["next"] == after:
                break
            after = int(page["next"])
            with self.engine.begin() as conn:
                _put_meta(conn, cursor, str(after))
        if took:
            self.taken += took
            self._landed()
        return took

    def _run(self) -> None:
        from hall.errors import HallError
        from sync.errors import NetworkError
        from sync.transport import Http

        cred = self.upstream.cred
        http = Http(cred.server, cred.token, timeout=self.upstream.timeout, ca=cred.ca,
                    insecure=cred.insecure)
        try:
            while not self._stop.is_set():
                try:
                    self.once(http)
                    self.last_error = None
                    # the platform held the ask (else its cap said when to ask again)
                    pause = self.poll_pause if self.wait > 0 else self.every
                except (HallError, NetworkError, ValueError, KeyError) as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    pause = self.every
                self._stop.wait(pause)
        finally:
            http.close()
