"""Retention keeps what is routed to a hall that has not read it yet (issue 28 with issue 24):
a destination hall's hub offline across a `serve retention` run still takes in every part
routed to it when it comes back; once it has read past them they go like anything else, and
the inbox numbering goes on. The real central platform (SQLite and PostgreSQL) over HTTP, the
real hub (its travel inbox thread) started only after the run."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select, update

from sync.server import retention, routing
from sync.server.tables import events

OLD = 40 * retention.DAY_MS


def _event(hall: str, seq: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": "D1",
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16, "type": kind,
            "schema_version": 1, "payload": payload}


def _routed(seq: int, to_hall: str = "HB") -> dict[str, Any]:
    return _event("HA", seq, "PartUpdate", {"case_id": f"C{seq}", "step": 1, "to_hall": to_hall,
                                            "status": "received",
                                            "at": "2026-12-07T21:00:00+08:00"})


def _plain(seq: int) -> dict[str, Any]:
    return _event("HA", seq, "WindowConfigured", {"window": "1", "services": None})


def _count(engine: Any, *where: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events).where(*where))
                   .scalar_one())


def _until(check: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def test_a_route_to_a_hall_offline_across_retention_arrives_after_it(make_server: Any) -> None:
    central = make_server(role="central")
    desk = central.token("HA", "D1")
    hub_token = central.token("HB", "HUB", hub=True)
    # hall HA: three parts routed to HB among its own events (a plain one last: the stream's
    # newest is kept for its own reason), one routed to HC, which read its inbox at once
    batch = [_plain(1), _routed(2), _plain(3), _routed(4), _routed(5, "HC"), _routed(6),
             _plain(7), _plain(8)]
    routed_ids = {batch[i]["event_id"] for i in (1, 3, 5)}
    with httpx.Client(timeout=30) as http:
        pushed = http.post(f"{central.url}/v1/sync/push",
                           headers={"Authorization": f"Bearer {desk}"}, json={"events": batch})
        assert pushed.status_code == 200 and pushed.json()["inserted"] == 8, pushed.text
        hc = central.token("HC", "HUB", hub=True)
        for after in (0, 1):  # HC reads its one part, then asks beyond it: read through 1
            page = http.get(f"{central.url}/v1/travel/inbox", params={"after": after},
                            headers={"Authorization": f"Bearer {hc}"})
            assert page.status_code == 200 and len(page.json()["items"]) == 1 - after
    with central.engine.begin() as conn:  # all of it arrived 40 days ago
        conn.execute(update(events).values(received_ms=events.c.received_ms - OLD))

    dry = retention.run(central.engine, 30, dry_run=True)
    assert (dry["remove"], dry["kept_unread_routes"]) == (4, 3)
    done = retention.run(central.engine, 30)
    assert (done["removed"], done["kept"], done["kept_unread_routes"]) == (4, 4, 3)
    assert (done["halls"][0]["kept_unread_routes"], done["halls"][0]["unread_by"]) == (3, ["HB"])
    with central.engine.connect() as conn:
        kept = set(conn.execute(select(events.c.event_id).where(
            events.c.type == "PartUpdate")).scalars())
    assert kept == routed_ids  # HC's part went: HC had read past it

    # HB's hub comes online after the run: every part routed to it arrives, once
    hub = make_server("sqlite", role="hub", travel_every=0.2, upstream={
        "server": central.url, "token": hub_token, "hall": "HB", "hub": "HUB", "wait": 1.0,
        "timeout": 3.0, "cap": 0.5, "idle": 0.2})
    _until(lambda: _count(hub.engine, events.c.type == "PartHeard") == 3, "three parts heard")
    # its next ask is beyond them: HB has read through 3, and retention lets them go
    def read_mark() -> int:
        with central.engine.connect() as conn:
            return routing.read_through(conn, "HB")

    _until(lambda: read_mark() == 3, "HB's read mark")
    again = retention.run(central.engine, 30)
    assert (again["removed"], again["kept_unread_routes"]) == (3, 0)
    assert _count(central.engine, events.c.type == "PartUpdate") == 0
    with central.engine.connect() as conn:  # the filings of what went are forgotten, but the
        left = conn.execute(select(routing.filed.c.to_hall, routing.filed.c.seq)).all()
    assert sorted(tuple(r) for r in left) == [("HB", 3), ("HC", 1)]  # inboxes' newest numbers

    # the numbering goes on past what went: a new part is HB's number 4, and arrives
    with httpx.Client(timeout=30) as http:
        pushed = http.post(f"{central.url}/v1/sync/push",
                           headers={"Authorization": f"Bearer {desk}"},
                           json={"events": [_routed(9)]})
        assert pushed.status_code == 200 and pushed.json()["inserted"] == 1, pushed.text
    _until(lambda: _count(hub.engine, events.c.type == "PartHeard") == 4, "the fourth part")
    with central.engine.connect() as conn:
        assert conn.execute(select(func.max(routing.filed.c.seq)).where(
            routing.filed.c.to_hall == "HB")).scalar_one() == 4
