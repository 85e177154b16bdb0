"""Every endpoint of the sync server fuzzed with random and mutated requests (hypothesis), on a
central platform serving two halls and on a hub serving one, over SQLite (SQLCipher) and
PostgreSQL: never a 500, never a traceback in an answer, nothing stored from a refused request;
a terminal of hall A can neither push, pull, lease nor enroll in hall B; too many requests: 429
with Retry-After, which the client honours. The shapes include lone UTF-16 surrogates sent
JSON-escaped (in values, keys, types, extra fields), NUL, huge integers, and duplicate event ids
with other content (ids another hall already holds). Bounded: examples, per-request timeouts,
a deadline."""

from __future__ import annotations

import gzip
import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hall import event_rules
from hall.event_schema import SCHEMAS
from hall.events import Event
from hall.security.codes import CodeError
from sync.backoff import Backoff
from sync.errors import NetworkError
from sync.server import db
from sync.server.app import code_reader
from sync.server.log import _last_seq
from sync.server.tables import (
    code_seen,
    credentials,
    dead_letters,
    enroll_codes,
    events,
    lease_grants,
    number_blocks,
    purged_cases,
)
from sync.transport import Http
from tests.hall.event_samples import HOSTILE, SAMPLES
from tests.security.samples import SampleIssuer
from tests.sync import pg
from tests.sync.conftest import RunningServer

ISSUER = SampleIssuer("FZ1.")
NOW_HLC = (int(time.time() * 1000)) << 16
TODAY = time.strftime("%Y-%m-%d", time.gmtime())  # leases are for today (within a day of UTC)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def cluster(backend: str) -> Iterator[pg.Cluster | None]:
    if backend == "sqlite":
        yield None
        return
    reason = pg.unavailable()
    if reason:
        pytest.skip(reason)
    made = pg.Cluster()
    yield made
    made.stop()


def _server(folder: Path, cluster: pg.Cluster | None, role: str) -> RunningServer:
    (folder / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "fz", "prefix": "FZ1.",
        "public_key": ISSUER.public_key}]}))
    url = (db.database_url(folder, None) if cluster is None
           else cluster.new_database(f"fz_{role}_{uuid.uuid4().hex[:8]}"))
    return RunningServer(folder, url, role, rate=10_000.0, burst=10_000,
                         auth_fail_rate=10_000.0, auth_fail_burst=10_000)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory,
        cluster: pg.Cluster | None) -> Iterator[RunningServer]:
    """A central platform: it serves many halls, so it is where halls could reach each other."""
    srv = _server(tmp_path_factory.mktemp("fuzzcentral"), cluster, "central")
    yield srv
    srv.stop()


def _seed(srv: RunningServer, token: str, hall: str, terminal: str) -> None:
    """Events with the ids of HELD_IDS, held by another terminal before the fuzz starts."""
    with httpx.Client(base_url=srv.url, timeout=10) as client:
        pushed = client.post("/v1/sync/push", json={"events": [
            _event(hall, terminal, i + 1, event_id=eid) for i, eid in enumerate(HELD_IDS)]},
            headers={"authorization": f"Bearer {token}"})
        assert pushed.status_code == 200 and pushed.json()["inserted"] == len(HELD_IDS)


@pytest.fixture(scope="module")
def tokens(hub: RunningServer) -> dict[str, str]:
    made = {"A": hub.token("HA", "KA"), "B": hub.token("HB", "KB")}
    _seed(hub, made["B"], "HB", "KB")
    return made


@pytest.fixture(scope="module")
def one_hall_hub(tmp_path_factory: pytest.TempPathFactory,
                 cluster: pg.Cluster | None) -> Iterator[tuple[RunningServer, dict[str, str]]]:
    """A hub: one hall (HA); "B" is another terminal of that hall, for it has no other."""
    srv = _server(tmp_path_factory.mktemp("fuzzhub"), cluster, "hub")
    made = {"A": srv.token("HA", "KA"), "B": srv.token("HA", "KB")}
    _seed(srv, made["B"], "HA", "KB")
    yield srv, made
    srv.stop()


@pytest.fixture(scope="module")
def http(hub: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, timeout=10) as client:
        yield client


def _counts(hub: RunningServer) -> dict[str, int]:
    with hub.engine.connect() as c:
        out = {t.name: int(c.execute(select(func.count()).select_from(t)).scalar() or 0)
               for t in (events, dead_letters, credentials, enroll_codes, lease_grants,
                         number_blocks, purged_cases, code_seen)}
        out["codes_used"] = int(c.execute(select(func.count()).select_from(enroll_codes).where(
            enroll_codes.c.used_ms.is_not(None))).scalar() or 0)
    return out


