"""Least keys (issue #19): a kiosk or a display seals for the hall's public key and holds no key
that opens; desks (and the hub) hold the hall's private key and open both token kinds. Through
the real hub over HTTP on 127.0.0.1, enrolled with `sync enroll` as a terminal is."""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import sync_cmd
from hall.actors import Actor
from hall.app import Hall
from hall.errors import HallError
from hall.security import keys, sealbox
from hall.security.crypto import Sealer, SealError, kid_of
from hall.security.opener import Opener
from hall.terminal_setup import setup_terminal
from sync import credential, runner
from sync.client import SyncClient
from sync.server import db
from tests.conftest import OP
from tests.sync.conftest import RunningServer

HALL = "H1"
CLERK = Actor.account("clerk1", "clerk", "1")
COMMENT = "窗口服务态度差，等了很久"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningServer]:
    srv = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    yield srv
    srv.stop()


def _enroll(hub: RunningServer, folder: Path, terminal: str, role: str,
            replace_keys: bool = False) -> dict[str, object]:
    if not (folder / "config.json").exists():
        setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(hub.engine, HALL, terminal, role=role)
    result, _ = sync_cmd.enroll(argparse.Namespace(
        data_dir=folder, server=hub.url, code=code, insecure=False, ca=None,
        replace_keys=replace_keys))
    return dict(result)


def _sync(folder: Path) -> None:
    cred = credential.load(folder)
    with Hall.open(folder) as hall:
        client = SyncClient(hall, cred.server, cred.token, timeout=5.0, lease_series=())
        try:
            for _ in range(2):
                client.once()
        finally:
            client.close()


