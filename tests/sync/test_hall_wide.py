"""One hall, set up once (issue 25), through a real hub on 127.0.0.1: accounts made on one desk
sign in on another, a disable reaches an online desk, lockouts count across the hall, settings
signed by the hub reach another terminal and survive a restart and a restore, and settings not
signed by the hub are refused."""

from __future__ import annotations

import argparse
import io
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cli import sync_cmd
from hall import hall_settings
from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError
from hall.events import EventType
from hall.security.access import hash_secret
from hall.terminal_setup import setup_terminal
from sync import credential, runner
from sync.server import authority, db
from sync.settings_round import send_and_fetch
from tests.sync.conftest import RunningServer

HALL = "H1"
PW = "root-pass-1"
ARRIVAL_S = 15.0  # a bound on waiting, never the figure: bench/hall_wide.py measures that


def _enrolled(folder: Path, terminal: str, hub: RunningServer) -> Path:
    setup_terminal(folder, HALL, terminal)
    code = db.new_enroll_code(hub.engine, HALL, terminal)
    sync_cmd.enroll(argparse.Namespace(data_dir=folder, server=hub.url, code=code,
                                       insecure=False, ca=None, replace_keys=False))
    return folder


def _until(check: Callable[[], object], bound: float = ARRIVAL_S) -> float:
    """Seconds until `check()` is true (polled every 20 ms); fails past the bound."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < bound, "never arrived"
        time.sleep(0.02)
    return time.monotonic() - started


class Syncing:
    """A terminal's sync as its face runs it (runner.run_forever: push and long-poll loops)."""

    def __init__(self, folder: Path) -> None:
        self.stop = threading.Event()
        cred = credential.load(folder)
        self.thread = threading.Thread(
            target=runner.run_forever, args=(lambda: Hall.open(folder), cred, self.stop),
            kwargs={"wait": 1.0}, daemon=True)
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join(20)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[RunningServer]:
    srv = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None))
    yield srv
    srv.stop()


def _active(hall: Hall, user: str) -> int | None:
    row = hall.core.conn.execute("SELECT active FROM accounts WHERE user = ?",
                                 (user,)).fetchone()
    return None if row is None else int(row[0])


def _hub_holds(hub: RunningServer, change: str) -> bool:
    from sqlalchemy import select

    from sync.server.tables import events

    with hub.engine.connect() as conn:
        rows = conn.execute(select(events.c.payload).where(
            events.c.type == EventType.ACCOUNT_CHANGED)).all()
    return any(json.loads(r.payload).get("change") == change for r in rows)


def test_accounts_are_the_halls(hub: RunningServer, tmp_path: Path) -> None:
    authority.add_user(hub.engine, HALL, "root", "admin", hash_secret(PW))  # as serve user add
    d1_dir, d2_dir = _enrolled(tmp_path / "d1", "D1", hub), _enrolled(tmp_path / "d2", "D2", hub)
    syncs = [Syncing(d1_dir), Syncing(d2_dir)]
    try:
        with Hall.open(d1_dir) as d1, Hall.open(d2_dir) as d2:
            _until(lambda: _active(d1, "root") == 1)
            root1 = d1.accounts.sign_in("root", PW)
            d1.accounts.add(root1, "li", "clerk", "li-pass-123")
            # the event carries the scrypt hash, never the password
            payload = d1.core.conn.execute(
                "SELECT payload FROM events WHERE type = 'AccountChanged' AND "
                "json_extract(payload, '$.user') = 'li'").fetchone()[0]
            assert "li-pass-123" not in payload and '"pw_hash":"scrypt$' in payload

            _until(lambda: _active(d2, "li") == 1)
            assert d2.accounts.sign_in("li", "li-pass-123").role == "clerk"

            root2 = d2.accounts.sign_in("root", PW)
            d2.accounts.disable(root2, "li")
            with pytest.raises(AccessError) as refused:
                d2.accounts.sign_in("li", "li-pass-123")
            assert refused.value.code == "account_disabled"
            took = _until(lambda: _active(d1, "li") == 0)
            print(f"disable reached the other desk in {took:.2f} s")
            with pytest.raises(AccessError) as refused:
                d1.accounts.sign_in("li", "li-pass-123")
            assert refused.value.code == "account_disabled"

            # lockouts count across the hall: two wrong tries on D2, a third on D1
            d1.accounts.add(root1, "wang", "clerk", "wang-pass-1")
            _until(lambda: _active(d2, "wang") == 1)
            for _ in range(2):
                with pytest.raises(AccessError):
                    d2.accounts.sign_in("wang", "not-her-password")
            _until(lambda: d1.core.conn.execute(
                "SELECT failures FROM accounts WHERE user = 'wang'").fetchone()[0] == 2)
            with pytest.raises(AccessError):
                d1.accounts.sign_in("wang", "not-her-password")
            with pytest.raises(AccessError) as locked:
                d1.accounts.sign_in("wang", "wang-pass-1")
            assert locked.value.code == "locked_out"

            # offline: D1 keeps the last state it heard and says how old it is
            syncs[0].end()
            heard = d1.accounts.as_of()
            assert heard["heard_ms"] is not None and heard["age_s"] is not None
            d2.accounts.disable(root2, "li", enable=True)
            _until(lambda: _hub_holds(hub, "enable"))  # the hall knows; D1 cannot hear it
            assert _active(d1, "li") == 0
            assert d1.accounts.sign_in("root", PW).role == "admin"
    finally:
        for s in syncs:
            s.end()