def _event(hall: str, terminal: str, seq: int, **over: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": NOW_HLC, "type": "WindowConfigured",
            "schema_version": 1, "payload": {"window": "1", "services": None}, **over}


HELD_IDS = [str(uuid.UUID(int=i, version=4)) for i in range(1, 4)]
# Sent JSON-escaped ("\\ud800"): valid UTF-8 on the wire, a lone surrogate once parsed.
SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc00b", "\ud83d", "张\udbff三", "\x00"])
TEXT = st.text(max_size=20) | SURROGATES
HUGE = st.sampled_from([2**31, 2**31 - 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, 10**4000])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | HUGE | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | SURROGATES,
                                                                 inner, max_size=4),
    max_leaves=20)

VALID = {
    "/v1/sync/push": {"events": [_event("HA", "KA", 1)]},
    "/v1/leases": {"day": TODAY, "series": "A", "size": 10, "request_id": "r1"},
    "/v1/calls/next": {"window": "1"},
    "/v1/enroll": {"code": "AAAA-BBBB-CCCC", "hall_id": "HA", "terminal_id": "KA"},
    "/v1/codes/verify": {"payload": "FZ1.abc"},
}
FIELDS = ["event_id", "hall_id", "terminal_id", "terminal_seq", "hlc", "type",
          "schema_version", "payload"]


