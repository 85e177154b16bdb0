"""TLS on the hall's LAN: `serve init-tls`, a terminal pinning its hall's CA at enrollment and
refusing any other CA, plain HTTP only on loopback or with --insecure, and the hall keys handed
to terminals at enrollment (never in clear over the LAN)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hall.errors import ConfigError
from hall.security import keys
from sync import enrollment, tls
from sync.errors import AuthError, NetworkError
from sync.server import db
from tests.sync.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Any]:
    started: list[RunningServer] = []

    def make(name: str, *, with_tls: bool = True, **options: Any) -> RunningServer:
        folder = tmp_path / name
        made = tls.init_tls(folder, ["localhost", "127.0.0.1"]) if with_tls else None
        srv = RunningServer(folder, db.database_url(folder, None), "hub", tls=made, **options)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_init_tls_writes_private_keys_0600(tmp_path: Path) -> None:
    made = tls.init_tls(tmp_path, ["hub.hall.lan", "192.168.1.10"])
    for key in (made.ca_key, made.cert.with_name(tls.SERVER_KEY)):
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    again = tls.init_tls(tmp_path, ["hub.hall.lan"])  # a new certificate, the same CA
    assert again.fingerprint == made.fingerprint
    assert tls.init_tls(tmp_path, replace=True).fingerprint != made.fingerprint


def _handshake(made: tls.TlsFiles, name: str) -> bool:
    """A real TLS handshake on 127.0.0.1 with the hub's certificate, the client pinned to the
    hall CA and checking `name` (a DNS name or an IP address) as the host it asked for."""
    import socket
    import ssl
    import threading

    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(made.cert, made.key)
    client_ctx = ssl.create_default_context(cafile=str(made.ca_cert))
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def serve() -> None:
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass
        worker = threading.Thread(target=serve)
        worker.start()
        try:
            with socket.create_connection(listener.getsockname(), timeout=10) as raw, \
                    client_ctx.wrap_socket(raw, server_hostname=name):
                return True
        except ssl.SSLCertVerificationError:
            return False
        finally:
            worker.join(timeout=10)


def test_init_tls_host_adds_to_the_names_already_covered(tmp_path: Path) -> None:
    first = tls.init_tls(tmp_path)  # the hub unit's first start: the defaults
    assert set(first.hosts) >= {"localhost", "127.0.0.1"} and first.changed
    assert _handshake(first, "localhost") and not _handshake(first, "192.0.2.2")
    added = tls.init_tls(tmp_path, ["192.0.2.2", "HUB.hall.lan"])  # the technician names the LAN
    assert added.changed and added.fingerprint == first.fingerprint  # the same hall CA
    for name in ("localhost", "127.0.0.1", "192.0.2.2", "hub.hall.lan"):
        assert _handshake(added, name), name  # kept and added: enrolled terminals still connect
    cert = added.cert.read_bytes()
    again = tls.init_tls(tmp_path, ["192.0.2.2"])  # every start of the unit: nothing to do
    assert not again.changed and added.cert.read_bytes() == cert
    with pytest.raises(ConfigError):
        tls.init_tls(tmp_path, [" "])
    ca = added.ca_cert.read_bytes()
    added.ca_key.unlink()  # the CA key kept off the hub, as docs/security.md advises
    assert not tls.init_tls(tmp_path, ["hub.hall.lan"]).changed  # covered: no key needed
    with pytest.raises(ConfigError) as err:
        tls.init_tls(tmp_path, ["10.0.0.9"])  # a new name needs the key: refused, CA kept
    assert "ca.key" in err.value.message and added.ca_cert.read_bytes() == ca


def test_cli_init_tls_reports_every_name(tmp_path: Path) -> None:
    done = _cli("serve", "init-tls", "--data-dir", str(tmp_path), "--host", "192.0.2.2", "--json")
    hosts = json.loads(done.stdout)["hosts"]
    assert "192.0.2.2" in hosts and "localhost" in hosts and "127.0.0.1" in hosts
    again = json.loads(_cli("serve", "init-tls", "--data-dir", str(tmp_path), "--host",
                            "10.1.2.3", "--json").stdout)
    assert set(again["hosts"]) == {*hosts, "10.1.2.3"} and again["changed"] is True


def test_pinned_ca_accepted_other_ca_refused(servers: Any, make_terminal: Any,
                                             tmp_path: Path) -> None:
    hall_a = servers("hallA")
    other = tls.init_tls(tmp_path / "elsewhere", ["localhost", "127.0.0.1"])  # another CA
    assert hall_a.tls is not None
    token = hall_a.token("H1", "K1")
    good = make_terminal(hall_a.url, token, "K1", ca=str(hall_a.tls.ca_cert))
    assert good.once()["pending"] == 0
    bad = make_terminal(hall_a.url, token, "K1", ca=str(other.ca_cert))
    with pytest.raises(NetworkError) as err:
        bad.pull()
    assert "CERTIFICATE_VERIFY_FAILED" in str(err.value)
    with pytest.raises(NetworkError):  # the enrollment of a terminal pinning another CA
        enrollment.spend(hall_a.url, db.new_enroll_code(hall_a.engine, "H1", "K2"),
                         ca=str(other.ca_cert))
    with pytest.raises(ConfigError) as missing:  # https without a CA to pin
        make_terminal(hall_a.url, token, "K1")
    assert missing.value.code == "tls_ca_missing"


def test_plain_http_only_on_loopback_or_insecure() -> None:
    tls.check_url("http://127.0.0.1:8470")
    tls.check_url("http://[::1]:8470")
    tls.check_url("http://192.168.1.10:8470", insecure=True)
    with pytest.raises(tls.InsecureTransport) as err:
        tls.check_url("http://192.168.1.10:8470")
    assert "--insecure" in err.value.message
    with pytest.raises(tls.InsecureTransport):
        tls.check_bind("0.0.0.0", None, None, insecure=False)
    tls.check_bind("127.0.0.1", None, None, insecure=False)
    tls.check_bind("0.0.0.0", None, None, insecure=True)


def test_cli_refuses_plain_http_off_loopback(tmp_path: Path) -> None:
    served = _cli("serve", "--host", "0.0.0.0", "--port", "9", "--data-dir", str(tmp_path / "s"),
                  "--json")
    assert served.returncode != 0 and "--tls-cert" in served.stderr
    enrolled = _cli("sync", "enroll", "--server", "http://192.0.2.1:8470", "--code", "AAAA-BBBB",
                    "--data-dir", str(tmp_path / "t"), "--json")
    assert enrolled.returncode != 0 and "--insecure" in enrolled.stderr, enrolled.stderr


def test_cli_init_tls_then_enroll_pins_and_receives_hall_keys(servers: Any,
                                                               tmp_path: Path) -> None:
    made = json.loads(_cli("serve", "init-tls", "--data-dir", str(tmp_path / "hub"), "--host",
                           "localhost", "--host", "127.0.0.1", "--json").stdout)
    hub_tls = tls.TlsFiles(Path(made["ca"]), Path(made["ca"]).with_name(tls.CA_KEY),
                           Path(made["cert"]), Path(made["key"]), made["ca_fingerprint"])
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None), "hub",
                        tls=hub_tls)
    try:
        term = tmp_path / "term"
        assert _cli("setup", "--hall", "H1", "--terminal", "K1", "--hub", hub.url,
                    "--data-dir", str(term), "--json").returncode == 0
        wrong = db.new_enroll_code(hub.engine, "H2", "K1")
        refused = _cli("sync", "enroll", "--server", hub.url, "--code", wrong, "--ca",
                       made["ca"], "--data-dir", str(term), "--json")
        assert refused.returncode != 0 and "does not enroll" in refused.stderr
        code = db.new_enroll_code(hub.engine, "H1", "K1")
        done = _cli("sync", "enroll", "--server", hub.url, "--code", code, "--ca", made["ca"],
                    "--data-dir", str(term), "--json")
        assert done.returncode == 0, done.stderr
        desk_keys = ["data", "index", "hall-private", "hall-public"]  # a desk's (keys.ROLE_KEYS)
        assert json.loads(done.stdout)["hall_keys"] == desk_keys
        for name in desk_keys:  # the hall's keys, the same as the hub's
            assert keys.load(term, name) == keys.load(tmp_path / "hub", name)
            assert stat.S_IMODE(os.stat(keys.key_path(term, name)).st_mode) == 0o600
        cred = json.loads((term / "sync.json").read_text())
        assert cred["ca"] == tls.PINNED_CA and (term / tls.PINNED_CA).read_bytes() == Path(
            made["ca"]).read_bytes()
        synced = _cli("sync", "--once", "--data-dir", str(term), "--json")
        assert synced.returncode == 0, synced.stderr
        replay = _cli("sync", "enroll", "--server", hub.url, "--code", code, "--ca", made["ca"],
                      "--data-dir", str(term), "--json")
        assert replay.returncode != 0 and "used" in replay.stderr
        # the hub's own database is SQLCipher: no SQLite header, no plain hall id
        raw = (tmp_path / "hub" / db.SERVER_DB).read_bytes()
        assert not raw.startswith(b"SQLite format 3") and b"WindowConfigured" not in raw
    finally:
        hub.stop()


def test_no_hall_keys_in_clear_over_the_lan(servers: Any) -> None:
    """Keys go only over TLS or loopback: a plain-HTTP hub seen from a LAN address sends none."""
    hub = servers("plain", with_tls=False)
    got = enrollment.spend(hub.url, db.new_enroll_code(hub.engine, "H1", "K1"))
    assert got.keys is not None  # loopback
    code = db.new_enroll_code(hub.engine, "H1", "K2")

    async def from_the_lan() -> httpx.Response:  # the same hub, asked from a LAN address
        transport = httpx.ASGITransport(app=hub.app, client=("192.168.1.20", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as lan:
            return await lan.post("/v1/enroll", json={"code": code})

    answer = asyncio.run(from_the_lan())
    assert answer.status_code == 200 and answer.json()["keys"] is None
    with pytest.raises(AuthError):
        enrollment.spend(hub.url, "AAAA-BBBB-CCCC")


def test_online_code_verification_over_the_pinned_tls_with_the_credential(
        tmp_path: Path) -> None:
    from hall.security.codes import CodeReader, MemoryReplayGuard
    from sync import codes_client, credential
    from tests.security.samples import SampleIssuer

    issuer = SampleIssuer("HBID1.")
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": issuer.public_key}]}))
    made = tls.init_tls(folder, ["127.0.0.1"])
    hub = RunningServer(folder, db.database_url(folder, None), "hub", tls=made)
    try:
        term = tmp_path / "term"
        term.mkdir()
        tls.pin(term, str(made.ca_cert))
        credential.save(term, credential.SyncCredential(hub.url, hub.token("H1", "K1"), "H1",
                                                        "K1", ca=tls.PINNED_CA))
        resolver = codes_client.online_resolver("sfm", "HBID1.", data_dir=str(term))
        reader = CodeReader([resolver], b"t" * 32, MemoryReplayGuard())
        try:
            identity = reader.read(issuer.issue("测试人", "990000200001010017"))
        finally:
            resolver.verifier.close()  # type: ignore[attr-defined]
        assert identity.verified and identity.id_number == "990000200001010017"
        other = tls.init_tls(tmp_path / "other", ["127.0.0.1"])
        tls.pin(term, str(other.ca_cert))  # pinned to another CA: the platform is "away"
        resolver = codes_client.online_resolver("sfm", "HBID1.", data_dir=str(term))
        try:
            unverified = CodeReader([resolver], b"t" * 32, MemoryReplayGuard()).read(
                issuer.issue("测试人", "990000200001010017"))
        finally:
            resolver.verifier.close()  # type: ignore[attr-defined]
        assert not unverified.verified
    finally:
        hub.stop()


def test_hub_forwards_to_a_tls_central_pinning_its_ca(tmp_path: Path) -> None:
    """`serve enroll --ca` pins the central platform's CA for the hub's upstream link."""
    from sqlalchemy import func, select

    from hall.app import Hall
    from hall.catalog import load_catalog
    from hall.config import TerminalConfig
    from hall.core import Core
    from hall.store import Store
    from sync import credential
    from sync.client import SyncClient
    from sync.server.run import UPSTREAM_FILE
    from sync.server.tables import events
    from tests.sync.fill import fill, until

    central_dir = tmp_path / "central"
    made = tls.init_tls(central_dir, ["127.0.0.1"])
    central = RunningServer(central_dir, db.database_url(central_dir, None), "central", tls=made)
    hub = None
    try:
        hub_dir = tmp_path / "hub"
        code = db.new_enroll_code(central.engine, "H1", "HUB", hub=True)
        done = _cli("serve", "enroll", "--data-dir", str(hub_dir), "--upstream", central.url,
                    "--code", code, "--ca", str(made.ca_cert), "--json")
        assert done.returncode == 0, done.stderr
        cred = credential.load(hub_dir, UPSTREAM_FILE)
        assert cred.ca == str(hub_dir / "upstream-ca.pem")
        hub = RunningServer(hub_dir, db.database_url(hub_dir, None), "hub", upstream={
            "server": cred.server, "token": cred.token, "hall": "H1", "hub": "HUB",
            "ca": cred.ca, "wait": 0.5, "timeout": 2.0, "cap": 1.0, "idle": 0.2})
        hall = Hall(Core(Store.open(tmp_path / "k1"), TerminalConfig(
            hall_id="H1", terminal_id="K1", numbering="standalone", short_code="K1"),
            load_catalog(), index_key=b"k" * 32))
        try:
            with SyncClient(hall, hub.url, hub.token("H1", "K1"), timeout=5.0) as client:
                fill(hall, 20)
                until(lambda: client.once()["pending"] == 0)
        finally:
            hall.core.store.close()

        def forwarded() -> int:
            with central.engine.connect() as c:
                return int(c.execute(select(func.count()).select_from(events)).scalar() or 0)

        deadline = time.monotonic() + 30
        while forwarded() < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert forwarded() == 20
        assert hub.upstream is not None and hub.upstream.online
    finally:
        if hub is not None:
            hub.stop()
        central.stop()
