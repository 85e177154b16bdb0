"""Every database error the project catches, caught through the store's error mapping
(hall/store/engine.py: sqlite3's and sqlcipher3's exceptions are unrelated classes) and each
`except` exercised here on the encrypted store (the sync ones in tests/sync/test_db_errors.py)."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from hall.errors import StoreError
from hall.security import keys
from hall.store import Store, engine
from hall.store.migrate import current_revision
from tests.conftest import ROOT

SOURCES = ("hall", "sync", "cli", "devices", "tests", "ui", "kiosk", "desk", "bench", "main.py")


def _handlers_naming_sqlite3() -> list[str]:
    found = []
    for top in SOURCES:
        base = ROOT / top
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in files:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ExceptHandler) and node.type is not None and any(
                        isinstance(n, ast.Name) and n.id == "sqlite3"
                        for n in ast.walk(node.type)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_except_names_one_driver() -> None:
    """`except sqlite3.X` never fires for the SQLCipher store's own exception classes."""
    assert _handlers_naming_sqlite3() == []


def test_the_mapping_names_both_drivers() -> None:
    from sqlcipher3 import dbapi2

    for name in ("Error", "DatabaseError", "IntegrityError", "OperationalError"):
        assert set(getattr(engine, name)) == {getattr(sqlite3, name), getattr(dbapi2, name)}


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    Store.open(tmp_path).close()
    return tmp_path


@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.2)  # a locked store answers in 0.2 s


def _raw(folder: Path) -> sqlite3.Connection:
    return engine.open_with_key(folder / "hall.db", keys.load(folder, keys.STORE) or b"")


def test_a_failing_migration_is_a_store_error(store_dir: Path) -> None:
    """Store.open: `except DatabaseError` around the schema upgrade."""
    conn = _raw(store_dir)
    conn.execute("DROP TABLE tickets")
    conn.execute("UPDATE alembic_version SET version_num = '0003'")
    conn.close()
    with pytest.raises(StoreError, match="no such table: tickets"):
        Store.open(store_dir)


def test_a_store_locked_for_writing_is_busy(store_dir: Path, quick_busy: None) -> None:
    """Store.write: `except DatabaseError` around BEGIN IMMEDIATE."""
    store = Store.open(store_dir)
    other = _raw(store_dir)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as err, store.write():
            pass
        assert err.value.code == "store_busy"
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_a_refused_write_is_rolled_back_as_a_store_error(store_dir: Path) -> None:
    """Store.write: `except DatabaseError` around the body and COMMIT (sqlcipher3's
    IntegrityError here)."""
    store = Store.open(store_dir)
    try:
        with pytest.raises(StoreError, match="UNIQUE"), store.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('app', 'again')")
        assert not store.conn.in_transaction
    finally:
        store.close()


def test_reading_the_revision_with_a_wrong_key(store_dir: Path) -> None:
    """migrate.current_revision: `except DatabaseError`."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(store_dir / "hall.db"))
    conn.execute(engine.key_pragma(b"\x01" * 32))
    try:
        with pytest.raises(StoreError) as err:
            current_revision(conn)  # type: ignore[arg-type]
        assert err.value.code == "store_corrupt"
    finally:
        conn.close()


def test_a_store_that_cannot_be_opened(tmp_path: Path) -> None:
    """engine.open_with_key: `except DatabaseError` around connect (a directory, not a file)."""
    (tmp_path / "hall.db").mkdir()
    with pytest.raises(StoreError, match="cannot open the store"):
        engine.open_with_key(tmp_path / "hall.db", b"\x02" * 32)


def test_a_store_locked_by_another_program_is_busy_not_a_wrong_key(store_dir: Path,
                                                                    quick_busy: None) -> None:
    """engine.open_with_key: `except DatabaseError` around the key check. A locked store used to
    be reported as "the key in keys/store.key does not open this store"."""
    other = _raw(store_dir)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as err:
            Store.open(store_dir)
        assert err.value.code == "store_busy"
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_store_settings_on_a_locked_store(store_dir: Path, quick_busy: None) -> None:
    """engine._settings: `except DatabaseError` (switching to WAL needs the lock a reader of a
    rollback-journal store holds)."""
    conn = _raw(store_dir)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.execute("BEGIN")
    conn.execute("SELECT COUNT(*) FROM tickets").fetchone()
    try:
        engine.open_with_key(store_dir / "hall.db", keys.load(store_dir, keys.STORE) or b"").close()
        with pytest.raises(StoreError) as err:  # the key check passes; the settings do not
            engine.connect(store_dir / "hall.db")
        assert err.value.code == "store_busy"
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_a_plain_database_of_another_program(tmp_path: Path) -> None:
    """engine._plain_hall_store: `except Error` (a plain sqlite3 file by nature)."""
    conn = sqlite3.connect(tmp_path / "hall.db")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path)
    assert err.value.code == "store_foreign"
