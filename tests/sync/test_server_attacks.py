"""The platform server under attack (an outsider with a stolen or a foreign credential), through
the real server over HTTP on SQLite and PostgreSQL: no 500, no silent loss, no hall reaching
another. One test (or a few) per finding of the attack report; docs/security.md lists them."""

from __future__ import annotations

import concurrent.futures
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from sync import local
from sync.server import db
from sync.server.app import MAX_POLLS, create_app
from sync.server.tables import dead_letters, enroll_codes, events
from tests.conftest import OP
from tests.sync.conftest import RunningServer

NOW_HLC = int(time.time() * 1000) << 16
TODAY = time.strftime("%Y-%m-%d", time.gmtime())  # leases are for today (within a day of UTC)
TOMORROW = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))


def _event(hall: str, terminal: str, seq: int, **over: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": NOW_HLC, "type": "WindowConfigured",
            "schema_version": 1, "payload": {"window": "1", "services": None}, **over}


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


def _push(http: httpx.Client, token: str, batch: list[dict[str, Any]],
          raw: bytes | None = None) -> httpx.Response:
    # json.dumps escapes a lone surrogate as \ud800: the bytes on the wire are valid UTF-8.
    content = raw if raw is not None else json.dumps({"events": batch}).encode()
    return http.post("/v1/sync/push", content=content, headers=_auth(token))


def _count(srv: RunningServer, table: Any, *where: Any) -> int:
    with srv.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)


# -- 1. A malformed event answers 500 and blocks its stream ---------------------------------------

def test_unstorable_events_are_dead_lettered_one_by_one(make_server) -> None:
    srv = make_server()
    token = srv.token("H1", "K1")
    window = {"window": "1", "services": None}
    batch = [
        _event("H1", "K1", 1),
        _event("H1", "K1", 2, payload={**window, "n": "\ud800"}),  # in the payload
        _event("H1", "K1", 3, type="WindowConfigured\udfff"),  # in the type
        _event("H1", "K1", 4, note="\ud800"),  # in an extra field's value
        _event("H1", "K1", 5, **{"x\udc00": 1}),  # in an extra field's name
        _event("H1", "K1", 6, payload={**window, "k\ud83d": 1}),  # in a payload key
        _event("H1", "K1", 7, schema_version=10**30),  # bigger than its column
        _event("H1", "K1", 8, payload={**window, "big": "@INF@"}),  # 1e400 parses as inf
        _event("H1", "K1", 9, type="Window\x00Configured"),  # NUL: PostgreSQL text holds none
        _event("H1", "K1", 10),
    ]
    raw = json.dumps({"events": batch}).replace('"@INF@"', "1e400").encode()
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        first = _push(http, token, batch, raw)
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["accepted_through_seq"] == 10 and body["inserted"] == 2
        assert [r["terminal_seq"] for r in body["rejected"]] == list(range(2, 10))
        why = {r["terminal_seq"]: r["reason"] for r in body["rejected"]}
        assert all("surrogate" in why[s] or "unicode" in why[s] for s in (2, 3, 6))
        reasons = " | ".join(why.values())
        assert "schema_version" in reasons
        assert "out of range" in reasons and "NUL" in reasons and "Extra inputs" in reasons
        again = _push(http, token, batch, raw)  # a retry: nothing new, nothing sunk
        assert again.status_code == 200 and again.json()["inserted"] == 0
        assert again.json()["accepted_through_seq"] == 10 and again.json()["rejected"] == []
        other = srv.token("H1", "K2")
        pulled = http.get("/v1/sync/pull", headers=_auth(other)).json()
        assert [e["terminal_seq"] for e in pulled["events"]] == [1, 10]
    with srv.engine.connect() as c:
        dead = c.execute(select(dead_letters.c.terminal_seq, dead_letters.c.type,
                                dead_letters.c.reason, dead_letters.c.body)
                         .order_by(dead_letters.c.terminal_seq)).all()
    assert [d.terminal_seq for d in dead] == list(range(2, 10))
    # stored escaped: readable JSON that says what came, in text any database holds
    assert "\\ud800" in dead[0].body and json.loads(dead[0].body)["payload"]["n"] == "\ud800"
    assert dead[1].type == "WindowConfigured\\udfff" and "\\x00" in dead[7].type
    for d in dead:
        for text in (d.type, d.reason, d.body):
            text.encode("utf-8")
            assert "\x00" not in text


