"""Code resolvers: offline signed codes, online verification through the reference endpoint,
and a fuzz of both with random and mutated payloads (a clear CodeError, never anything else,
nothing stored from a refused code but a masked audit entry)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall.app import Hall
from hall.security import codes
from hall.security.codes import (
    CodeError,
    CodeReader,
    MemoryReplayGuard,
    SignedCodeResolver,
    StoreReplayGuard,
)
from sync.codes_client import HttpVerifier
from sync.server.verify_api import router
from tests.security.conftest import plaintext_hits, run_cli
from tests.security.samples import PEOPLE, SampleIssuer

ISSUER = SampleIssuer("HBID1.")
NAME, ID_NUMBER, _, _ = PEOPLE[0]
NOW = 1_790_000_000.0


def reader(guard: object | None = None) -> CodeReader:
    resolver = SignedCodeResolver("hb", "HBID1.", ISSUER.public_key, max_lifetime_s=600)
    return CodeReader([resolver], b"h" * 32, guard or MemoryReplayGuard())  # type: ignore[arg-type]


def test_offline_signed_code_resolves_once() -> None:
    r = reader()
    payload = ISSUER.issue(NAME, ID_NUMBER, now=NOW)
    identity = r.read(payload, now=NOW + 5)
    assert identity.verified and identity.id_number == ID_NUMBER and identity.kind == "person"
    assert ID_NUMBER not in repr(identity) and NAME not in repr(identity)
    assert identity.public()["id"] == "990000********0017"
    with pytest.raises(CodeError) as err:
        r.read(payload, now=NOW + 6)
    assert err.value.code == "code_replayed" and "已使用" in err.value.person


@pytest.mark.parametrize(("mangle", "code"), [
    (lambda p: p[: len(p) // 2], "code_truncated"),
    (lambda p: p.split(".")[0] + "." + p.split(".")[1], "code_truncated"),
    (lambda p: p + "A" * 3000, "code_oversized"),
    (lambda p: "HBID1.!!!.###", "code_garbage"),
    (lambda p: "WHAT?", "code_unknown"),
    (lambda p: p[:-3] + ("AAA" if not p.endswith("AAA") else "BBB"), "code_forged"),
    (lambda p: SampleIssuer("HBID1.").issue(NAME, ID_NUMBER, now=NOW), "code_forged"),
    (lambda p: ISSUER.issue(NAME, ID_NUMBER, now=NOW - 400), "code_expired"),
    (lambda p: ISSUER.issue(NAME, ID_NUMBER, now=NOW, lifetime_s=86400), "code_validity"),
])
def test_bad_codes_have_clear_messages(mangle: object, code: str) -> None:
    payload = mangle(ISSUER.issue(NAME, ID_NUMBER, now=NOW))  # type: ignore[operator]
    with pytest.raises(CodeError) as err:
        reader().read(payload, now=NOW + 1)
    assert err.value.code == code and err.value.person
    assert ID_NUMBER not in str(err.value)


VALID = ISSUER.issue(NAME, ID_NUMBER, now=NOW, lifetime_s=10**6 // 2000)


def _mutate(data: st.DataObject) -> str:
    p = list(VALID)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "drop"]))
        i = data.draw(st.integers(0, max(len(p) - 1, 0)))
        if op == "flip" and p:
            p[i] = data.draw(st.characters())
        elif op == "cut":
            p = p[:i]
        elif op == "insert":
            p.insert(i, data.draw(st.characters()))
        elif p:
            del p[i]
    return "".join(p)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_resolver_random_and_mutated(data: st.DataObject) -> None:
    payload = data.draw(st.one_of(
        st.text(max_size=300), st.builds(lambda s: "HBID1." + s, st.text(max_size=300)),
        st.builds(_mutate, st.data()), st.binary(max_size=64), st.integers(), st.none()))
    guard = MemoryReplayGuard()
    try:
        identity = reader(guard).read(payload, now=NOW + 1)
    except CodeError as exc:
        assert exc.code.startswith("code_") and exc.person
        assert guard.seen == {}  # nothing kept from a refused code
    else:
        assert identity.verified and identity.id_number == ID_NUMBER  # only intact codes pass


class _Server:
    def __init__(self) -> None:
        import threading
        import time

        from sync.server.run import bound_socket, server

        self.app = FastAPI()
        self.app.include_router(router)
        self.app.state.code_reader = reader()
        self.sock = bound_socket()
        port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1/codes/verify"
        self.server = server(self.app, "127.0.0.1", port)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive()
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


@pytest.fixture(scope="module")
def verify_server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.stop()


def test_online_verification_through_the_reference_endpoint(verify_server: _Server) -> None:
    client = httpx.Client(timeout=5)
    online = codes.OnlineResolver("sfm", "HBID1.", HttpVerifier(verify_server.url,
                                                                 client=client))
    terminal = CodeReader([online], b"t" * 32, MemoryReplayGuard())
    payload = ISSUER.issue(NAME, ID_NUMBER)
    identity = terminal.read(payload)
    assert identity.verified and identity.id_number == ID_NUMBER
    with pytest.raises(CodeError) as err:  # the platform saw it already
        terminal.read(payload)
    assert err.value.code == "code_replayed"
    client.close()


def test_unreachable_platform_gives_an_unverified_identity() -> None:
    online = codes.OnlineResolver("sfm", "HBID1.",
                                  HttpVerifier("http://127.0.0.1:9/verify", timeout=0.5))
    identity = CodeReader([online], b"t" * 32, MemoryReplayGuard()).read(
        ISSUER.issue(NAME, ID_NUMBER))
    assert not identity.verified and identity.id_number == ""
    online.verifier.client.close()  # type: ignore[attr-defined]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(
    st.binary(max_size=200),
    st.builds(lambda s: json.dumps({"payload": s}).encode(), st.text(max_size=3000)),
    st.builds(lambda s: json.dumps({"payload": "HBID1." + s}).encode(), st.text(max_size=200)),
    st.builds(lambda x: json.dumps(x).encode(), st.dictionaries(st.text(max_size=5),
                                                                st.integers(), max_size=3))))
def test_fuzz_verify_endpoint_never_500(verify_server: _Server, body: bytes) -> None:
    guard = verify_server.app.state.code_reader.replay
    before = dict(guard.seen)
    with httpx.Client(timeout=5) as client:
        response = client.post(verify_server.url, content=body,
                               headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 422), response.text
    assert "Traceback" not in response.text
    if response.status_code != 200:
        assert guard.seen == {k: v for k, v in before.items() if k in guard.seen}


def test_terminal_code_reading_is_audited_masked(secure_hall: Hall,
                                                 data_dir: Path) -> None:
    (data_dir / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": ISSUER.public_key, "kind": "person"}]}))
    r = codes.terminal_reader(secure_hall.core)
    assert isinstance(r.replay, StoreReplayGuard)
    payload = ISSUER.issue(NAME, ID_NUMBER)
    kiosk = secure_hall.kiosk()
    read = secure_hall.cards.read_code(kiosk, payload)
    with pytest.raises(CodeError):
        secure_hall.cards.read_code(kiosk, payload)
    with pytest.raises(CodeError):
        secure_hall.cards.read_code(kiosk, payload[:40])
    applicant = secure_hall.cards.applicant(read)
    assert applicant.verified and applicant.masked() == "测*** 990000********0017"
    assert read.birth_date == "1980-01-01" and not read.elder
    rows = secure_hall.core.store.conn.execute(
        "SELECT payload FROM events WHERE type = 'AuditRecorded'").fetchall()
    outcomes = [json.loads(p)["outcome"] for (p,) in rows]
    assert outcomes == ["verified", "code_replayed", "code_truncated"]
    assert all(payload[6:30] not in p for (p,) in rows)
    secure_hall.core.store.close()
    assert plaintext_hits([data_dir], [payload[6:40].encode()]) == []


def test_cli_code_takes_a_ticket(data_dir: Path) -> None:
    (data_dir / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": ISSUER.public_key}]}))
    payload = ISSUER.issue(NAME, ID_NUMBER)
    done = run_cli("access", "code", "--take", "newborn", "--json", data_dir=data_dir,
                   stdin=payload + "\n")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["code"]["verified"] and out["ticket"]["number"]
    assert ID_NUMBER not in done.stdout and NAME not in done.stdout
    again = run_cli("access", "code", "--json", data_dir=data_dir, stdin=payload + "\n")
    assert again.returncode == 3 and json.loads(again.stdout)["error"] == "code_replayed"
    assert "已使用" in again.stderr


def test_plugins_that_take_a_data_dir_get_the_terminals(tmp_path) -> None:
    import sys
    import types

    from hall.security.codes import load_resolvers

    seen: dict[str, object] = {}

    def factory(name: str, data_dir: str | None = None) -> object:
        seen[name] = data_dir
        return object()

    module = types.ModuleType("plugin_with_dir")
    module.factory = factory  # type: ignore[attr-defined]
    sys.modules["plugin_with_dir"] = module
    try:
        load_resolvers([{"plugin": "plugin_with_dir:factory", "name": "a"},
                        {"plugin": "plugin_with_dir:factory", "name": "b", "data_dir": "/x"}],
                       tmp_path)
    finally:
        del sys.modules["plugin_with_dir"]
    assert seen == {"a": str(tmp_path), "b": "/x"}
