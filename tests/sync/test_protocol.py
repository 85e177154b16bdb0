"""The protocol against the real server over HTTP: auth, validation, dead letters, leases."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from sqlalchemy import func, select

from hall.events import EventType
from sync import local
from sync.errors import AuthError
from sync.server.tables import dead_letters, events
from tests.conftest import OP


def _count(srv, table) -> int:
    with srv.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_enroll_push_pull_between_two_terminals(make_server, make_terminal, backend) -> None:
    srv = make_server(backend)
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    kiosk.top_up_leases()
    ticket = kiosk.hall.tickets.take(OP, "newborn").value
    assert ticket.number == "A001"  # from the hub's block
    assert kiosk.once() == {"pushed": 2, "pulled": 0, "pending": 0, "rejected": 0}
    assert desk.once()["pulled"] == 2
    assert desk.hall.tickets.get(ticket.id).number == "A001"
    assert desk.once()["pulled"] == 0  # nothing new, nothing doubled
    assert _count(srv, events) == 2


def test_unknown_and_revoked_terminals_store_nothing(make_server, make_terminal) -> None:
    from sync.server import db

    srv = make_server()
    stranger = make_terminal(srv.url, "not-a-token", "K9")
    stranger.hall.tickets.take(OP, "newborn")
    with pytest.raises(AuthError) as err:
        stranger.push()
    assert err.value.code == "unauthorized"
    token = srv.token("H1", "K8")
    revoked = make_terminal(srv.url, token, "K8")
    revoked.hall.tickets.take(OP, "newborn")
    db.revoke(srv.engine, "H1", "K8")
    with pytest.raises(AuthError) as err:
        revoked.push()
    assert err.value.code == "forbidden"
    assert _count(srv, events) == 0 and _count(srv, dead_letters) == 0


def test_enroll_code_is_one_time(make_server) -> None:
    from sync.server import db

    srv = make_server()
    code = db.new_enroll_code(srv.engine, "H1", "K1")
    with httpx.Client(base_url=srv.url) as http:
        first = http.post("/v1/enroll", json={"code": code})
        second = http.post("/v1/enroll", json={"code": code})
    assert first.status_code == 200 and first.json()["terminal_id"] == "K1"
    assert second.status_code == 401


def test_foreign_and_malformed_events_are_dead_lettered_not_blocking(make_server,
                                                                      make_terminal) -> None:
    srv = make_server()
    t = make_terminal(srv.url, srv.token("H1", "K1"), "K1", numbering="standalone")
    t.hall.tickets.take(OP, "newborn")
    with t.hall.core.write() as conn:  # a damaged event, then a foreign one, in this terminal's log
        conn.execute("INSERT INTO events (event_id, hall_id, terminal_id, terminal_seq, hlc, "
                     "type, schema_version, payload) VALUES ('00000000-0000-7000-8000-00000000000"
                     "1', 'H1', 'K1', 2, 5, 'TicketCalled', 1, '{}')")
        conn.execute("INSERT INTO events (event_id, hall_id, terminal_id, terminal_seq, hlc, "
                     "type, schema_version, payload) VALUES ('00000000-0000-7000-8000-00000000000"
                     "2', 'H2', 'K1', 3, 5, 'TicketDone', 1, '{\"ticket_id\":\"x\",\"at\":\"y\"}')")
    t.hall.tickets.take(OP, "newborn")  # seq 4, behind the bad ones
    result = t.once()
    assert result["rejected"] == 2 and result["pending"] == 0 and result["pushed"] == 2
    reasons = [r["reason"] for r in local.rejected_list(t.hall.core.store.conn)]
    assert "missing" in reasons[0] and "foreign" in reasons[1]
    assert _count(srv, events) == 2 and _count(srv, dead_letters) == 2


def test_event_far_in_the_future_is_refused_with_reason(make_server, make_terminal) -> None:
    from datetime import timedelta

    from tests.sync.conftest import offset_clock

    srv = make_server()
    t = make_terminal(srv.url, srv.token("H1", "K1"), "K1",
                      wall=offset_clock(timedelta(minutes=10)), numbering="standalone")
    t.hall.tickets.take(OP, "newborn")
    assert t.once()["rejected"] == 1
    assert "ahead of the server clock" in local.rejected_list(t.hall.core.store.conn)[0]["reason"]


def test_body_limits_and_gzip(make_server) -> None:
    srv = make_server()
    token = srv.token("H1", "K1")
    headers = {"Authorization": f"Bearer {token}", "Content-Encoding": "gzip"}
    bomb = gzip.compress(b"[" + b" " * (20 * 1024 * 1024) + b"]")
    with httpx.Client(base_url=srv.url, headers=headers) as http:
        assert http.post("/v1/sync/push", content=bomb).status_code == 413
        assert http.post("/v1/sync/push", content=b"\x1f\x8b junk").status_code == 400
        ok = http.post("/v1/sync/push", content=gzip.compress(json.dumps({"events": []}).encode()))
        assert ok.status_code == 200 and ok.json()["accepted_through_seq"] == 0
        assert http.post("/v1/sync/push", content=gzip.compress(b'{"evts": 1}')).status_code == 422


def test_stale_cursor_gets_410_and_the_client_resyncs(make_server, make_terminal) -> None:
    srv = make_server()
    a = make_terminal(srv.url, srv.token("H1", "K1"), "K1")
    b = make_terminal(srv.url, srv.token("H1", "K2"), "K2")
    a.hall.tickets.take(OP, "newborn")
    a.once()
    with b.hall.core.write() as conn:
        local.put(conn, local.CURSOR, "oldepoch.99")
    assert b.pull() == 2  # the ticket and the kiosk's lease, again, once
    assert b.pull() == 0
    # another terminal's block is in the log but never in this terminal's leases
    assert b.hall.core.store.conn.execute("SELECT COUNT(*) FROM number_leases").fetchone()[0] == 0
    with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {srv.token('H1', 'K3')}"}
                      ) as http:
        assert http.get("/v1/sync/pull", params={"cursor": "oldepoch.1"}).status_code == 410


def test_leases_never_overlap(make_server, make_terminal) -> None:
    srv = make_server()
    clients = [make_terminal(srv.url, srv.token("H1", f"K{i}"), f"K{i}", lease_series=("A",),
                             lease_size=5) for i in range(3)]
    for c in clients:
        c.top_up_leases()
    blocks = []
    for c in clients:
        rows = c.hall.core.store.conn.execute("SELECT first, last FROM number_leases").fetchall()
        blocks += [range(f, last + 1) for f, last in rows]
    numbers = [n for b in blocks for n in b]
    assert len(numbers) == len(set(numbers)) == 15
    kinds = {r[0] for r in clients[0].hall.core.store.conn.execute("SELECT type FROM events")}
    assert kinds == {EventType.NUMBER_BLOCK_LEASED}  # the grant is in the log, replayable


def test_a_lost_lease_answer_gets_the_same_block_again(make_server, make_terminal) -> None:
    srv = make_server()
    t = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",), lease_size=5)
    other = make_terminal(srv.url, srv.token("H1", "K2"), "K2", lease_series=("A",),
                          lease_size=5)
    day = t.hall.today()
    with t.hall.core.store.write() as conn:  # asked, then the answer was lost on the way back
        local.put(conn, f"lease_request:{day}:A", "req1")
    lost = t._request("POST", "/leases", body={"day": day, "series": "A", "size": 5,
                                               "request_id": "req1"})
    other.top_up_leases()
    t.top_up_leases()  # the retry
    mine = t.hall.core.store.conn.execute("SELECT first, last FROM number_leases").fetchall()
    theirs = other.hall.core.store.conn.execute("SELECT first, last FROM number_leases").fetchall()
    assert mine == [(lost["first"], lost["last"])] == [(1, 5)] and theirs == [(6, 10)]
    assert local.get(t.hall.core.store.conn, f"lease_request:{day}:A") == ""
    t.top_up_leases()  # a new request: a new block, never the old one again
    assert [r[0] for r in t.hall.core.store.conn.execute(
        "SELECT first FROM number_leases ORDER BY first")] == [1, 11]