def test_a_hub_forwarding_an_unstorable_event_does_not_stall_its_hall(make_server) -> None:
    central = make_server(role="central")
    hub = central.token("H1", "HUB", hub=True)
    batch = [_event("H1", "K1", 1, payload={"window": "\ud800", "services": None}),
             _event("H1", "K1", 2), _event("H1", "K2", 1),
             _event("H1", "K2", 2, schema_version=2**31), _event("H1", "K2", 3)]
    with httpx.Client(base_url=central.url, timeout=10) as http:
        answer = _push(http, hub, batch)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == {"K1": 2, "K2": 3}
    assert [(r["terminal_seq"], r["reason"][:10]) for r in answer.json()["rejected"]] == [
        (1, "malformed:"), (2, "malformed:")]
    assert _count(central, events) == 3 and _count(central, dead_letters) == 2


# -- 2. A duplicate event_id with different content is dropped silently ----------------------------

def test_a_duplicate_event_id_with_other_content_is_refused_visibly(make_server,
                                                                   make_terminal) -> None:
    central = make_server(role="central")
    squatter = central.token("H2", "X1")
    genuine = make_terminal(central.url, central.token("H1", "K1"), "K1",
                            numbering="standalone")
    genuine.hall.tickets.take(OP, "newborn")
    stolen = genuine.hall.core.conn.execute(
        "SELECT event_id FROM events ORDER BY terminal_seq LIMIT 1").fetchone()[0]
    with httpx.Client(base_url=central.url, timeout=10) as http:
        # a terminal of another hall that learned the id first, in its own stream
        first = _push(http, squatter, [_event("H2", "X1", 1, event_id=stolen)])
        assert first.json()["inserted"] == 1
        result = genuine.once()
        assert result["rejected"] == 1 and result["pending"] == 0
        # the genuine terminal sees why; the server keeps the event in its dead letters
        seen = local.rejected_list(genuine.hall.core.conn)
        assert [r["event_id"] for r in seen] == [stolen]
        assert seen[0]["reason"].startswith("duplicate event_id")
        assert _count(central, dead_letters, dead_letters.c.event_id == stolen,
                      dead_letters.c.hall_id == "H1") == 1
        # the same id twice in one batch, with other content: the second is refused
        twin = str(uuid.uuid4())
        k9 = central.token("H1", "K9")
        pair = [_event("H1", "K9", 1, event_id=twin),
                _event("H1", "K9", 2, event_id=twin, payload={"window": "2", "services": None})]
        answer = _push(http, k9, pair).json()
        assert answer["inserted"] == 1 and answer["accepted_through_seq"] == 2
        assert [(r["terminal_seq"], r["reason"][:19]) for r in answer["rejected"]] == [
            (2, "duplicate event_id:")]
        # the same event again is an idempotent retry: neither stored twice nor refused
        retry = _push(http, k9, pair).json()
        assert retry["inserted"] == 0 and retry["rejected"] == []
    with central.engine.connect() as c:
        held = c.execute(select(events.c.hall_id, events.c.payload).where(
            events.c.event_id == twin)).one()
    assert held.hall_id == "H1" and json.loads(held.payload)["window"] == "1"