def _candidates(folder: Path) -> set[bytes]:
    """Every 32-byte value found in the data dir: whole files, base64/hex of a file, and every
    string inside its JSON files (a credential, the config) decoded the same ways."""
    found: set[bytes] = set()

    def decoded(text: str) -> None:
        text = text.strip()
        for decode in (base64.b64decode, base64.urlsafe_b64decode, bytes.fromhex):
            try:
                value = decode(text + "=" * (-len(text) % 4) if decode != bytes.fromhex
                               else text)
            except (ValueError, binascii.Error):
                continue
            if len(value) == 32:
                found.add(value)
        if len(text.encode()) == 32:
            found.add(text.encode())

    def walk(value: object) -> None:
        if isinstance(value, str):
            decoded(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if len(raw) == 32:
            found.add(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        decoded(text)
        try:
            walk(json.loads(text))
        except ValueError:
            pass
    with Hall.open(folder) as hall:  # and every value inside the encrypted store (meta, state)
        conn = hall.core.conn
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes) and len(value) == 32:
                        found.add(value)
                    elif isinstance(value, str):
                        decoded(value)
                        if value[:1] in "{[":
                            try:
                                walk(json.loads(value))
                            except ValueError:
                                pass
    return found


def _opens(key: bytes, token: str) -> bool:
    """Whether `key`, as a hall private key or as a data key, opens `token`."""
    try:
        ring = {sealbox.public_kid(sealbox.public_of(key)): key}
        Opener(HALL, public=b"\0" * 32, ring=ring).open(token)
        return True
    except (SealError, ValueError):
        pass
    try:
        Opener(HALL, sealer=Sealer({kid_of(key): key}, kid_of(key), hall_id=HALL)).open(token)
        return True
    except SealError:
        return False


def test_a_kiosk_seals_what_only_a_desk_opens(tmp_path: Path, hub: RunningServer) -> None:
    kiosk_dir, desk_dir = tmp_path / "k1", tmp_path / "d1"
    got = _enroll(hub, kiosk_dir, "K1", "kiosk")
    assert got["role"] == "kiosk" and sorted(got["hall_keys"]) == ["hall-public", "index"]  # type: ignore[arg-type]
    assert _enroll(hub, desk_dir, "D1", "desk")["hall_keys"] == [
        "data", "index", "hall-private", "hall-public"]
    assert sorted(p.name for p in (kiosk_dir / keys.KEY_DIR).glob("*.key")) == [
        "hall-public.key", "index.key", "store.key"]
    for name in (keys.HALL_PRIVATE, keys.HALL_PUBLIC):  # the hub's pair, made by the hub
        assert keys.load(desk_dir, name) == keys.load(hub.data_dir, name)
    assert keys.load(kiosk_dir, keys.HALL_PUBLIC) == keys.load(hub.data_dir, keys.HALL_PUBLIC)

    # a ticket taken at the kiosk, served at the desk, rated at the kiosk with a comment
    with Hall.open(kiosk_dir) as kiosk:
        label = kiosk.tickets.take(OP, "newborn").value.number
    _sync(kiosk_dir)
    _sync(desk_dir)
    with Hall.open(desk_dir) as desk:
        desk.tickets.call_ticket(CLERK, label, "1")
        desk.tickets.done(CLERK, label)
    _sync(desk_dir)
    _sync(kiosk_dir)
    with Hall.open(kiosk_dir) as kiosk:
        rating = kiosk.ratings.rate(Actor.kiosk("K1"), label, 1, COMMENT).value
        token = kiosk.core.conn.execute("SELECT text FROM ratings WHERE rating_id = ?",
                                        (rating.id,)).fetchone()[0]
        assert token.startswith("ts2:x25519:") and COMMENT not in token
        with pytest.raises(SealError) as refused:  # the kiosk's own opener cannot
            kiosk.core.sealer.open(token)
        assert refused.value.code == "seal_key"
        assert kiosk.core.open_text(token, CLERK) is None
    _sync(kiosk_dir)
    # everything in the kiosk's data dir, tried as a private key and as a data key
    candidates = _candidates(kiosk_dir)
    assert keys.load(kiosk_dir, keys.HALL_PUBLIC) in candidates  # the search sees key files
    assert keys.load(kiosk_dir, keys.INDEX) in candidates
    assert not [c for c in candidates if _opens(c, token)]
    assert _opens(keys.load(hub.data_dir, keys.HALL_PRIVATE) or b"", token)  # the test can fail

    _sync(desk_dir)
    with Hall.open(desk_dir) as desk:
        assert desk.ratings.get(CLERK, rating.id).comment == COMMENT  # the desk opens ts2
        ts1 = desk.core.seal_text("desk note")
        assert ts1 is not None and ts1.startswith("ts1:")  # a desk seals as before
        assert desk.core.open_text(ts1, CLERK) == "desk note"


def test_a_display_holds_only_the_public_key_and_looks_nobody_up(
        tmp_path: Path, hub: RunningServer) -> None:
    folder = tmp_path / "s1"
    assert _enroll(hub, folder, "S1", "display")["hall_keys"] == ["hall-public"]
    assert sorted(p.name for p in (folder / keys.KEY_DIR).glob("*.key")) == [
        "hall-public.key", "store.key"]  # setup's index key is gone: a display looks nobody up
    with Hall.open(folder) as display:
        assert display.core.index_key == b""
        token = display.core.seal_text("x")
        assert token is not None and token.startswith("ts2:")
    _sync(folder)
    assert not (folder / keys.KEY_DIR / "index.key").exists()  # never made again
    # its own sync rounds (as `sync --once` and the display's loop run them) ask for no number
    # block, which the hub would refuse it (403) every round
    cred = credential.load(folder)
    assert cred.role == "display" and not cred.issues_tickets
    with Hall.open(folder) as display:
        runner.once(display, cred, wait=0.0)  # a refused lease raised here before
        assert runner.status(display.core)["last_error"] is None
        leases = display.core.store.conn.execute("SELECT COUNT(*) FROM number_leases")
        assert leases.fetchone()[0] == 0


def test_an_old_kiosk_token_opens_at_the_desk_after_the_kiosk_loses_its_keys(
        tmp_path: Path, hub: RunningServer) -> None:
    """A kiosk of the last release held the hall data key and sealed ts1; enrolled again as a
    kiosk it gives its opening keys up (only with --replace-keys, its store holding sealed data);
    its old tokens still open at the desk and no longer at the kiosk."""
    kiosk_dir, desk_dir = tmp_path / "k1", tmp_path / "d1"
    _enroll(hub, kiosk_dir, "K1", "desk")  # how every terminal was enrolled before roles
    _enroll(hub, desk_dir, "D1", "desk")
    with Hall.open(kiosk_dir) as kiosk:
        keys.discard(kiosk_dir, keys.HALL_PRIVATE)  # the last release sent no pair
        keys.discard(kiosk_dir, keys.HALL_PUBLIC)
        label = kiosk.tickets.take(OP, "newborn").value.number
        kiosk.tickets.call_ticket(OP, label, "1")
        kiosk.tickets.done(OP, label)
        old = kiosk.ratings.rate(Actor.kiosk("K1"), label, 2, COMMENT).value
        token = kiosk.core.conn.execute("SELECT text FROM ratings WHERE rating_id = ?",
                                        (old.id,)).fetchone()[0]
        assert token.startswith("ts1:aes:")
    _sync(kiosk_dir)
    with pytest.raises(HallError) as refused:
        _enroll(hub, kiosk_dir, "K1", "kiosk")
    assert refused.value.code == "opening_keys_held"
    assert keys.load(kiosk_dir, keys.DATA) is not None  # nothing dropped by the refusal
    got = _enroll(hub, kiosk_dir, "K1", "kiosk", replace_keys=True)
    assert got["dropped_keys"] == ["data"]
    with Hall.open(kiosk_dir) as kiosk:
        assert kiosk.core.open_text(token, CLERK) is None
        with pytest.raises(SealError):
            kiosk.core.sealer.open(token)
    assert not [c for c in _candidates(kiosk_dir) if _opens(c, token)]
    _sync(desk_dir)
    with Hall.open(desk_dir) as desk:
        assert desk.ratings.get(CLERK, old.id).comment == COMMENT


def test_a_desk_that_lost_the_hall_private_key_is_refused_not_blind(
        tmp_path: Path, hub: RunningServer) -> None:
    kiosk_dir, desk_dir = tmp_path / "k1", tmp_path / "d1"
    _enroll(hub, kiosk_dir, "K1", "kiosk")
    _enroll(hub, desk_dir, "D1", "desk")
    with Hall.open(kiosk_dir) as kiosk:
        label = kiosk.tickets.take(OP, "newborn").value.number
    _sync(kiosk_dir)
    _sync(desk_dir)
    with Hall.open(desk_dir) as desk:
        desk.tickets.call_ticket(CLERK, label, "1")
        desk.tickets.done(CLERK, label)
    _sync(desk_dir)
    _sync(kiosk_dir)
    with Hall.open(kiosk_dir) as kiosk:
        kiosk.ratings.rate(Actor.kiosk("K1"), label, 1, COMMENT)
    _sync(kiosk_dir)
    _sync(desk_dir)
    os.unlink(keys.key_path(desk_dir, keys.HALL_PRIVATE))
    with Hall.open(desk_dir) as desk, pytest.raises(HallError) as refused:
        desk.core.seal_text("x")
    assert refused.value.code == "seal_key" and refused.value.params["key"] == "hall-private"


def test_a_damaged_pair_from_the_server_is_refused(tmp_path: Path) -> None:
    from sync.enrollment import install_keys
    from sync.wire import EnrollResponse

    one, two = sealbox.generate(), sealbox.generate()
    got = EnrollResponse(hall_id=HALL, terminal_id="D1", token="t", role="desk", keys={
        "hall-private": base64.b64encode(one.private).decode(),
        "hall-public": base64.b64encode(two.public).decode()})
    with pytest.raises(HallError) as refused:
        install_keys(tmp_path, got, replace=True)
    assert refused.value.code == "hall_keys"
    assert not (tmp_path / keys.KEY_DIR).exists()
