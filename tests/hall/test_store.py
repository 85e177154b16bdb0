"""The store: migrations, a corrupt or foreign file, a full disk, rebuild."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from hall.app import Hall
from hall.core import Core
from hall.errors import DomainError, StoreError
from hall.store import Store
from hall.store.eventlog import iter_events
from hall.store.migrate import HEAD, alembic_config
from hall.store.projections import PROJECTION_KEYS, digest, rebuild
from hall.store.schema import PROJECTIONS, metadata
from tests.conftest import OP


def test_head_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_migrated_tables_match_the_metadata(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        for table in metadata.sorted_tables:
            cols = {r[1] for r in store.conn.execute(f"PRAGMA table_info({table.name})")}
            assert cols == {c.name for c in table.columns}, table.name
        indexes = {r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'")}
        assert indexes == {i.name for t in metadata.sorted_tables for i in t.indexes}
    finally:
        store.close()
    assert {t.name: ", ".join(c.name for c in t.primary_key.columns)
            for t in PROJECTIONS} == PROJECTION_KEYS


def test_reopen_does_not_migrate_again(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    store = Store.open(tmp_path)
    assert store.conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    store.close()


def test_corrupt_file_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "hall.db").write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError, match="not a hall store, or damaged") as err:
        Store.open(tmp_path)
    assert err.value.code == "store_corrupt"
    assert (tmp_path / "hall.db").read_bytes().startswith(b"this is not")  # left as it was


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "hall.db")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program") as err:
        Store.open(tmp_path)
    assert err.value.code == "store_foreign"


def test_rebuild_gives_identical_tables(hall: Hall, clock) -> None:
    for service in ("newborn", "restaurant_opening", "newborn"):
        hall.tickets.take(OP, service)
        clock.advance(30)
    hall.tickets.call_next(OP, "1")
    hall.tickets.done(OP, "A001")
    hall.tickets.take(OP, "newborn", "elder")
    before = digest(hall.core.store.conn)
    with hall.core.write() as conn:
        count = rebuild(conn)
    assert count == 6
    assert digest(hall.core.store.conn) == before



def test_a_ticket_s_moves_heard_before_its_issue_are_projected_when_it_comes(
        make_hall, clock) -> None:
    """A store may hear a ticket's call and done before its issue (a hub's log, in the order
    the terminals pushed: issue 29's soak). They are set aside, projected when the issue comes,
    and a rebuild in the same log order ends in the same tables."""
    from sync import local
    from sync.wire import WireEvent

    kiosk = make_hall("kiosk", terminal_id="K1")
    ticket = kiosk.tickets.take(OP, "newborn").value
    kiosk.tickets.call_next(OP, "1")
    clock.advance(60)
    kiosk.tickets.done(OP, ticket.id)
    events = [WireEvent(event_id=e.event_id, hall_id=e.hall_id, terminal_id=e.terminal_id,
                        terminal_seq=e.terminal_seq, hlc=e.hlc, type=e.type,
                        schema_version=e.schema_version, payload=e.payload)
              for e in iter_events(kiosk.core.store.conn)]
    issue = [w for w in events if w.type == "TicketIssued"]
    moves = [w for w in events if w.type in ("TicketCalled", "TicketDone")]
    assert len(issue) == 1 and len(moves) == 2
    hub = make_hall("hub", terminal_id="HUB")
    with hub.core.write(source="sync") as conn:
        local.absorb(conn, moves)
    with hub.core.write(source="sync") as conn:
        local.absorb(conn, [w for w in events if w not in moves])
    seen = hub.tickets.get(ticket.id)
    assert (seen.status, seen.window) == ("done", "1")
    assert local.conflict_list(hub.core.store.conn) == []
    before = digest(hub.core.store.conn)
    with hub.core.write() as conn:
        rebuild(conn)
    assert digest(hub.core.store.conn) == before


def _mount_tmpfs(path: Path, size: str) -> bool:
    if shutil.which("mount") is None:
        return False
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    return done.returncode == 0


def test_full_disk_gives_a_clear_error_and_loses_nothing(tmp_path: Path, make_hall) -> None:
    small = tmp_path / "small"
    if not _mount_tmpfs(small, "2m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        from hall.catalog import load_catalog
        from hall.config import TerminalConfig
        from tests.conftest import FakeClock

        clock = FakeClock(__import__("datetime").datetime(2026, 11, 23, 9, 0,
                          tzinfo=__import__("zoneinfo").ZoneInfo("Asia/Shanghai")))
        hall = Hall(Core(Store.open(small), TerminalConfig("H1", "K3"), load_catalog(),
                           wall=clock, index_key=b"k" * 32))
        issued: list[str] = []
        with pytest.raises(StoreError) as err:
            for _ in range(100_000):
                issued.append(hall.tickets.take(OP, "newborn").value.number)
                clock.advance(1)
        assert err.value.code == "disk_full" and "nothing was written" in err.value.message
        assert len(issued) > 10
        hall.core.store.close()
        # Every ticket reported as issued is there after reopening; the log has no gap.
        reopened = Store.open(small)
        labels = {r[0] for r in reopened.conn.execute("SELECT label FROM tickets")}
        assert set(issued) <= labels
        seqs = [r[0] for r in reopened.conn.execute("SELECT terminal_seq FROM events ORDER BY 1")]
        assert seqs == list(range(1, len(seqs) + 1))
        reopened.close()
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)


def test_domain_refusal_leaves_no_trace(hall: Hall) -> None:
    with pytest.raises(DomainError):
        hall.tickets.take(OP, "newborn", "vip")
    assert hall.core.store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