def test_a_hub_keeps_an_upstream_event_under_a_held_id_visibly(make_server, backend) -> None:
    """The same id and content from the upstream is skipped quietly; the same id with other
    content is refused on both sides (each keeps the other's copy in its dead letters). The
    hub's link is driven by hand here, one round each way, so the order is the test's."""
    from sync.credential import SyncCredential
    from sync.server.upstream import Upstream
    from sync.transport import Http

    central = make_server(backend, role="central")
    hub = make_server("sqlite", role="hub", hall="H1")
    link = Upstream(hub.engine, SyncCredential(central.url, central.token("H1", "HUB", hub=True),
                                               "H1", "HUB"))
    same, clash = str(uuid.uuid4()), str(uuid.uuid4())
    with httpx.Client(base_url=central.url, timeout=10) as to_central, \
            httpx.Client(base_url=hub.url, timeout=10) as to_hub:
        # K1 writes to both (the hub was away a moment); K2, on the hub, an id K1 also used
        assert _push(to_hub, hub.token("H1", "K1"), [_event("H1", "K1", 1, event_id=same)]
                     ).json()["inserted"] == 1
        assert _push(to_hub, hub.token("H1", "K2"), [_event("H1", "K2", 1, event_id=clash)]
                     ).json()["inserted"] == 1
        assert _push(to_central, central.token("H1", "K1"), [
            _event("H1", "K1", 1, event_id=same), _event("H1", "K1", 2, event_id=clash)]
                     ).json()["inserted"] == 2
    http = Http(central.url, link.cred.token, timeout=10)
    try:
        link.push_once(http)  # K2's event: refused by the central platform, visibly
        assert link.pull_once(http) == 0  # K1's: one known, one refused here, visibly
    finally:
        http.close()

    def reasons(srv: RunningServer) -> list[str]:
        with srv.engine.connect() as c:
            return sorted(r[0][:30] for r in c.execute(select(dead_letters.c.reason).where(
                dead_letters.c.event_id == clash)))

    assert reasons(hub) == ["from upstream: duplicate event", "upstream refused: duplicate ev"]
    assert reasons(central) == ["duplicate event_id: the server"]
    assert _count(hub, events, events.c.event_id == same) == 1
    assert _count(hub, dead_letters, dead_letters.c.event_id == same) == 0


# -- 3. A hub hands its hall keys to terminals of any hall -----------------------------------------

def test_a_hub_serves_one_hall_and_gives_its_keys_to_that_hall_only(make_server) -> None:
    hub = make_server()
    early = db.new_enroll_code(hub.engine, "H2", "T1")  # made before the hub's hall was fixed
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        first = http.post("/v1/enroll", json={"code": db.new_enroll_code(hub.engine, "H1", "K1")})
        assert first.status_code == 200 and first.json()["keys"] is not None
        foreign = http.post("/v1/enroll", json={"code": early})
        assert foreign.status_code == 403, foreign.text
        assert "serves hall H1" in foreign.json()["detail"] and "keys" not in foreign.json()
        assert _count(hub, enroll_codes, enroll_codes.c.used_ms.is_(None)) == 1  # unspent
        with pytest.raises(db.HubHallError, match="serves hall H1"):
            db.new_enroll_code(hub.engine, "H2", "T2")
        second = http.post("/v1/enroll", json={"code": db.new_enroll_code(hub.engine, "H1", "K2")})
        assert second.json()["keys"] == first.json()["keys"]


def test_a_central_platform_hands_out_no_keys(make_server) -> None:
    central = make_server(role="central")
    with httpx.Client(base_url=central.url, timeout=10) as http:
        for hall in ("H1", "H2"):
            got = http.post("/v1/enroll", json={"code": db.new_enroll_code(central.engine, hall,
                                                                           "K1")})
            assert got.status_code == 200 and got.json()["keys"] is None


