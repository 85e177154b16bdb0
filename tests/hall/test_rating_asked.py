"""The clerk's 请评价 is read by its ticket's key (tickets.asked_ms, migration 0010), not by a scan
of the last 5000 events: an ask stays an ask however much the log grows after it, the
projection rebuilt from the log gives it again, and the lookup reads one row of one index."""

from __future__ import annotations

import json

from hall.actors import Actor
from hall.app import Hall
from hall.ids import new_id
from hall.ratings import asked
from hall.store.projections import rebuild

CLERK = Actor.account("li", "clerk", "3")


def test_an_ask_is_on_its_ticket_however_long_the_log(make_hall) -> None:  # type: ignore[no-untyped-def]
    hall: Hall = make_hall()
    t = hall.tickets.take(hall.kiosk(), "newborn").value
    other = hall.tickets.take(hall.kiosk(), "newborn").value
    hall.tickets.call_next(CLERK, "3")
    hall.ratings.ask(CLERK, t.id)
    conn = hall.core.store.conn
    with hall.core.store.write() as w:  # 6000 later events of another terminal (no projection)
        top = w.execute("SELECT MAX(hlc) FROM events").fetchone()[0]
        w.executemany(
            "INSERT INTO events (event_id, hall_id, terminal_id, terminal_seq, hlc, type, "
            "schema_version, payload) VALUES (?, ?, 'K9', ?, ?, 'AuditRecorded', 1, ?)",
            [(new_id(), hall.core.config.hall_id, n, top + n,
              json.dumps({"action": "filler", "at": "2026-11-23T09:00:00+08:00"}))
             for n in range(1, 6001)])
    assert asked(conn, t.id) and not asked(conn, other.id) and not asked(conn, "no-such")
    plan = " ".join(str(r[-1]) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT asked_ms IS NOT NULL FROM tickets WHERE ticket_id = ?",
        (t.id,)))
    assert "SEARCH tickets USING PRIMARY KEY" in plan, plan
    assert hall.pad_view("3").to_rate == t.id  # the pad offers the grades for the asked visit
    with hall.core.store.write() as w:
        rebuild(w)
    assert asked(conn, t.id) and not asked(conn, other.id)
