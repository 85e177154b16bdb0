"""terminals -> hub -> central over HTTP on 127.0.0.1: the hub forwards its hall (every terminal's
stream, in order), brings back what others wrote, rides out the central platform being away or
slow without holding up the hall's LAN, and its credential covers its own hall and no other.
SYNC_HUB_EVENTS sets the events per terminal."""

from __future__ import annotations

import os
import time

import httpx
from sqlalchemy import select

from sync.server.tables import dead_letters, events
from tests.sync.faultproxy import FaultProxy
from tests.sync.fill import fill, until

PER = int(os.environ.get("SYNC_HUB_EVENTS", "600"))


def _central_rows(central) -> list[tuple[str, int]]:
    with central.engine.connect() as c:
        return [(r[0], r[1]) for r in c.execute(
            select(events.c.terminal_id, events.c.terminal_seq).where(events.c.hall_id == "H1")
            .order_by(events.c.pos))]


def _wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds * 20)):
        if predicate():
            return
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)
    raise AssertionError("not reached")


def test_terminals_hub_central_with_the_central_away(make_server, make_terminal,
                                                     backend) -> None:
    central = make_server(backend, role="central")
    with FaultProxy(central.port) as link:
        hub = make_server("sqlite", role="hub", upstream={
            "server": link.url, "token": central.token("H1", "HUB", hub=True), "hall": "H1",
            "hub": "HUB", "wait": 1.0, "timeout": 2.0, "cap": 1.0, "idle": 0.5})
        assert hub.upstream is not None
        terms = [make_terminal(hub.url, hub.token("H1", f"K{i}"), f"K{i}",
                               numbering="standalone", timeout=5.0) for i in range(3)]
        third = PER // 3
        for t in terms:  # 1: the central platform is there
            fill(t.hall, third)
            until(lambda t=t: t.once()["pending"] == 0)
        link.down = True  # 2: away; the hall goes on
        for t in terms:
            fill(t.hall, third)
            start = time.monotonic()
            until(lambda t=t: t.once()["pending"] == 0)
            assert time.monotonic() - start < 10  # the LAN is not held up by the upstream
        _wait_for(lambda: hub.upstream.last_error is not None and not hub.upstream.online)
        time.sleep(1.5)  # away for a while: several failed rounds, backing off
        assert hub.upstream.pending() > 0 and hub.upstream.totals["pushed"] < 3 * PER
        link.rate = 50_000.0  # 3: back, but slow (50 kB/s)
        link.down = False
        for t in terms:
            fill(t.hall, PER - 2 * third)
            start = time.monotonic()
            until(lambda t=t: t.once()["pending"] == 0)
            assert time.monotonic() - start < 10
        link.rate = None
        _wait_for(lambda: len(_central_rows(central)) == 3 * PER, seconds=120)
        # someone writing straight to the central platform: the hub brings it to the hall
        direct = make_terminal(central.url, central.token("H1", "C1"), "C1",
                               numbering="standalone")
        fill(direct.hall, 5)
        direct.once()
        _wait_for(lambda: terms[0].pull(wait=0.5) >= 0 and terms[0].hall.core.store.conn.execute(
            "SELECT COUNT(*) FROM events WHERE terminal_id = 'C1'").fetchone()[0] == 5)
        with httpx.Client(base_url=hub.url) as http:
            health = http.get("/v1/health").json()
        assert health["upstream"]["online"] is True
    rows = _central_rows(central)
    assert len(rows) == len(set(rows)) == 3 * PER + 5  # exactly once
    for i in range(3):
        assert [s for t, s in rows if t == f"K{i}"] == list(range(1, PER + 1))  # in order
    with hub.engine.connect() as c:  # nothing of the central's came back to be forwarded again
        assert c.execute(select(events.c.pushed_by).where(events.c.terminal_id == "C1")
                         ).scalars().all() == ["^upstream"] * 5
    # Every terminal converges on exactly the hall's log: its own PER events, the two other
    # terminals' (through the hub) and C1's five (central -> hub -> terminal), nothing else
    # (standalone numbering: no lease events). The hub held all of them before this pull, as
    # every terminal's outbox had drained and terms[0] had already received C1's events.
    logs = []
    for t in terms:
        t.pull()
        logs.append(sorted(r[0] for r in t.hall.core.store.conn.execute(
            "SELECT event_id FROM events")))
    assert [len(log) for log in logs] == [3 * PER + 5] * 3
    assert logs[0] == logs[1] == logs[2]


def test_a_hub_pushes_for_its_own_hall_only(make_server, make_terminal) -> None:
    central = make_server(role="central")
    hub_token = central.token("H1", "HUB", hub=True)
    plain = central.token("H1", "K1")

    def event(hall: str, terminal: str, seq: int) -> dict:
        return {"event_id": f"00000000-0000-7000-8000-{seq:04d}{hall[-1]}{terminal[-1]}000000",
                "hall_id": hall, "terminal_id": terminal, "terminal_seq": seq,
                "hlc": 1 << 16, "type": "WindowConfigured", "schema_version": 1,
                "payload": {"window": "1", "services": None}}

    with httpx.Client(base_url=central.url) as http:
        as_hub = http.post("/v1/sync/push", headers={"Authorization": f"Bearer {hub_token}"},
                           json={"events": [event("H1", "K7", 1), event("H2", "K7", 1),
                                            event("H1", "K8", 1), event("H1", "K8", 3)]})
        as_terminal = http.post("/v1/sync/push", headers={"Authorization": f"Bearer {plain}"},
                                json={"events": [event("H1", "K9", 1)]})
    assert as_hub.status_code == 200, as_hub.text
    body = as_hub.json()
    assert body["accepted"] == {"K7": 1, "K8": 1}  # K8's seq 3 waits behind the gap
    assert [r["reason"][:15] for r in body["rejected"]] == ["foreign event: "]
    assert as_terminal.json()["rejected"][0]["reason"].startswith("foreign event")
    with central.engine.connect() as c:
        stored = c.execute(select(events.c.hall_id, events.c.terminal_id)).all()
        dead = c.execute(select(dead_letters.c.hall_id, dead_letters.c.terminal_seq)).all()
    assert sorted(stored) == [("H1", "K7"), ("H1", "K8")]
    assert ("H2", 1) not in dead  # the foreign hall's stream is untouched