def test_a_hub_told_its_hall_refuses_other_halls(make_server, tmp_path) -> None:
    central = make_server(role="central")  # a database with credentials of two halls
    h1, h2 = central.token("H1", "K1"), central.token("H2", "K1")
    url = central.database_url
    with pytest.raises(db.HubHallError, match="--hall"):
        create_app(central.engine, role="hub", data_dir=central.data_dir)
    hub = RunningServer(central.data_dir, url, "hub", hall="H1")
    try:
        with httpx.Client(base_url=hub.url, timeout=10) as http:
            assert http.get("/v1/sync/pull", headers=_auth(h1)).status_code == 200
            refused = http.get("/v1/sync/pull", headers=_auth(h2))
            assert refused.status_code == 403 and "serves hall H1" in refused.text
            code = db.new_enroll_code(central.engine, "H1", "K5")
            with pytest.raises(db.HubHallError):
                db.new_enroll_code(hub.engine, "H2", "K5")
            assert http.post("/v1/enroll", json={"code": code}).status_code == 200
    finally:
        hub.stop()


@pytest.mark.parametrize("backend", ["sqlite"])  # the CLI opens its data dir's database
def test_enroll_code_for_another_hall_on_a_hub_is_a_clear_cli_error(make_server) -> None:
    import subprocess
    import sys

    from tests.sync.test_hub_cli import ROOT

    hub = make_server()
    hub.token("H1", "K1")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "enroll-code",
                           "--data-dir", str(hub.data_dir), "--hall", "H2", "--terminal", "K1",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    answer = json.loads(done.stdout)
    assert answer["error"] == "hub_hall" and "serves hall H1" in answer["message"]


# -- 4. One hall's long-polls slow every hall ------------------------------------------------------

def test_long_polls_wake_only_their_hall_and_are_capped(make_server) -> None:
    srv = make_server(role="central")
    k1, k2, x1 = srv.token("H1", "K1"), srv.token("H1", "K2"), srv.token("H2", "X1")
    state = srv.app.state.sync
    with httpx.Client(base_url=srv.url, timeout=30) as http, \
            concurrent.futures.ThreadPoolExecutor(MAX_POLLS) as pool:
        cursor = http.get("/v1/sync/pull", headers=_auth(k1)).json()["cursor"]

        def poll() -> httpx.Response:
            with httpx.Client(base_url=srv.url, timeout=30) as own:
                return own.get("/v1/sync/pull", params={"cursor": cursor, "wait": 20},
                               headers=_auth(k1))

        held = [pool.submit(poll) for _ in range(MAX_POLLS)]
        deadline = time.monotonic() + 10
        while state.polls.get(("H1", "K1"), 0) < MAX_POLLS:
            assert time.monotonic() < deadline, "the long-polls did not arrive"
            time.sleep(0.02)
        extra = http.get("/v1/sync/pull", params={"cursor": cursor, "wait": 20},
                         headers=_auth(k1), timeout=5)
        assert extra.status_code == 429 and extra.headers["retry-after"] == "1"
        for seq in (1, 2, 3):  # another hall pushes: hall H1's polls are not woken
            assert _push(http, x1, [_event("H2", "X1", seq)]).json()["inserted"] == 1
        time.sleep(0.5)
        assert state.notifier.woken == 0 and not any(f.done() for f in held)
        assert _push(http, k2, [_event("H1", "K2", 1)]).json()["inserted"] == 1
        answers = [f.result(timeout=10) for f in held]  # their hall: answered at once
    assert [len(a.json()["events"]) for a in answers] == [1] * MAX_POLLS
    assert state.notifier.woken == MAX_POLLS and state.polls == {}


