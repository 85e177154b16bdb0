"""Every query of the central platform's hot paths is served by an index on PostgreSQL: the
statements the real code sends (push, pull, own, lease, a credential's lookup, the shared rate
limits, `serve status` per hall) are captured and EXPLAINed with sequential scans priced out, as
tests/hall/test_query_plans.py does for the terminal store. A query no index can serve still
shows a Seq Scan, and fails here."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from sync.server import db, log, status
from sync.server.cursor import Cursors
from sync.server.limits import SharedBuckets
from tests.sync import pg

TABLES = ("events", "dead_letters", "credentials", "lease_grants", "number_blocks",
          "rate_buckets")


@pytest.fixture
def engine(pg_cluster: pg.Cluster) -> Iterator[Engine]:
    made = db.open_engine(pg_cluster.new_database(f"plans{uuid.uuid4().hex[:10]}"))
    yield made
    made.dispose()


def _event(hall: str, terminal: str, seq: int) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16,
            "type": "WindowConfigured", "schema_version": 1,
            "payload": {"window": "1", "services": None}}


def test_hot_queries_of_the_central_platform_use_indexes(engine: Engine) -> None:
    code = db.new_enroll_code(engine, "H1", "K1", role="kiosk")
    cred, token = db.enroll(engine, code)
    hub = db.enroll(engine, db.new_enroll_code(engine, "H1", "HUB", hub=True))[0]
    cursors = Cursors(db.epoch(engine), db.cursor_key(engine))
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any,
                many: bool) -> None:
        if not many and statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE",
                                                               "DELETE")):
            seen.append((statement, params))

    log.push(engine, cred, [_event("H1", "K1", s) for s in range(1, 4)])
    log.push(engine, hub, [_event("H1", "D1", 1), {**_event("H1", "D1", 2), "type": "Nope"}])
    first = log.pull(engine, hub, cursors, "", 100)
    log.pull(engine, hub, cursors, first.cursor, 100)
    log.own(engine, cred, 0, 100)
    log.lease(engine, cred, datetime.now(UTC).date().isoformat(), "A", 50, "req-1")
    db.lookup(engine, db.digest(token))
    SharedBuckets(engine, "request").take("t/H1/K1")
    SharedBuckets(engine, "authfail").peek("127.0.0.1")
    status.halls(engine)
    db.revoke(engine, "H1", "K1")
    event.remove(engine, "before_cursor_execute", capture)
    assert len(seen) > 15
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        scanned = []
        for statement, params in seen:
            if "pg_advisory" in statement or "pg_notify" in statement or (
                    "FROM" not in statement.upper() and "WHERE" not in statement.upper()
                    and "ON CONFLICT" not in statement.upper()):
                continue  # locks, notifications, plain inserts: no read to plan
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(
                f"EXPLAIN {statement}", params or {}))
            for table in TABLES:
                if re.search(rf"Seq Scan on {table}\b", plan):
                    scanned.append(f"{table}: {statement.strip()[:160]}\n{plan}")
    assert not scanned, "\n\n".join(scanned)
