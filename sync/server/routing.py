"""Routing travelling cases on the central platform, and a hub taking in what is routed to its
hall (issue 24).

The platform: each `PartRouted` / `PartUpdate` it stores names the hall it is for (`to_hall`,
plain: a routing fact). `index` files each one under that hall (`travel_routes`, filled from the
event log in arrival order, idempotent), and `inbox` serves a hall the events filed for it after
a position: `GET /v1/travel/inbox?after=N`. The parcel inside stays sealed for the destination:
the platform routes, it opens nothing.

A hub: `HubInbox` asks its upstream for its hall's inbox (a long-poll: the platform holds the
ask until a push in its process routes something to that hall) and records each event once in the
hall's log, in the hub's own stream (sync/server/authority.py): a `PartRouted` as `PartArrived`
(opened with the hall's private key, the applicant sealed again under the hall's data key), a
`PartUpdate` as `PartHeard`. `travel_done` holds the source event ids taken, in the same
transaction as the event written, so a retry, a restart or a replayed inbox records nothing
twice. Its terminals pull those events like any other; the hub forwards them upstream with the
rest.

One central process: `index` keeps one cursor over the whole log. Over PostgreSQL with several
processes, a push committed late under a lower `pos` than one already indexed would be missed;
a per-hall cursor (the pull's rule) is the step left for the multi-process platform.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, MetaData, Table, Text, select
from sqlalchemy.exc import IntegrityError

from hall.events import EventType
from sync.server.db import _insert, _meta, _put_meta
from sync.server.tables import events

ROUTED_TYPES = (EventType.PART_ROUTED, EventType.PART_UPDATE)
_CURSOR = "travel_indexed_pos"
_INDEX_LOCK = threading.Lock()

metadata = MetaData()

routes = Table(
    "travel_routes",
    metadata,
    Column("pos", BigInteger, primary_key=True),  # the event's pos in the platform's log
    Column("to_hall", Text, nullable=False, index=True),
)

done = Table(
    "travel_done",
    metadata,
    Column("hall_id", Text, primary_key=True),
    Column("source_id", Text, primary_key=True),  # the routed event's id, recorded once
)


def wake_key(hall_id: str) -> str:
    """The notifier's key of a hall's inbox polls (no hall id starts with NUL)."""
    return f"\x00travel:{hall_id}"


def destinations(batch: list[Any]) -> set[str]:
    """The halls a pushed batch routes something to (its events are checked elsewhere)."""
    return {str(e["payload"]["to_hall"]) for e in batch
            if isinstance(e, dict) and e.get("type") in ROUTED_TYPES
            and isinstance(e.get("payload"), dict)
            and isinstance(e["payload"].get("to_hall"), str)}


def ensure(engine: Engine) -> None:
    metadata.create_all(engine)


def index(engine: Engine, batch: int = 2000) -> int:
    """File the routed events stored since the last call under their destination."""
    filed = 0
    with _INDEX_LOCK:
        while True:
            with engine.begin() as conn:
                after = int(_meta(conn, _CURSOR) or 0)
                rows = conn.execute(select(events.c.pos, events.c.type, events.c.payload).where(
                    events.c.pos > after).order_by(events.c.pos).limit(batch)).all()
                if not rows:
                    return filed
                for row in rows:
                    if row.type not in ROUTED_TYPES:
                        continue
                    to_hall = json.loads(row.payload).get("to_hall")
                    if isinstance(to_hall, str):
                        conn.execute(_insert(conn, routes).values(pos=row.pos, to_hall=to_hall)
                                     .on_conflict_do_nothing())
                        filed += 1
                _put_meta(conn, _CURSOR, str(rows[-1].pos))


def inbox(engine: Engine, hall_id: str, after: int, limit: int = 200) -> dict[str, Any]:
    """The events routed to `hall_id` after position `after`, oldest first."""
    index(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(events.c.pos, events.c.event_id, events.c.hall_id, events.c.terminal_id,
                   events.c.type, events.c.payload)
            .join(routes, routes.c.pos == events.c.pos)
            .where(routes.c.to_hall == hall_id, routes.c.pos > after)
            .order_by(routes.c.pos).limit(limit)).all()
    items = [{"pos": r.pos, "event": {"event_id": r.event_id, "hall_id": r.hall_id,
                                      "terminal_id": r.terminal_id, "type": r.type,
                                      "payload": json.loads(r.payload)}} for r in rows]
    return {"items": items, "next": items[-1]["pos"] if items else after}


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
        cursor = f"travel_inbox_after:{hall_id}"
        with self.engine.connect() as conn:
            after = int(_meta(conn, cursor) or 0)
        took = 0
        wait = self.wait
        for _ in range(1000):  # bounded: 200 a page
            page = http.request("GET", "/travel/inbox", params={"after": after, "wait": wait},
                                timeout=wait + self.upstream.timeout)
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
                    pause = 0.0 if self.wait > 0 else self.every  # the platform held the ask
                except (HallError, NetworkError, ValueError, KeyError) as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    pause = self.every
                self._stop.wait(pause)
        finally:
            http.close()
