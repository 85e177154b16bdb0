"""A hall whose hub dies keeps one queue, through real processes on loopback: a hub, a kiosk and
two desks each running `sync --forever`, a headless call screen; the hub killed with SIGKILL.
Tickets reach both desks and the screen within 2 s, either desk calls them (the peers' rule:
none called twice), every call is on the screen's log; the hub back, all converge
(bench/peers.py measures how fast)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from hall.app import Hall
from sync.server import db
from sync.server.tables import events
from tests.sync.hallnet import HallNet, cli

TERMINALS = ("K1", "D1", "D2", "S1")
TICKETS = 6


def _has(hall: Hall, ticket_id: str) -> bool:
    return hall.core.store.conn.execute("SELECT 1 FROM tickets WHERE ticket_id = ?",
                                        (ticket_id,)).fetchone() is not None


def _events(hall: Hall) -> set[str]:
    return {r[0] for r in hall.core.store.conn.execute("SELECT event_id FROM events "
                                                       "WHERE type != 'NumberBlockLeased'")}


def _hub_rows(net: HallNet) -> list[tuple[str, str, int]]:
    engine = db.open_engine(db.database_url(net.hub_dir, None))
    try:
        with engine.connect() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(
                select(events.c.event_id, events.c.terminal_id, events.c.terminal_seq))]
    finally:
        engine.dispose()


def _hub_events(net: HallNet) -> set[str]:
    return {r[0] for r in _hub_rows(net)}


@pytest.fixture
def net(tmp_path: Path):  # type: ignore[no-untyped-def]
    hall = HallNet(tmp_path)
    yield hall
    hall.stop()


def test_hub_killed_the_hall_keeps_one_queue(net: HallNet) -> None:
    net.start_hub()
    for name in TERMINALS:
        net.terminal(name)
    for name in ("K1", "D1", "D2"):
        net.sync(name)
    net.display("S1")
    net.wait_for("every terminal knows the others",
                 lambda: all(len(net.status(n)["peers"]) == 3 for n in TERMINALS), 30)
    halls = {n: Hall.open(net.dir(n)) for n in TERMINALS}
    try:
        net.kill_hub()
        called: dict[str, str] = {}
        for i in range(TICKETS):
            ticket = cli("ticket", "take", "--service", "newborn",
                         data_dir=net.dir("K1"))["ticket"]
            for name in ("D1", "D2", "S1"):
                net.wait_for(f"{ticket['number']} on {name}",
                             lambda n=name, t=ticket["id"]: _has(halls[n], t), 2.0)
            desk, window = ("D1", "1") if i % 2 == 0 else ("D2", "2")
            got = cli("ticket", "call", "--window", window, data_dir=net.dir(desk))
            assert got["decided_by"] == "peers", got
            assert got["ticket"]["id"] not in called
            called[got["ticket"]["id"]] = window
            cli("ticket", "no-show", "--ticket", got["ticket"]["id"], data_dir=net.dir(desk))
        assert len(called) == TICKETS
        net.wait_for("every call on the call screen",
                     lambda: len(net.lines("S1")) >= TICKETS, 2.0)
        shown = [(c["number"], c["window"]) for c in net.lines("S1") if c["kind"] == "call"]
        assert len(shown) == len(set(n for n, _w in shown)) == TICKETS
        status = net.status("D1")
        assert status["hub_reachable"] is False
        assert {p["terminal"] for p in status["peers"]} == {"D2", "K1", "S1"}
        assert all(p["last_contact_ms"] for p in status["peers"])
        # it hears every terminal of the list, the call screen among them: no "可能不完整"
        assert status["hearing"] == {"hub": False, "whole_queue": True, "unheard": [],
                                     "screens": ["S1"], "hears_anyone": True}

        net.start_hub()
        every = set().union(*(_events(h) for h in halls.values()))
        took = net.wait_for("all converge through the hub", lambda: (
            every <= _hub_events(net) and all(_events(h) == every for h in halls.values())
            and all(net.status(n)["pending"] == 0 for n in ("K1", "D1", "D2"))), 60.0)
        # How fast is bench/peers.py's figure (10 s is the target there); here a loaded CI
        # machine only bounds the wait.
        print(f"converged through the hub in {took:.1f} s")
        rows = _hub_rows(net)  # each event once at the hub, under its origin terminal
        assert len({(t, seq) for _e, t, seq in rows}) == len(rows) == len({e for e, _t, _s in rows})
        for name in ("D1", "D2"):
            assert net.status(name)["conflicts"] == []
    finally:
        for h in halls.values():
            h.close()