def test_settings_signed_by_the_hub(hub: RunningServer, tmp_path: Path) -> None:
    authority.add_user(hub.engine, HALL, "root", "admin", hash_secret(PW))
    d1_dir, k1_dir = _enrolled(tmp_path / "d1", "D1", hub), _enrolled(tmp_path / "k1", "K1", hub)
    kiosk_sync = Syncing(k1_dir)
    try:
        with Hall.open(d1_dir) as d1, Hall.open(k1_dir) as k1:
            runner.once(d1, credential.load(d1_dir))
            root = d1.accounts.sign_in("root", PW)
            d1.accounts.add(root, "sup", "supervisor", "sup-pass-12")
            sup = d1.accounts.sign_in("sup", "sup-pass-12")
            d1.accounts.add(root, "clerk9", "clerk", "clerk-pass-9")
            with pytest.raises(AccessError):  # a clerk may not
                d1.settings.request(d1.accounts.sign_in("clerk9", "clerk-pass-9"),
                                    {"name": "x"})
            d1.settings.request(sup, {"name": "十堰市民服务中心", "kiosk_idle_s": 90,
                                      "notices": ["今日延时服务至20:00"]})
            assert d1.settings.current().version == 0  # the hub signs, not the desk
            assert send_and_fetch(d1, 0)
            mine = d1.settings.current()
            assert mine.version == 1 and mine.signed_by is not None
            assert mine.signed_by.startswith("hub:")
            assert d1.config.display_name == "十堰市民服务中心"

            _until(lambda: k1.settings.current().version == 1)
            assert k1.config.kiosk_idle_s == 90 and k1.config.hall_name == "十堰市民服务中心"
            assert k1.settings.view().settings["notices"] == ["今日延时服务至20:00"]

            # a version signed by anyone but the hub is refused: the last one stays
            forged = hall_settings.sign(b"\x01" * 32, HALL, 99, {"name": "假大厅"})
            with d1.core.write() as conn:
                d1.core.emit(conn, EventType.HALL_SETTINGS_PUBLISHED,
                             {**forged, "signed_by": mine.signed_by, "at": d1.core.now_iso()},
                             Actor.system("hub"))
            runner.once(d1, credential.load(d1_dir))
            _until(lambda: k1.core.conn.execute(
                "SELECT 1 FROM sync_conflicts WHERE kind = 'settings_refused'").fetchone())
            assert k1.settings.current().version == 1 and k1.config.hall_name != "假大厅"
            # the same on the desk that wrote it
            assert d1.settings.current().version == 1

            # a settings document changed in the store behind the hall's back is not applied
            row = k1.core.conn.execute("SELECT value FROM meta WHERE key = 'hall_settings'")
            doc = json.loads(row.fetchone()[0])
            doc["settings"]["name"] = "改过的"
            with k1.core.store.write() as conn:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'hall_settings'",
                             (json.dumps(doc),))
            assert k1.settings.current().version == 0
            assert k1.config.hall_name != "改过的"
        kiosk_sync.end()
        # a restart keeps the version (k1's tampered copy aside: d1's untouched store)
        with Hall.open(d1_dir) as again:
            assert again.settings.current().version == 1
            assert again.config.kiosk_idle_s == 90
        # and so does a restore
        from hall.backup import backup, restore

        backup(d1_dir, tmp_path / "d1.bak", "a long passphrase 1", log2_n=10)
        restore(tmp_path / "d1.bak", tmp_path / "d1-restored", "a long passphrase 1")
        with Hall.open(tmp_path / "d1-restored") as restored:
            assert restored.settings.current().version == 1
            assert restored.config.hall_name == "十堰市民服务中心"
    finally:
        kiosk_sync.end()