@st.composite
def bodies(draw: st.DrawFn, path: str, next_seq: dict[str, int]) -> bytes:
    # Mostly mutations of a valid body: those reach validation, storage and the dead letters.
    kind = draw(st.sampled_from(["mutated"] * 6 + ["bytes", "json", "deep", "gzip-bad",
                                                   "huge"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    if kind == "deep":
        depth = draw(st.integers(10, 5000))
        return b"[" * depth + b"]" * draw(st.sampled_from([depth, 0]))
    if kind == "gzip-bad":
        return b"\x1f\x8b" + draw(st.binary(max_size=40))
    if kind == "huge":  # a number past every column, and one past Python's digit limit
        return b'{"events": [{"terminal_seq": 1' + b"0" * draw(st.sampled_from([30, 5000])) + b"}]}"
    body = json.loads(json.dumps(VALID.get(path, {"x": 1})))
    if path == "/v1/sync/push":
        ev = body["events"][0]
        ev["terminal_seq"] = next_seq["A"]  # the next of the stream, so the event is looked at
        ev["event_id"] = str(uuid.uuid4())
        field = draw(st.sampled_from([*FIELDS, "extra", "duplicate", "typed", "typed"]))
        if field == "typed":  # a payload of its type's schema with one field made hostile
            kind = draw(st.sampled_from(sorted(SAMPLES)))
            ev["type"] = kind
            ev["payload"] = dict(SAMPLES[kind])
            target = draw(st.sampled_from(sorted(SCHEMAS[kind])))
            ev["payload"][target] = draw(st.sampled_from(HOSTILE) | JSON)
        elif field == "extra":
            ev[draw(TEXT)] = draw(JSON)
        elif field == "duplicate":  # an id another hall holds, or one of this batch
            ev["event_id"] = draw(st.sampled_from(HELD_IDS))
            ev["payload"] = {"window": draw(TEXT), "services": None}
        else:
            ev[field] = draw(JSON)
        ev["hall_id"] = draw(st.sampled_from(["HA", "HB", ev["hall_id"]]))
        twin = {**ev, "terminal_seq": next_seq["A"] + 1, "payload": {"window": "2"}}
        body["events"] = draw(st.sampled_from([[ev]] * 3 + [[], [ev, twin], [ev, ev, twin]]))
    elif body:
        body[draw(st.sampled_from(sorted(body)))] = draw(JSON)
        if draw(st.booleans()):
            body[draw(st.text(max_size=6))] = draw(JSON)
    return json.dumps(body).encode()


ENDPOINTS = [("POST", "/v1/sync/push"), ("GET", "/v1/sync/pull"), ("POST", "/v1/leases"),
             ("POST", "/v1/calls/next"), ("POST", "/v1/enroll"), ("GET", "/v1/health"),
             ("POST", "/v1/codes/verify")]


# CI replays a fixed exploration (derandomized) so main stays green on what was proven;
# FUZZ_RANDOM=1 FUZZ_EXAMPLES=5000 explores afresh and is how new cases are found.
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")), deadline=None, database=None,
          derandomize=os.environ.get("FUZZ_RANDOM") != "1",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_every_endpoint(hub: RunningServer, tokens: dict[str, str], http: httpx.Client,
                             data: st.DataObject) -> None:
    _fuzz_once(hub, tokens, http, data)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")) // 2, deadline=None,
          database=None, derandomize=os.environ.get("FUZZ_RANDOM") != "1",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_a_hub_of_one_hall(one_hall_hub: tuple[RunningServer, dict[str, str]],
                                data: st.DataObject) -> None:
    srv, made = one_hall_hub
    with httpx.Client(base_url=srv.url, timeout=10) as client:
        _fuzz_once(srv, made, client, data)


def _next_seq(srv: RunningServer) -> dict[str, int]:
    with srv.engine.connect() as c:
        return {"A": _last_seq(c, "HA", "KA") + 1}


def _fuzz_once(hub: RunningServer, tokens: dict[str, str], http: httpx.Client,
               data: st.DataObject) -> None:
    method, path = data.draw(st.sampled_from([ENDPOINTS[0]] * 4 + ENDPOINTS))  # push: most
    who = data.draw(st.sampled_from(["A"] * 3 + ["B", "none", "junk"]))
    headers = {"content-type": "application/json"}
    if who in tokens:
        headers["authorization"] = f"Bearer {tokens[who]}"
    elif who == "junk":
        headers["authorization"] = data.draw(st.sampled_from(
            ["Bearer", "Bearer x", "Basic abc", "Bearer " + "a" * 500]))
    params: dict[str, str] = {}
    content: bytes | None = None
    if method == "GET":
        params = data.draw(st.dictionaries(st.sampled_from(["cursor", "limit", "wait"]),
                                           st.sampled_from(["", "0", "-1", "abc", "0.01", "1e9",
                                                            "nan", "inf", "x.99", "ZZ.1",
                                                            "9" * 30, "2001", "%ED%A0%80",
                                                            "\x00", hub.app.state.sync.epoch
                                                            + ".AAAAAAAAAAAAAAAAAAAAAA"]),
                                           max_size=3))
    else:
        content = data.draw(bodies(path, _next_seq(hub)))
        if data.draw(st.booleans()):
            content = gzip.compress(content)
            headers["content-encoding"] = "gzip"
    before = _counts(hub)
    response = http.request(method, path, content=content, params=params, headers=headers)
    assert response.status_code < 500 or (response.status_code == 503 and path
                                           == "/v1/codes/verify"), response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    if response.status_code >= 300:
        assert _counts(hub) == before, (method, path, response.status_code, response.text)
    # What the examples reached (pytest --hypothesis-show-statistics): refusals by kind.
    event(f"{path} {response.status_code}")
    if path == "/v1/sync/push" and response.status_code == 200:
        # what was stored passes every hop's check: no event a terminal would refuse to apply
        with hub.engine.connect() as c:
            for r in c.execute(select(events).order_by(events.c.pos.desc()).limit(
                    response.json()["inserted"])):
                stored = Event(r.event_id, r.hall_id, r.terminal_id, r.terminal_seq, r.hlc,
                               r.type, json.loads(r.payload), r.schema_version)
                assert event_rules.refusal(stored) is None, (r.type, r.payload)
        for refused in response.json()["rejected"]:
            event(f"push refused: {refused['reason'].split(':')[0]}")


def test_nan_and_unencodable_bodies_are_refused_not_500(http: httpx.Client) -> None:
    """Found by the fuzz: NaN in a body made the validation error itself unencodable (500)."""
    for body in (b"[null, null, null, NaN]", b'{"code": Infinity}', b'{"code": -Infinity}'):
        response = http.post("/v1/enroll", content=body,
                             headers={"content-type": "application/json"})
        assert response.status_code == 400, response.text
    response = http.post("/v1/codes/verify", content=b'{"payload": NaN}',
                         headers={"content-type": "application/json"})
    assert response.status_code in (401, 422), response.text  # FastAPI's own validation path
    response = http.post("/v1/enroll", json={"code": ["张三"]})
    assert response.status_code == 422
    assert "张三" not in response.text and '"input"' not in response.text  # input not echoed


def test_hall_a_cannot_reach_into_hall_b(hub: RunningServer, tokens: dict[str, str],
                                         http: httpx.Client) -> None:
    a = {"authorization": f"Bearer {tokens['A']}"}
    b = {"authorization": f"Bearer {tokens['B']}"}
    def next_seq(auth: dict[str, str]) -> int:
        mark = http.post("/v1/sync/push", json={"events": []}, headers=auth).json()
        return 1 + int(mark["accepted_through_seq"])

    seq_b, seq_a = next_seq(b), next_seq(a)
    mine_b = _event("HB", "KB", seq_b, payload={"window": "secret-of-B", "services": None})
    assert http.post("/v1/sync/push", json={"events": [mine_b]}, headers=b).status_code == 200
    # push: hall B's stream, as hall A's terminal
    before = _counts(hub)
    pushed = http.post("/v1/sync/push", json={"events": [_event("HB", "KB", seq_a)]},
                       headers=a).json()
    assert pushed["rejected"] and pushed["rejected"][0]["reason"].startswith("foreign event")
    with hub.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(events).where(
            events.c.hall_id == "HB")).scalar() == before["events"] - _hall_events(hub, "HA")
    # pull: nothing of hall B, whatever the cursor
    for cursor in ("", None):
        got = http.get("/v1/sync/pull", params={"cursor": cursor or "", "limit": 2000},
                       headers=a).json()
        assert all(e["hall_id"] == "HA" for e in got["events"])
        assert "secret-of-B" not in json.dumps(got)
    # leases: hall A's numbers, never touching hall B's series
    first_b = http.post("/v1/leases", json={"day": TODAY, "series": "Q", "size": 5},
                        headers=b).json()
    got_a = http.post("/v1/leases", json={"day": TODAY, "series": "Q", "size": 5},
                      headers=a).json()
    assert first_b["first"] == got_a["first"] == 1  # each hall counts its own
    # enroll: a code of hall B, asked for by hall A's terminal: refused and not spent
    code_b = db.new_enroll_code(hub.engine, "HB", "KB2")
    before = _counts(hub)
    refused = http.post("/v1/enroll", json={"code": code_b, "hall_id": "HA",
                                            "terminal_id": "KA"})
    assert refused.status_code == 403
    assert _counts(hub) == before
    ok = http.post("/v1/enroll", json={"code": code_b, "hall_id": "HB", "terminal_id": "KB2"})
    assert ok.status_code == 200
    replay = http.post("/v1/enroll", json={"code": code_b, "hall_id": "HB",
                                           "terminal_id": "KB2"})
    assert replay.status_code == 401 and "used" in replay.json()["detail"]


def _hall_events(hub: RunningServer, hall: str) -> int:
    with hub.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(events).where(
            events.c.hall_id == hall)).scalar() or 0)


