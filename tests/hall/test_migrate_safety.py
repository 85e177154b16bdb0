"""An upgrade whose migration fails leaves the old store as it was, and says so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hall.errors import StoreError
from hall.store import STORE_FILE, Store, migrate
from tests.conftest import OP

ROOT = Path(__file__).resolve().parents[2]

BROKEN = '''
from alembic import op
import sqlalchemy as sa

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO scratch (id) VALUES (1)")
    op.execute("DELETE FROM tickets")  # half of a migration that then fails
    {failure}


def downgrade():
    pass
'''


def _migrations(tmp_path: Path, failure: str) -> str:
    """The real migrations plus one more revision (0099) in a folder of their own."""
    folder = tmp_path / "migrations"
    shutil.copytree(ROOT / "hall" / "store" / "migrations", folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "0099_next.py").write_text(
        BROKEN.format(head=migrate.HEAD, failure=failure), encoding="utf-8")
    return str(folder)


def _tickets(data_dir: Path, make_hall: object) -> list[str]:
    store = Store.open(data_dir)
    try:
        return [r[0] for r in store.conn.execute("SELECT label FROM tickets ORDER BY label")]
    finally:
        store.close()


@pytest.fixture
def populated(tmp_path: Path, make_hall: object) -> Path:
    hall = make_hall("t1")  # type: ignore[operator]
    for _ in range(5):
        hall.tickets.take(OP, "newborn")
    hall.core.store.close()
    return tmp_path / "t1"


def test_failed_migration_leaves_the_store_untouched(
        populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        make_hall: object) -> None:
    before = _tickets(populated, make_hall)
    assert len(before) == 5
    old_head = migrate.HEAD
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION",
                        _migrations(tmp_path, 'raise RuntimeError("simulated failure")'))
    monkeypatch.setattr(migrate, "HEAD", "0099")
    with pytest.raises(StoreError) as caught:
        Store.open(populated)
    err = caught.value
    assert err.code == "migration_failed"
    assert "simulated failure" in err.message
    assert f"from revision {old_head} to 0099" in err.message
    assert "left as it was" in err.message
    monkeypatch.undo()
    # the old version opens it as before: every ticket, no trace of the failed revision
    store = Store.open(populated)
    try:
        assert migrate.current_revision(store.conn) == old_head
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "scratch" not in tables
    finally:
        store.close()
    assert _tickets(populated, make_hall) == before
    assert sorted(p.name for p in populated.iterdir() if ".before-" in p.name) == []


def test_successful_migration_removes_its_safety_copy(
        populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", _migrations(tmp_path, "pass"))
    monkeypatch.setattr(migrate, "HEAD", "0099")
    store = Store.open(populated)
    try:
        assert migrate.current_revision(store.conn) == "0099"
        assert store.conn.execute("SELECT COUNT(*) FROM scratch").fetchone()[0] == 1
    finally:
        store.close()
    assert [p.name for p in populated.iterdir() if ".before-" in p.name] == []
    assert (populated / STORE_FILE).exists()


def test_a_migration_that_commits_half_way_is_undone_from_the_copy(
        populated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        make_hall: object) -> None:
    """Belt and braces: a revision that commits on its own (so no rollback can undo it)."""
    before = _tickets(populated, make_hall)
    location = _migrations(tmp_path, 'raise RuntimeError("after a commit")')
    script = Path(location) / "versions" / "0099_next.py"
    script.write_text(script.read_text(encoding="utf-8").replace(
        'op.execute("DELETE FROM tickets")',
        'op.execute("DELETE FROM tickets"); op.get_bind().exec_driver_sql("COMMIT")'),
        encoding="utf-8")
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", location)
    monkeypatch.setattr(migrate, "HEAD", "0099")
    with pytest.raises(StoreError) as caught:
        Store.open(populated)
    assert "put back from the copy" in caught.value.message
    monkeypatch.undo()
    assert _tickets(populated, make_hall) == before
    store = Store.open(populated)
    try:
        assert "scratch" not in {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    finally:
        store.close()
