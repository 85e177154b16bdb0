"""One bad terminal must not stop, corrupt or command a whole hall (issue #19): every event is
checked at every hop — its payload against its type's schema (hall/event_schema.py) and its
emitter against the type's roles (hall/event_rules.py) — on the server when it is pushed and on
a terminal and the hub when they apply it. Through the real server over HTTP on SQLite and
PostgreSQL, with raw requests where a terminal would never send them."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from hall.actors import Actor
from sync import local
from sync.server.tables import dead_letters, events
from tests.conftest import OP

NOW_HLC = int(time.time() * 1000) << 16
AT = "2026-12-07T09:00:00.000+08:00"
CLERK = Actor.account("clerk1", "clerk", "1").record()
KIOSK = Actor.kiosk("K1").record()
ADMIN = Actor.account("boss", "admin").record()


def _event(terminal: str, seq: int, type_: str, payload: dict[str, Any],
           hall: str = "H1", **over: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": NOW_HLC + seq, "type": type_, "schema_version": 1,
            "payload": payload, **over}


def _ticket(number: Any = 7, label: Any = "A007", by: dict[str, Any] = KIOSK,
            **extra: Any) -> dict[str, Any]:
    return {"ticket_id": str(uuid.uuid4()), "service_id": "newborn", "series": "A",
            "number": number, "label": label, "day": "2026-12-07", "priority": "regular",
            "issued_at": AT, "leased": False, "by": by, **extra}


def _push(http: httpx.Client, token: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
    answer = http.post("/v1/sync/push", content=json.dumps({"events": batch}).encode(),
                       headers={"authorization": f"Bearer {token}",
                                "content-type": "application/json"})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _why(answer: dict[str, Any]) -> dict[int, str]:
    return {r["terminal_seq"]: r["reason"] for r in answer["rejected"]}


# -- 1. typed events: a bad payload is refused on the server -------------------------------------

def test_payloads_out_of_their_schema_are_refused_on_push(make_server) -> None:
    srv = make_server()
    desk = srv.token("H1", "D1")
    bad = [
        _ticket(number=2**64),  # stopped every terminal (OverflowError)
        _ticket(label={"a": 1}),  # a dict where a string belongs (InterfaceError)
        _ticket(label="A\u202e700"),  # a bidi override: shown reversed
        _ticket(label="A0\x0007"),  # NUL
        _ticket(label="A\ufdd0"),  # a non-character
        _ticket(number=True),  # a bool is no number
        {**_ticket(), "day": "9999-99-99"},
        {**_ticket(), "issued_at": "yesterday"},
    ]
    batch = [_event("D1", i, "TicketIssued", p) for i, p in enumerate(bad, 1)]
    batch += [_event("D1", 9, "TicketCalled", {"ticket_id": "x", "window": "W\u2066",
                                               "called_at": AT, "by": CLERK}),
              _event("D1", 10, "WindowConfigured", {"window": "1", "services": "all",
                                                    "by": ADMIN}),
              _event("D1", 11, "TicketIssued", _ticket(), schema_version=2),  # no way around
              _event("D1", 12, "TicketIssued", _ticket(number=2**64), schema_version=2),
              _event("D1", 13, "TicketIssued", _ticket())]
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        answer = _push(http, desk, batch)
    why = _why(answer)
    assert answer["accepted_through_seq"] == 13 and answer["inserted"] == 2, answer
    assert sorted(why) == [*range(1, 11), 12]
    assert all(r.startswith("invalid ") for r in why.values()), why
    assert "number" in why[1] and "label" in why[2] and "bidi" in why[3] and "NUL" in why[4]
    assert "non-character" in why[5] and "window" in why[9] and "services" in why[10]
    with srv.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(dead_letters)).scalar() == 11


# -- 2. a bad event never stops anyone: terminals and the hub check what they apply ---------------

def _store_behind_the_checks(srv: Any, batch: list[dict[str, Any]]) -> None:
    """Events a server of an older release accepted (or a restored database holds): written
    straight into the server's log, as no check of today's push would let them in."""
    rows = [{**{k: v for k, v in e.items() if k != "payload"},
             "payload": json.dumps(e["payload"]), "received_ms": 0, "pushed_by": e["terminal_id"]}
            for e in batch]
    with srv.engine.begin() as c:
        c.execute(insert(events), rows)


def test_a_bad_event_the_server_holds_stops_no_terminal_and_no_call(make_server,
                                                                  make_terminal) -> None:
    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1", role="kiosk"), "K1")
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1")
    kiosk.hall.tickets.take(OP, "newborn")
    kiosk.once()
    bad = [_event("X9", 1, "TicketIssued", _ticket(number=2**64)),
           _event("X9", 2, "TicketIssued", _ticket(label={"a": 1})),
           _event("X9", 3, "TicketIssued", _ticket(label="A\u202e01")),
           _event("X9", 4, "PersonalDataPurged", {"case_ids": ["c1"], "cutoff": AT, "at": AT,
                                                  "by": KIOSK})]
    _store_behind_the_checks(srv, bad)
    kiosk.hall.tickets.take(OP, "newborn")
    kiosk.once()
    for _ in range(2):  # every round, not only the first: nothing is retried forever
        result = desk.once()
        assert result["pending"] == 0
    conn = desk.hall.core.conn
    assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM events WHERE terminal_id = 'X9'").fetchone()[0] == 0
    conflicts = local.conflict_list(conn)
    assert sorted(c["kind"] for c in conflicts) == ["invalid"] * 4
    assert any("forbidden" in c["detail"] for c in conflicts)
    # the hub's own projection skips them too: calls go on
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        headers = {"authorization": f"Bearer {srv.token('H1', 'D2')}"}
        first = http.post("/v1/calls/next", json={"window": "1"}, headers=headers)
        second = http.post("/v1/calls/next", json={"window": "2"}, headers=headers)
    assert first.status_code == 200 and second.status_code == 200, first.text + second.text
    labels = {first.json()["label"], second.json()["label"]}
    issued = {r[0] for r in kiosk.hall.core.conn.execute("SELECT label FROM tickets")}
    assert labels == issued and len(labels) == 2, labels
    # and a desk calls from its own store as ever
    called = desk.hall.tickets.call_next(Actor.account("clerk1", "clerk", "3"), "3").value
    assert called.status == "called" and called.number in labels


def test_another_event_at_a_used_sequence_number_is_a_conflict(make_server) -> None:
    srv = make_server()
    desk = srv.token("H1", "D1")
    first = _event("D1", 1, "TicketIssued", _ticket(by=CLERK))
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        assert _push(http, desk, [first])["inserted"] == 1
        again = _push(http, desk, [first])  # the same event: a quiet retry
        assert again["rejected"] == [] and again["accepted_through_seq"] == 1
        other = _event("D1", 1, "TicketIssued", _ticket(by=CLERK))
        answer = _push(http, desk, [other, _event("D1", 2, "TicketIssued", _ticket(by=CLERK))])
    assert answer["inserted"] == 1 and answer["accepted_through_seq"] == 2
    assert [(r["terminal_seq"], r["event_id"]) for r in answer["rejected"]] == [
        (1, other["event_id"])]
    assert answer["rejected"][0]["reason"].startswith("sequence conflict")


def test_a_refused_event_becomes_a_tombstone_the_hub_forwards(make_server) -> None:
    central = make_server(role="central")
    hub = make_server("sqlite", role="hub", upstream={
        "server": central.url, "token": central.token("H1", "HUB", hub=True), "hall": "H1",
        "hub": "HUB", "wait": 0.2, "timeout": 5.0, "cap": 1.0, "idle": 0.2})
    assert hub.upstream is not None
    token = hub.token("H1", "D1")
    fast = (int(time.time() * 1000) + 10 * 60_000) << 16  # a clock ten minutes fast
    batch = [_event("D1", 1, "TicketIssued", _ticket(by=CLERK)),
             _event("D1", 2, "TicketIssued", _ticket(by=CLERK), hlc=fast),
             _event("D1", 3, "TicketIssued", _ticket(number=-1, by=CLERK)),
             _event("D1", 4, "TicketIssued", _ticket(by=CLERK))]
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        answer = _push(http, token, batch)
    assert sorted(_why(answer)) == [2, 3]
    with httpx.Client(base_url=central.url, timeout=10) as up:
        hub.upstream.push_once(_Http(up, central.token("H1", "HUB", hub=True)))
    assert hub.upstream.pending() == 0 and hub.upstream.stalled is None
    with central.engine.connect() as c:
        held = [r[0] for r in c.execute(select(events.c.terminal_seq).order_by(events.c.pos))]
        dead = c.execute(select(dead_letters.c.terminal_seq, dead_letters.c.reason)
                         .order_by(dead_letters.c.terminal_seq)).all()
    assert held == [1, 4]
    assert [d.terminal_seq for d in dead] == [2, 3]
    assert all(d.reason.startswith("refused by hub HUB") for d in dead)


def test_a_stalled_uplink_is_an_error_not_online(make_server) -> None:
    central = make_server(role="central")
    hub = make_server("sqlite", role="hub", upstream={
        "server": central.url, "token": central.token("H1", "HUB", hub=True), "hall": "H1",
        "hub": "HUB", "wait": 0.2, "timeout": 5.0, "cap": 1.0, "idle": 0.2})
    assert hub.upstream is not None
    hub.upstream.stop()  # forwarded by hand below
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        _push(http, hub.token("H1", "D1"),
              [_event("D1", s, "TicketIssued", _ticket(by=CLERK)) for s in (1, 2, 3)])
    with hub.engine.begin() as c:  # the hub lost the stream's first event (a damaged database)
        c.execute(events.delete().where(events.c.terminal_seq == 1))
    with httpx.Client(base_url=central.url, timeout=10) as up:
        http = _Http(up, central.token("H1", "HUB", hub=True))
        hub.upstream.push_once(http)
        assert hub.upstream.stalled and "stalled" in hub.upstream.stalled
        hub.upstream._push_step(http)
    status = hub.upstream.status()
    assert status["online"] is False and "stalled" in status["last_error"]["message"]


class _Http:
    """The hub's forwarding over a plain httpx client (the upstream's own transport class
    adds only retries and TLS pinning)."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.token = token

    def request(self, method: str, path: str, *, body: Any = None, **_: Any) -> Any:
        answer = self.client.request(method, f"/v1{path}", json=body,
                                     headers={"authorization": f"Bearer {self.token}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


# -- 3. roles: a kiosk or a display writes only what it is -----------------------------------------

def test_each_role_emits_only_its_event_types(make_server) -> None:
    srv = make_server()
    kiosk, display, desk = (srv.token("H1", "K1", role="kiosk"),
                            srv.token("H1", "S1", role="display"), srv.token("H1", "D1"))
    audit = {"actor": "S1", "role": "none", "action": "shown", "target": "screen",
             "outcome": "ok", "at": AT, "by": Actor.nobody().record()}
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        k = _push(http, kiosk, [
            _event("K1", 1, "TicketIssued", _ticket()),
            _event("K1", 2, "PersonalDataPurged", {"case_ids": ["c1"], "cutoff": AT, "at": AT,
                                                   "by": KIOSK}),
            _event("K1", 3, "DayClosed", {"day": "2026-12-07", "figures": {"total": 99_999},
                                          "no_shows": 0, "at": AT, "by": ADMIN}),
            _event("K1", 4, "TicketCancelled", {"ticket_id": "t", "at": AT, "by": KIOSK}),
            _event("K1", 5, "TicketIssued", _ticket(by=ADMIN)),  # claims to be an admin
            _event("K1", 6, "HelpRequested", {"request_id": "r1", "kind": "help", "at": AT,
                                              "by": KIOSK})])
        s = _push(http, display, [_event("S1", 1, "AuditRecorded", audit),
                                  _event("S1", 2, "TicketIssued", _ticket())])
        d = _push(http, desk, [
            _event("D1", 1, "TicketCalled", {"ticket_id": "t", "window": "1", "called_at": AT,
                                             "by": KIOSK}),  # a desk claiming a citizen called
            _event("D1", 2, "PersonalDataPurged", {"case_ids": ["c1"], "cutoff": AT, "at": AT,
                                                   "by": CLERK}),  # a clerk may not purge
            _event("D1", 3, "PersonalDataPurged", {"case_ids": ["c1"], "cutoff": AT, "at": AT,
                                                   "by": ADMIN})])
    assert k["inserted"] == 2 and sorted(_why(k)) == [2, 3, 4, 5]
    assert all(r.startswith("forbidden") for r in _why(k).values())
    assert "kiosk terminal may not emit PersonalDataPurged" in _why(k)[2]
    assert s["inserted"] == 1 and sorted(_why(s)) == [2]
    assert d["inserted"] == 1 and sorted(_why(d)) == [1, 2]


# -- 4. hoarding: offers and numbers ---------------------------------------------------------------

def test_a_credential_cannot_hoard_offers_or_numbers(make_server, make_terminal) -> None:
    srv = make_server()
    kiosk_token = srv.token("H1", "K1", role="kiosk")
    kiosk = make_terminal(srv.url, kiosk_token, "K1", numbering="standalone")
    for _ in range(4):
        kiosk.hall.tickets.take(OP, "newborn")
    kiosk.once()
    stolen = srv.token("H1", "D9")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        def call(token: str, window: str) -> httpx.Response:
            return http.post("/v1/calls/next", json={"window": window},
                             headers={"authorization": f"Bearer {token}"})

        def lease(token: str, day: str, size: int = 1000) -> httpx.Response:
            return http.post("/v1/leases", json={"day": day, "series": "A", "size": size},
                             headers={"authorization": f"Bearer {token}"})

        assert call(kiosk_token, "W90").status_code == 403  # a kiosk calls nobody
        assert [call(stolen, w).status_code for w in ("W90", "W91")] == [200, 200]
        third = call(stolen, "W92")
        assert third.status_code == 409 and third.json()["code"] == "offer_cap"
        honest = call(srv.token("H1", "D1"), "1")  # a real desk still gets a ticket
        assert honest.status_code == 200 and honest.json()["ticket_id"] is not None
        # numbers: today's only, and a quota per credential
        assert [lease(stolen, d).status_code for d in ("0001-01-01", "9999-12-31")] == [409, 409]
        granted = [lease(stolen, today).status_code for _ in range(21)]
        assert granted[:20] == [200] * 20 and granted[20] == 409
        assert lease(srv.token("H1", "S1", role="display"), today, 5).status_code == 403
        assert lease(srv.token("H1", "D2"), today, 5).json()["first"] == 20_001


# -- 5. every endpoint authenticates before it reads; what an outsider learns ----------------------

def test_verify_authenticates_before_it_reads_the_body(make_server) -> None:
    import socket

    srv = make_server()
    head = (b"POST /v1/codes/verify HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            b"content-type: application/json\r\ncontent-length: 300000000\r\n\r\n{\"payload\":")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(head)  # 300 MB announced, 11 bytes sent: the answer must not wait for them
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    token = srv.token("H1", "D1")
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        big = http.post("/v1/codes/verify", content=b'{"payload": "' + b"a" * 200_000 + b'"}',
                        headers={"authorization": f"Bearer {token}"})
    assert big.status_code == 413, big.text


def test_outsiders_learn_up_or_down_and_no_api_document(make_server) -> None:
    srv = make_server(trusted_proxies=["127.0.0.1"])
    docs = make_server(api_docs=True)
    desk, kiosk = srv.token("H1", "D1"), srv.token("H1", "K1", role="kiosk")
    lan = {"x-forwarded-for": "192.0.2.7"}  # a machine of the hall's LAN, through the proxy
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        assert http.get("/v1/health", headers=lan).json() == {"status": "ok"}
        assert http.get("/v1/health", headers={
            **lan, "authorization": f"Bearer {kiosk}"}).json() == {"status": "ok"}
        told = http.get("/v1/health", headers={**lan, "authorization": f"Bearer {desk}"}).json()
        assert told["role"] == "hub" and told["epoch"]
        assert http.get("/v1/health").json()["role"] == "hub"  # the hub's own machine
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert http.get(path).status_code == 404
    with httpx.Client(base_url=docs.url, timeout=10) as http:
        assert http.get("/openapi.json").status_code == 200


# -- recovery ------------------------------------------------------------------------------------

def test_recovery_over_a_refused_tail_never_skips_the_next_events(make_server,
                                                                  make_terminal) -> None:
    """The old PC pushed seq 4 and 5 and the server refused them; the store restored from
    before them takes its stream back (mark 5) and must number its next event 6, not 4."""
    from sync.client import SyncClient

    srv = make_server()
    token = srv.token("H1", "D1")
    first = make_terminal(srv.url, token, "D1", numbering="standalone")
    for _ in range(3):
        first.hall.tickets.take(OP, "newborn")
    assert first.once()["pending"] == 0
    with httpx.Client(base_url=srv.url, timeout=10) as http:
        tail = _push(http, token, [_event("D1", 4, "TicketIssued", _ticket(number=0)),
                                   _event("D1", 5, "TicketIssued", _ticket(label=""))])
    assert tail["accepted_through_seq"] == 5 and len(tail["rejected"]) == 2
    with SyncClient(first.hall, srv.url, token, timeout=5.0) as again:  # the restarted terminal
        again.once()
        ticket = first.hall.tickets.take(OP, "newborn").value
        result = again.once()
        assert result["pending"] == 0 and result["rejected"] == 0
    with srv.engine.connect() as c:
        seqs = [r[0] for r in c.execute(select(events.c.terminal_seq)
                                        .where(events.c.terminal_id == "D1")
                                        .order_by(events.c.terminal_seq))]
        labels = [json.loads(r[0])["label"] for r in c.execute(
            select(events.c.payload).where(events.c.terminal_id == "D1",
                                           events.c.type == "TicketIssued"))]
    assert seqs[-1] == 6 and ticket.number in labels


def test_a_revoked_credentials_long_poll_ends_within_the_cache_time(make_server) -> None:
    from sync.server import db

    srv = make_server(auth_ttl=0.5)
    token = srv.token("H1", "D1")
    with httpx.Client(base_url=srv.url, timeout=30) as http:
        assert http.get("/v1/sync/pull", headers={"authorization": f"Bearer {token}"}
                        ).status_code == 200  # known to the cache
        import threading

        out: dict[str, Any] = {}

        def poll() -> None:
            start = time.monotonic()
            out["answer"] = http.get("/v1/sync/pull", params={"wait": 20},
                                     headers={"authorization": f"Bearer {token}"})
            out["took"] = time.monotonic() - start

        poller = threading.Thread(target=poll)
        poller.start()
        notifier = srv.app.state.sync.notifier
        for _ in range(500):  # until the poll waits (bounded)
            if notifier.polling("H1"):
                break
            time.sleep(0.01)
        db.revoke(srv.engine, "H1", "D1")
        poller.join(25)
    assert out["answer"].status_code == 403, out["answer"].text
    assert out["took"] < 5, out["took"]