def test_verify_endpoint_needs_the_terminal_credential(hub: RunningServer,
                                                        tokens: dict[str, str],
                                                        http: httpx.Client) -> None:
    payload = ISSUER.issue("测试人", "990000200001010017")
    assert http.post("/v1/codes/verify", json={"payload": payload}).status_code == 401
    ok = http.post("/v1/codes/verify", json={"payload": payload},
                   headers={"authorization": f"Bearer {tokens['A']}"})
    assert ok.status_code == 200 and ok.json()["verified"] is True
    again = http.post("/v1/codes/verify", json={"payload": payload},
                      headers={"authorization": f"Bearer {tokens['A']}"})
    assert again.status_code == 422 and again.json()["error"] == "code_replayed"
    restarted = code_reader(hub.engine, hub.data_dir)  # used codes outlive a server restart
    with pytest.raises(CodeError) as err:
        restarted.read(payload)
    assert err.value.code == "code_replayed"


def test_too_many_requests_429_with_retry_after(tmp_path: Path) -> None:
    srv = RunningServer(tmp_path / "slow", db.database_url(tmp_path / "slow", None), "hub",
                        rate=0.5, burst=3)
    try:
        token, other = srv.token("H1", "K1"), srv.token("H1", "K2")
        with httpx.Client(base_url=srv.url, timeout=5) as http:
            auth = {"authorization": f"Bearer {token}"}
            codes = [http.get("/v1/sync/pull", headers=auth).status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
            busy = http.get("/v1/sync/pull", headers=auth)
            assert busy.status_code == 429 and int(busy.headers["retry-after"]) >= 1
            assert http.get("/v1/sync/pull", headers={
                "authorization": f"Bearer {other}"}).status_code == 200  # per terminal
        client = Http(srv.url, token, timeout=5)
        try:
            with pytest.raises(NetworkError) as err:
                client.request("GET", "/sync/pull")
        finally:
            client.close()
        assert err.value.retry_after is not None and err.value.retry_after >= 1
        assert Backoff(base=0.01, cap=60).next_delay(err.value.retry_after) >= 1  # honoured
    finally:
        srv.stop()
