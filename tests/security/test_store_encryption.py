"""The store is a SQLCipher file: no plain text on disk, clear errors for wrong or missing keys."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from hall.errors import StoreError
from hall.security import keys
from hall.store import Store
from hall.store.engine import connect, encrypt_plain, is_plain_sqlite
from hall.store.migrate import HEAD
from tests.security.conftest import plaintext_hits, run_cli

MARKER = "PLAINTEXT-MARKER-窗口甲"


def _write_marker(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO windows (window, services) VALUES (?, 'null')", (MARKER,))


def test_new_store_is_encrypted_with_a_private_key_file(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    _write_marker(store)
    wal = tmp_path / "hall.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the marker is still in the WAL
    assert plaintext_hits([tmp_path], [MARKER.encode(), b"SQLite format 3"]) == []
    assert store.conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    store.close()
    assert not is_plain_sqlite(tmp_path / "hall.db")
    key_file = keys.key_path(tmp_path, keys.STORE)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert len(key_file.read_bytes()) == 32
    again = Store.open(tmp_path)
    assert again.conn.execute("SELECT window FROM windows").fetchone()[0] == MARKER
    again.close()


def test_a_wrong_key_is_a_clear_store_error(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    before = (tmp_path / "hall.db").read_bytes()
    keys.create(tmp_path, keys.STORE, b"\x01" * 32, replace=True)
    with pytest.raises(StoreError, match="does not open this store") as err:
        Store.open(tmp_path)
    assert err.value.code == "store_key"
    assert (tmp_path / "hall.db").read_bytes() == before


def test_a_missing_key_is_a_clear_store_error(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    keys.key_path(tmp_path, keys.STORE).unlink()
    with pytest.raises(StoreError, match="key that is missing") as err:
        Store.open(tmp_path)
    assert err.value.code == "store_corrupt"
    assert not keys.key_path(tmp_path, keys.STORE).exists()  # no new key made over a store


def test_loosened_key_rights_are_tightened(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    key_file = keys.key_path(tmp_path, keys.STORE)
    key_file.chmod(0o644)
    Store.open(tmp_path).close()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_plain_hall_store_is_refused_then_encrypted(tmp_path: Path) -> None:
    conn = connect(tmp_path / "hall.db", encrypted=False)
    from hall.store.migrate import ensure_schema

    ensure_schema(conn)
    conn.execute("INSERT INTO windows (window, services) VALUES (?, 'null')", (MARKER,))
    conn.close()
    with pytest.raises(StoreError, match="admin encrypt-store") as err:
        Store.open(tmp_path)
    assert err.value.code == "store_plain"
    encrypt_plain(tmp_path / "hall.db")
    assert plaintext_hits([tmp_path], [MARKER.encode()]) == []
    store = Store.open(tmp_path)
    assert store.conn.execute("SELECT window FROM windows").fetchone()[0] == MARKER
    store.close()


def test_foreign_plain_database_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "hall.db")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path)
    assert err.value.code == "store_foreign"


def test_driver_errors_map_to_store_errors(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with pytest.raises(StoreError), store.write() as conn:  # sqlcipher3's own IntegrityError
        conn.execute("INSERT INTO meta (key, value) VALUES ('app', 'again')")
    store.close()


def test_cli_encrypt_store_and_clear_error(tmp_path: Path) -> None:
    conn = connect(tmp_path / "hall.db", encrypted=False)
    from hall.store.migrate import ensure_schema

    ensure_schema(conn)
    conn.close()
    setup = run_cli("setup", "--hall", "H1", "--terminal", "K3", data_dir=tmp_path)
    assert setup.returncode == 1 and "admin encrypt-store" in setup.stderr
    assert "Traceback" not in setup.stderr
    done = run_cli("admin", "encrypt-store", "--json", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert run_cli("setup", "--hall", "H1", "--terminal", "K3", data_dir=tmp_path).returncode == 0
    keys.create(tmp_path, keys.STORE, b"\x02" * 32, replace=True)
    bad = run_cli("ticket", "take", "--service", "newborn", "--json", data_dir=tmp_path)
    assert bad.returncode == 1 and '"store_key"' in bad.stdout and "Traceback" not in bad.stderr