CliRun = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """The command line in this process (main.py's `cli.main`): secrets on stdin, one JSON
    object on stdout."""
    from cli import main

    def run(data_dir: Path, *args: str, stdin: str = "") -> tuple[int, dict[str, Any]]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main([*args, "--data-dir", str(data_dir), "--json"])
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 1, lines
        return code, json.loads(lines[0])

    return run


def test_the_command_line(tmp_path: Path, cli: CliRun) -> None:
    hub_dir = tmp_path / "hub"
    # the hall's first admin, made on a new hub data dir before its first start
    code, out = cli(hub_dir, "serve", "user", "add", "root", "--role", "admin", "--hall", HALL,
                     stdin=PW + "\n")
    assert code == 0, out
    assert out == {"user": {"user": "root", "role": "admin"}, "hall": HALL}
    hub = RunningServer(hub_dir, db.database_url(hub_dir, None))
    try:
        d1, d2 = _enrolled(tmp_path / "d1", "D1", hub), _enrolled(tmp_path / "d2", "D2", hub)
        # …and another while it runs
        code, out = cli(hub_dir, "serve", "user", "add", "root2", "--role", "admin", "--hall",
                        HALL, stdin="root2-pass-1\n")
        assert code == 0, out
        assert cli(d1, "sync")[0] == 0
        code, out = cli(d1, "access", "sign-in", "root2", stdin="root2-pass-1\n")
        assert code == 0 and out["signed_in"] == {"user": "root2", "role": "admin"}, out
        code, out = cli(d1, "access", "user", "add", "li", "--role", "clerk", "--as", "root",
                         stdin=f"{PW}\nli-pass-123\n")
        assert code == 0, out
        code, out = cli(d1, "access", "user", "add", "dept1", "--role", "department",
                         "--department", "市市场监管局", "--as", "root",
                         stdin=f"{PW}\ndept-pass-12\n")
        assert code == 0 and out["user"] == {"user": "dept1", "role": "department",
                                             "department": "市市场监管局"}
        assert cli(d1, "sync")[0] == 0 and cli(d2, "sync")[0] == 0
        code, out = cli(d2, "access", "sign-in", "li", stdin="li-pass-123\n")
        assert code == 0 and out["signed_in"] == {"user": "li", "role": "clerk"}, out
        assert isinstance(out["accounts_age_s"], int)
        code, out = cli(d2, "access", "user", "disable", "li", "--as", "root", stdin=PW + "\n")
        assert code == 0, out
        code, out = cli(d2, "access", "sign-in", "li", stdin="li-pass-123\n")
        assert code == 3 and out["error"] == "account_disabled", out
        assert cli(d2, "sync")[0] == 0 and cli(d1, "sync")[0] == 0
        code, out = cli(d1, "access", "sign-in", "li", stdin="li-pass-123\n")
        assert code == 3 and out["error"] == "account_disabled", out

        # settings: a supervisor at D1, signed by the hub, running on D2 after its sync
        cli(d1, "access", "user", "add", "sup", "--role", "supervisor", "--as", "root",
             stdin=f"{PW}\nsup-pass-12\n")
        code, out = cli(d1, "hall", "settings", "--set", "elder_age=130", "--as", "sup",
                         stdin="sup-pass-12\n")
        assert code == 2 and "elder_age" in str(out["message"]), out
        code, out = cli(d1, "hall", "settings", "--set", "name=一号大厅", "--set",
                         "elder_age=65", "--as", "sup", stdin="sup-pass-12\n")
        assert code == 0 and out["version"] == 1 and out["pending"] is False, out
        assert cli(d2, "sync")[0] == 0
        code, out = cli(d2, "hall", "settings")
        assert code == 0 and set(out) == {"version", "signed_by", "settings"}
        assert out["version"] == 1 and str(out["signed_by"]).startswith("hub:")
        assert out["settings"]["name"] == "一号大厅" and out["settings"]["elder_age"] == 65
    finally:
        hub.stop()
