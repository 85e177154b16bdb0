"""Numbers across terminals: leases from the hub, the fallback series while it is away, clocks
off by minutes, a day boundary offline. SYNC_TICKETS sets tickets per terminal (issue: 2,000)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hall.store.projections import digest
from sync import local
from sync.errors import NetworkError
from tests.conftest import OP
from tests.sync.faultproxy import FaultProxy

PER = int(os.environ.get("SYNC_TICKETS", "500"))


def _try(step: Any) -> None:
    try:
        step()
    except NetworkError:
        pass  # the hub is away: issuing goes on


def _converge(terms: list[Any]) -> None:
    for _ in range(3):
        for t in terms:
            t.once()


def test_four_terminals_one_series_hub_away_and_back(make_server, make_terminal, backend) -> None:
    srv = make_server(backend)
    with FaultProxy(srv.port) as proxy:
        terms = [make_terminal(proxy.url, srv.token("H1", f"K{i}"), f"K{i}", timeout=2.0,
                               lease_series=("A",), lease_size=20, low_water=5)
                 for i in range(4)]
        for i in range(PER):
            proxy.down = PER // 3 <= i < 2 * PER // 3
            for t in terms:
                t.hall.tickets.take(OP, "newborn")
                if i % 10 == 0:
                    _try(t.once)
        proxy.down = False
        _converge(terms)
    labels: list[str] = []
    for t in terms:
        conn = t.hall.core.store.conn
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 4 * PER
        assert local.conflict_list(conn) == []
        assert local.pending(conn, t.hall.config.terminal_id) == 0
        labels = [r[0] for r in conn.execute("SELECT label FROM tickets")]
    assert len(labels) == len(set(labels)) == 4 * PER  # zero duplicate numbers
    assert any("-" in lb for lb in labels) and any("-" not in lb for lb in labels)
    views = [{k: v for k, v in digest(t.hall.core.store.conn).items() if k != "number_leases"}
             for t in terms]
    assert all(v == views[0] for v in views)  # identical queue projections everywhere


def test_clocks_ten_minutes_off(make_server, make_terminal) -> None:
    from tests.sync.conftest import offset_clock

    srv = make_server()
    slow = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",),
                         wall=offset_clock(timedelta(minutes=-10)))
    fast = make_terminal(srv.url, srv.token("H1", "K2"), "K2", lease_series=("A",),
                         wall=offset_clock(timedelta(minutes=4)))
    wrong = make_terminal(srv.url, srv.token("H1", "K3"), "K3", lease_series=(),
                          numbering="standalone", wall=offset_clock(timedelta(minutes=10)))
    for t in (slow, fast):
        t.once()
    a = fast.hall.tickets.take(OP, "newborn").value
    fast.once()
    slow.once()
    b = slow.hall.tickets.take(OP, "newborn").value  # after seeing a: its clock moved past a's
    hlcs = dict(slow.hall.core.store.conn.execute(
        "SELECT json_extract(payload, '$.ticket_id'), hlc FROM events WHERE type='TicketIssued'"))
    assert hlcs[b.id] > hlcs[a.id]
    assert {a.number, b.number} == {"A001", "A051"}  # leased blocks, whatever the clocks
    wrong.hall.tickets.take(OP, "newborn")
    assert wrong.once()["rejected"] == 1
    reason = local.rejected_list(wrong.hall.core.store.conn)[0]["reason"]
    assert "ahead of the server clock" in reason


def test_day_boundary_while_offline(make_server, make_terminal) -> None:
    srv = make_server()
    shanghai_now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    midnight = shanghai_now.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = {"d": (midnight - shanghai_now) - timedelta(seconds=30)}  # 23:59:30 yesterday

    def wall() -> datetime:
        return datetime.now(UTC) + offset["d"]

    with FaultProxy(srv.port) as proxy:
        t = make_terminal(proxy.url, srv.token("H1", "K1"), "K1", lease_series=("A",),
                          wall=wall, timeout=2.0)
        other = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
        t.once()
        day1 = t.hall.today()
        proxy.down = True
        before = [t.hall.tickets.take(OP, "newborn").value for _ in range(3)]
        offset["d"] += timedelta(seconds=60)  # past midnight, still offline
        day2 = t.hall.today()
        after = [t.hall.tickets.take(OP, "newborn").value for _ in range(3)]
        _try(t.once)
        proxy.down = False
        t.once()
        later = t.hall.tickets.take(OP, "newborn").value
        t.once()
    assert day2 != day1
    assert [x.day for x in before] == [day1] * 3 and [x.number for x in before] == [
        "A001", "A002", "A003"]
    assert [x.day for x in after] == [day2] * 3
    assert [x.number for x in after] == ["A-K1-001", "A-K1-002", "A-K1-003"]
    # the hub's block for the new day, after yesterday's A001-A003 that still wait: a number is
    # never issued twice while its first holder can be called (hall/numbering.py carried_over)
    assert later.day == day2 and later.number == "A004"
    other.once()
    days = dict(other.hall.core.store.conn.execute("SELECT label || '@' || day, day FROM tickets"))
    assert sorted(days.values()) == sorted([day1] * 3 + [day2] * 4)