@pytest.mark.parametrize("backend", ["postgresql"])
def test_several_processes_on_one_postgresql(make_server) -> None:
    """Two server processes on one database (two apps, two engines): a push on one wakes a
    long-poll held by the other (LISTEN/NOTIFY), and one stream pushed through both at once is
    stored once, in order (the hall's advisory lock), never a 500."""
    one = make_server(role="central")
    url = one.database_url
    two = RunningServer(one.data_dir / "two", url, "central")
    try:
        k1, k2 = one.token("H1", "K1"), one.token("H1", "K2")
        listening = time.monotonic() + 10
        while not (two.app.state.sync.listener and two.app.state.sync.listener.listening.is_set()):
            assert time.monotonic() < listening
            time.sleep(0.02)
        with httpx.Client(base_url=two.url, timeout=30) as on_two, \
                httpx.Client(base_url=one.url, timeout=30) as on_one, \
                concurrent.futures.ThreadPoolExecutor(4) as pool:
            cursor = on_two.get("/v1/sync/pull", headers=_auth(k2)).json()["cursor"]
            started = time.monotonic()
            held = pool.submit(on_two.get, "/v1/sync/pull", params={
                "cursor": cursor, "wait": 20}, headers=_auth(k2))
            time.sleep(0.3)
            assert _push(on_one, k1, [_event("H1", "K1", 1)]).json()["inserted"] == 1
            assert len(held.result(timeout=10).json()["events"]) == 1
            assert time.monotonic() - started < 10
            for round_ in range(5):  # one stream through both processes at once
                batch = [_event("H1", "K1", 2 + round_ * 20 + i) for i in range(20)]
                a = pool.submit(_push, on_one, k1, batch)
                b = pool.submit(_push, on_two, k1, batch)
                got = [a.result(timeout=30), b.result(timeout=30)]
                assert [g.status_code for g in got] == [200, 200], [g.text for g in got]
                assert sorted(g.json()["inserted"] for g in got) == [0, 20]
        assert _count(one, dead_letters) == 0
        with one.engine.connect() as c:
            seqs = [r[0] for r in c.execute(select(events.c.terminal_seq).where(
                events.c.terminal_id == "K1").order_by(events.c.pos))]
        assert seqs == list(range(1, 102))
    finally:
        two.stop()


# -- 5. Rate limits can be sidestepped -------------------------------------------------------------

def test_forwarded_for_is_believed_only_from_a_trusted_proxy(make_server) -> None:
    def enroll(target: RunningServer, hops: list[str]) -> list[int]:
        with httpx.Client(base_url=target.url, timeout=10) as http:
            return [http.post("/v1/enroll", json={"code": "AAAA-BBBB-CCCC"},
                              headers={"x-forwarded-for": hop}).status_code for hop in hops]

    fresh = [f"10.0.0.{i}" for i in range(15)]
    # by default a local client cannot buy a fresh bucket per request
    codes = enroll(make_server(rate=0.5, burst=10), fresh)
    assert codes[:10] == [401] * 10 and codes[10:] == [429] * 5
    # behind the configured proxy, each client address has its own
    proxied = make_server(rate=0.5, burst=10, trusted_proxies=["127.0.0.1"])
    assert enroll(proxied, fresh) == [401] * 15
    # and what the client wrote left of the proxy's hop proves nothing
    forged = enroll(proxied, [f"10.9.{i}.1, 10.0.0.99" for i in range(12)])
    assert forged[:10] == [401] * 10 and forged[10:] == [429] * 2


