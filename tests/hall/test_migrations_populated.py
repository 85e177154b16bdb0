"""A populated encrypted store of every earlier schema revision migrates to the head with its data
whole: the log, every projection row (the same digest over the columns it had), the sync
bookkeeping, accounts; a rebuild by today's code gives the same rows; numbering carries on.

The stores were populated by the code of their time (tests/fixtures/stores/make.py): today's
projections write columns an old schema lacks, so they cannot populate one."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.events import Event, EventType
from hall.ids import new_id
from hall.store import Store
from hall.store.eventlog import insert
from hall.store.migrate import HEAD
from hall.store.projections import PROJECTION_KEYS, apply, rebuild
from tests.conftest import OP, FakeClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stores"
REVISIONS = sorted(p.name for p in FIXTURES.iterdir() if (p / "meta.json").exists())


def _digest(conn: object, table: str, columns: list[str]) -> str:
    h = hashlib.sha256()
    for row in conn.execute(  # type: ignore[attr-defined]
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {PROJECTION_KEYS[table]}"):
        h.update(repr(row).encode())
    return h.hexdigest()[:16]


def test_every_revision_before_the_head_has_a_fixture() -> None:
    assert [f"{n:04d}" for n in range(1, int(HEAD))] == REVISIONS


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_populated_store_of_every_revision_migrates(tmp_path: Path, clock: FakeClock,
                                                      revision: str) -> None:
    shutil.copytree(FIXTURES / revision, tmp_path, dirs_exist_ok=True)
    meta = json.loads((tmp_path / "meta.json").read_text())
    store = Store.open(tmp_path)  # migrates to the head
    try:
        c = store.conn
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        assert c.execute("SELECT COUNT(*) FROM events").fetchone()[0] == meta["events"]
        for table, old in meta["tables"].items():  # every row as it was, in the columns it had
            assert _digest(c, table, old["columns"]) == old["digest"], table
        indexes = {r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'")}
        assert {"ix_tickets_waiting", "ix_tickets_number"} <= indexes
        if revision >= "0002":
            assert c.execute("SELECT value FROM sync_state WHERE key = 'pull_cursor'"
                             ).fetchone() == ("e.42",)
            assert c.execute("SELECT COUNT(*) FROM sync_conflicts").fetchone() == (1,)
        if revision >= "0003":
            assert c.execute("SELECT role FROM accounts WHERE user = 'wang'").fetchone() == (
                "clerk",)
        if revision >= "0009":  # 0010: the ask in the log, projected on its ticket
            asked = "SELECT label FROM tickets WHERE asked_ms IS NOT NULL"
            assert c.execute(asked).fetchall() == [("A002",)]
        with store.write() as w:  # today's code replays the old log to the same rows
            assert rebuild(w) == meta["events"]
        for table, old in meta["tables"].items():
            assert _digest(c, table, old["columns"]) == old["digest"], f"rebuilt {table}"
        cfg = TerminalConfig("H1", "K3", numbering="standalone")
        hall = Hall(Core(store, cfg, load_catalog(), wall=clock, index_key=b"k" * 32))
        assert hall.tickets.take(OP, "newborn").value.number == "A006"  # the counters carried on
        with store.write() as w:  # 0004: another terminal's A001 is kept, labelled apart
            twin = Event(new_id(), "H1", "K9", 2, hall.core.hlc.tick(), EventType.TICKET_ISSUED, {
                "ticket_id": new_id(), "service_id": "newborn", "series": "A", "number": 1,
                "label": "A001", "day": hall.today(), "priority": "regular",
                "issued_at": hall.core.now_iso()})
            insert(w, twin)
            apply(w, twin)
        assert sorted(r[0] for r in c.execute(
            "SELECT label FROM tickets WHERE series = 'A' AND number = 1")) == ["A001", "A001·K9"]
    finally:
        store.close()
