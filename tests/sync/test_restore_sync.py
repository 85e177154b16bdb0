"""A terminal restored from a backup on a replacement PC syncs on with the same identity: it
takes back from the hub what it wrote after the backup, and issues no number twice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hall import restore_guard
from hall.app import Hall
from hall.catalog import load_catalog
from hall.core import Core
from hall.maintenance import Maintenance
from hall.store import Store
from hall.store.engine import copy_database
from sync.client import SyncClient
from sync.server.db import new_enroll_code
from sync.server.tables import events
from tests.conftest import OP

ROOT = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"


def _cli(*args: str, data_dir: Path, stdin: str | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--json",
                           "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, input=stdin)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("after_backup", [
    0,  # the backup holds everything the terminal had pushed
    2,  # the old PC issued and pushed two more after the backup
])
def test_restored_terminal_syncs_on_without_reissuing(make_server: Any, tmp_path: Path,
                                                      after_backup: int) -> None:
    hub = make_server(role="hub")
    old = tmp_path / "old"
    _cli("setup", "--hall", "H1", "--terminal", "K3", "--hub", hub.url, data_dir=old)
    code = new_enroll_code(hub.engine, "H1", "K3")
    _cli("sync", "enroll", "--server", hub.url, "--code", code, data_dir=old)
    numbers = [_cli("ticket", "take", "--service", "newborn", data_dir=old)["ticket"]["number"]
               for _ in range(3)]
    _cli("sync", "--once", data_dir=old)
    _cli("admin", "backup", "--to", str(tmp_path / "k3.tdbak"), "--passphrase-stdin",
         data_dir=old, stdin=PASS + "\n")
    numbers += [_cli("ticket", "take", "--service", "newborn", data_dir=old)["ticket"]["number"]
                for _ in range(after_backup)]
    assert _cli("sync", "--once", data_dir=old)["pending"] == 0
    # the old PC's disk dies; the replacement gets the backup (`after_backup` tickets behind)
    new = tmp_path / "new"
    _cli("admin", "restore", "--from", str(tmp_path / "k3.tdbak"), "--passphrase-stdin",
         data_dir=new, stdin=PASS + "\n")
    synced = _cli("sync", "--once", data_dir=new)
    assert synced["rejected"] == 0, synced
    fresh = _cli("ticket", "take", "--service", "newborn", data_dir=new)["ticket"]["number"]
    assert fresh not in numbers, (fresh, numbers)
    after = _cli("sync", "--once", data_dir=new)
    assert after["pending"] == 0 and after["rejected"] == 0, after
    status = _cli("sync", "status", data_dir=new)
    assert not status.get("rejected"), status
    listed = {t["number"] for t in _cli("ticket", "list", data_dir=new)["tickets"]}
    assert set(numbers) | {fresh} <= listed


def _stream(server: Any, terminal: str = "K3") -> list[tuple[int, str]]:
    with server.engine.connect() as conn:
        return [(int(r[0]), str(r[1])) for r in conn.execute(
            select(events.c.terminal_seq, events.c.event_id).where(
                events.c.hall_id == "H1", events.c.terminal_id == terminal)
            .order_by(events.c.terminal_seq))]


@pytest.mark.parametrize("path", ["hub", "central", "hub+central"])
def test_restored_terminal_issues_before_its_first_sync(make_server: Any, backend: str,
                                                        tmp_path: Path, path: str) -> None:
    """Restored while the hub is out of reach, a kiosk keeps issuing, from a fresh series; at
    its first sync it takes back what the old PC wrote after the backup, and its own events
    (an audit entry among them) follow under numbers the hub has not used. The same with a
    terminal of the central platform, and through a hub that forwards to it (both hold the same
    stream afterwards)."""
    if path != "hub" and backend == "sqlite":
        pytest.skip("a central platform runs on PostgreSQL (the hub case covers SQLite)")
    central = None
    if path == "hub":
        hub = make_server(role="hub")
    elif path == "central":
        hub = make_server(role="central")
    else:
        central = make_server(backend, role="central")
        hub = make_server("sqlite", role="hub", upstream={
            "server": central.url, "token": central.token("H1", "HUB", hub=True),
            "hall": "H1", "hub": "HUB", "wait": 1.0, "timeout": 2.0, "cap": 1.0, "idle": 0.2})
    old = tmp_path / "old"
    _cli("setup", "--hall", "H1", "--terminal", "K3", "--hub", hub.url, data_dir=old)
    _cli("sync", "enroll", "--server", hub.url, "--code", new_enroll_code(hub.engine, "H1", "K3"),
         data_dir=old)
    take = ("ticket", "take", "--service", "newborn")
    numbers = [_cli(*take, data_dir=old)["ticket"]["number"] for _ in range(3)]
    _cli("sync", "--once", data_dir=old)
    _cli("admin", "backup", "--to", str(tmp_path / "k3.tdbak"), "--passphrase-stdin",
         data_dir=old, stdin=PASS + "\n")
    numbers += [_cli(*take, data_dir=old)["ticket"]["number"] for _ in range(2)]
    assert _cli("sync", "--once", data_dir=old)["pending"] == 0

    new = tmp_path / "new"
    restored = _cli("admin", "restore", "--from", str(tmp_path / "k3.tdbak"),
                    "--passphrase-stdin", data_dir=new, stdin=PASS + "\n")["restore"]
    assert restored["recovering"]
    offline = [_cli(*take, data_dir=new)["ticket"]["number"] for _ in range(2)]
    assert offline == ["A-K3~1-001", "A-K3~1-002"]  # a series the old PC never had
    _cli("admin", "export", "--out", str(tmp_path / "cases.jsonl"), data_dir=new)  # an audit
    assert _cli("sync", "status", data_dir=new)["recovering"]
    synced = _cli("sync", "--once", data_dir=new)
    assert (synced["pending"], synced["rejected"]) == (0, 0), synced
    assert not _cli("sync", "status", data_dir=new)["recovering"]
    check = _cli("admin", "check", data_dir=new)["check"]
    assert check["ok"], check  # the stream is gap-free again
    later = _cli(*take, data_dir=new)["ticket"]["number"]
    assert later not in numbers and "-" not in later  # a hall number from a block leased now
    assert _cli("sync", "--once", data_dir=new)["pending"] == 0
    listed = [t["number"] for t in _cli("ticket", "list", data_dir=new)["tickets"]]
    assert sorted(listed) == sorted([*numbers, *offline, later])  # every one, none twice

    stream = _stream(hub)
    assert [seq for seq, _id in stream] == list(range(1, len(stream) + 1))
    with hub.engine.connect() as conn:
        types = [r[0] for r in conn.execute(select(events.c.type).where(
            events.c.terminal_id == "K3"))]
    assert types.count("TicketIssued") == 8 and "AuditRecorded" in types
    if central is not None:  # the hub forwards the stream as the terminal left it
        assert hub.upstream is not None
        deadline = time.monotonic() + 60
        while hub.upstream.pending() or len(_stream(central)) < len(stream):
            assert time.monotonic() < deadline, "the hub did not forward the stream"
            time.sleep(0.1)
        assert _stream(central) == stream
    with Hall.open(new) as hall:  # the audit entries are append-only still
        with pytest.raises(Exception, match="append-only"):
            hall.core.conn.execute("UPDATE events SET terminal_seq = terminal_seq + 1000 "
                                   "WHERE type = 'AuditRecorded'")
        guard = restore_guard.load(hall.core.conn)
        assert guard is not None and not guard.recovering and guard.retired


def test_a_push_that_finds_the_server_ahead_takes_back_first(make_server: Any,
                                                             make_terminal: Any,
                                                             tmp_path: Path) -> None:
    """A store copied behind the program's back (no restore mark), whose first check was
    skipped: the push answer shows the server holds more of its stream than the store, so the
    client takes its events back before sending its own, instead of losing them."""
    hub = make_server(role="hub")
    token = hub.token("H1", "K3")
    first = make_terminal(hub.url, token, "K3")
    for _ in range(3):
        first.hall.tickets.take(OP, "newborn")
    first.once()
    copy = tmp_path / "copy"
    (copy / "keys").mkdir(parents=True)
    source = first.core.store.path.parent
    shutil.copy(source / "keys" / "store.key", copy / "keys" / "store.key")
    copy_database(first.core.store.conn, copy / "hall.db")
    for _ in range(2):
        first.hall.tickets.take(OP, "newborn")
    assert first.once()["pending"] == 0

    config = first.core.config
    behind = Hall(Core(Store.open(copy), config, load_catalog(), index_key=b"k" * 32))
    try:
        mine = behind.tickets.take(OP, "newborn").value  # seq 5 of the copy: the hub has one
        client = SyncClient(behind, hub.url, token, timeout=5.0)
        client._recovered = True  # as if its first check had run before the store was swapped
        with client:
            assert client.once()["pending"] == 0
        conn = behind.core.conn
        ids = {r[0] for r in conn.execute("SELECT ticket_id FROM tickets")}
        assert len(ids) == 6 and mine.id in ids  # the old PC's two, and the copy's own
        assert Maintenance(behind.core).check().ok
        assert restore_guard.load(conn) is not None  # found behind: guarded as a restore
    finally:
        behind.close()
    with hub.engine.connect() as sconn:
        seqs = [r[0] for r in sconn.execute(select(events.c.terminal_seq).where(
            events.c.terminal_id == "K3").order_by(events.c.terminal_seq))]
        held = {json.loads(r[0]).get("ticket_id") for r in sconn.execute(
            select(events.c.payload).where(events.c.type == "TicketIssued"))}
    assert seqs == list(range(1, len(seqs) + 1)) and mine.id in held