def test_failed_authentication_is_limited_per_source_before_the_lookup(make_server) -> None:
    srv = make_server(auth_fail_rate=0.1, auth_fail_burst=5, auth_ttl=2.0)  # PostgreSQL's: 60 s
    good = srv.token("H1", "K1")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        assert http.get("/v1/sync/pull", headers=_auth(good)).status_code == 200
        lookups: list[str] = []

        def seen(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
            if "credentials" in statement:
                lookups.append(statement)

        sa_event.listen(srv.engine, "before_cursor_execute", seen)
        try:
            codes = [http.get("/v1/sync/pull", headers=_auth(f"stolen-{i}")).status_code
                     for i in range(20)]
            time.sleep(2.5)  # past the cache: the good credential is looked up again
            assert http.get("/v1/sync/pull", headers=_auth(good)).status_code == 200
        finally:
            sa_event.remove(srv.engine, "before_cursor_execute", seen)
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 15
    assert len(lookups) == 6  # the five that failed, and the good one: none for the rest


def test_a_flood_of_keys_evicts_full_buckets_not_everyone(make_server) -> None:
    srv = make_server(rate=1.0, burst=3, max_keys=3)
    t, a, b, c = (srv.token("H1", f"K{i}") for i in range(4))
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        def get(token: str) -> int:
            return http.get("/v1/sync/pull", headers=_auth(token)).status_code

        assert [get(t) for _ in range(4)] == [200, 200, 200, 429]
        assert get(a) == get(b) == 200
        time.sleep(1.2)  # a and b are full again; t has one token back
        assert get(t) == 200
        assert get(c) == 200  # a fourth key: a full bucket (a's) makes room
        assert get(t) == 429  # t is still held to its rate


def test_push_is_limited_by_events_not_only_requests(make_server) -> None:
    srv = make_server(event_rate=5.0, event_burst=40)
    token = srv.token("H1", "K1")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        assert _push(http, token, [_event("H1", "K1", i) for i in range(1, 31)]).status_code == 200
        busy = _push(http, token, [_event("H1", "K1", i) for i in range(31, 61)])
    assert busy.status_code == 429 and int(busy.headers["retry-after"]) >= 4
    assert _count(srv, events) == 30


# -- 6. Small leaks and loose checks ---------------------------------------------------------------

def test_cursors_reveal_nothing_of_other_halls(make_server) -> None:
    srv = make_server(role="central")
    x1, x2 = srv.token("H2", "X1"), srv.token("H2", "X2")
    k1, k2 = srv.token("H1", "K1"), srv.token("H1", "K2")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        assert _push(http, x1, [_event("H2", "X1", i) for i in range(1, 31)]).status_code == 200
        assert _push(http, k1, [_event("H1", "K1", i) for i in range(1, 3)]).status_code == 200
        theirs = http.get("/v1/sync/pull", headers=_auth(x2)).json()["cursor"]
        epoch = srv.app.state.sync.epoch
        probes = [http.get("/v1/sync/pull", params={"cursor": f"{epoch}.{n}"},
                           headers=_auth(k2)) for n in range(0, 40)]
        assert {(p.status_code, p.text) for p in probes} == {(410, probes[0].text)}
        assert http.get("/v1/sync/pull", params={"cursor": theirs},
                        headers=_auth(k2)).text == probes[0].text  # another hall's cursor
        mine = http.get("/v1/sync/pull", headers=_auth(k2)).json()
        assert len(mine["events"]) == 2 and not mine["cursor"].split(".")[1].isdigit()
        again = http.get("/v1/sync/pull", params={"cursor": mine["cursor"]}, headers=_auth(k2))
        assert again.status_code == 200 and again.json()["events"] == []
        assert again.json()["cursor"] == mine["cursor"]


def test_lease_day_must_be_an_ascii_calendar_date(make_server) -> None:
    srv = make_server()
    token = srv.token("H1", "K1")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        def lease(day: str) -> int:
            return http.post("/v1/leases", json={"day": day, "series": "A", "size": 5},
                             headers=_auth(token)).status_code

        assert [lease(d) for d in ("9999-99-99", "٢٠٢٦-٠١-٠١", "2026-02-30", "２０２６-01-01",
                                   "2026-1-01")] == [422] * 5
        assert lease(TODAY) == 200


def test_a_reused_lease_request_id_with_other_terms_is_refused(make_server) -> None:
    srv = make_server()
    token = srv.token("H1", "K1")
    ask = {"day": TODAY, "series": "A", "size": 5, "request_id": "r1"}
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        def lease(**over: Any) -> httpx.Response:
            return http.post("/v1/leases", json={**ask, **over}, headers=_auth(token))

        assert lease().json() == {"day": TODAY, "series": "A", "first": 1, "last": 5}
        assert lease().json()["first"] == 1  # a retry: the same block
        for other in ({"series": "B"}, {"size": 6}, {"day": TOMORROW}):
            refused = lease(**other)
            assert refused.status_code == 409 and "new id" in refused.json()["detail"]
        assert lease(request_id="r2").json()["first"] == 6
