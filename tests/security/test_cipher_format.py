"""Every SQLCipher file of ours is in one page format (issue 14: HMAC_SHA256 page authentication),
whichever path opened or created it: a terminal's store, a hub's server.db and its hub-halls
stores, the copies a backup holds and a restore brings back, a store after a key rotation, a
store encrypted from plain SQLite. A file of the older format (SQLCipher 4's defaults,
HMAC_SHA512) is rewritten in the current one on its first open, with every row.

The format of a file is read by opening it with the raw driver under each format: SQLCipher
authenticates page 1 with the HMAC of its format, so only the right one opens it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlcipher3 import dbapi2

from hall import backup
from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.security import keys
from hall.security.rotation import rotate
from hall.store import Store, engine
from hall.store.engine import CIPHER_FORMAT, LEGACY_FORMAT
from tests.conftest import OP

FIXTURE_0005 = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "0005"
PASS = "correct horse battery staple"


def page_format(path: Path, key: bytes | None = None) -> str | None:
    """'current', 'legacy', or None when the key opens the file in neither format."""
    key = key if key is not None else keys.load(path.parent, keys.STORE)
    assert key is not None
    for name, settings in (("current", CIPHER_FORMAT), ("legacy", LEGACY_FORMAT)):
        conn: Any = dbapi2.connect(str(path))
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(engine.key_pragma(key))
            for pragma, value in settings:
                conn.execute(f"PRAGMA {pragma} = {value}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return name
        except dbapi2.DatabaseError:
            continue
        finally:
            conn.close()
    return None


def to_legacy(path: Path) -> None:
    """Rewrite a current-format file in the format of before issue 14 (what older versions left
    on disk), through sqlcipher_export as SQLCipher documents it."""
    key = keys.load(path.parent, keys.STORE)
    assert key is not None
    old = path.with_name(path.name + ".legacy")
    conn = engine.open_with_key(path, key)
    conn.execute(f"ATTACH DATABASE ? AS legacy KEY \"x'{key.hex()}'\"", (str(old),))
    for pragma, value in LEGACY_FORMAT:
        conn.execute(f"PRAGMA legacy.{pragma} = {value}")
    conn.execute("SELECT sqlcipher_export('legacy')")
    conn.execute("DETACH DATABASE legacy")
    conn.close()
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    old.replace(path)
    assert page_format(path) == "legacy"


def _hall(folder: Path) -> Hall:
    return Hall(Core(Store.open(folder), TerminalConfig("H1", "K3", numbering="standalone"),
                     load_catalog(), index_key=b"k" * 32))


def _tickets(folder: Path) -> int:
    store = Store.open(folder)
    try:
        return int(store.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])
    finally:
        store.close()


def test_the_legacy_format_is_not_the_current_one(tmp_path: Path) -> None:
    """The check below can fail: a file of one format does not open in the other."""
    assert dict(CIPHER_FORMAT) != dict(LEGACY_FORMAT)
    assert page_format(FIXTURE_0005 / "hall.db") == "legacy"  # made by the code before issue 14


def test_a_terminal_store_is_created_in_the_current_format(tmp_path: Path) -> None:
    hall = _hall(tmp_path)
    hall.tickets.take(OP, "newborn")
    hall.close()
    assert page_format(tmp_path / "hall.db") == "current"


def test_a_legacy_store_is_rewritten_on_first_open_with_every_row(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_0005, tmp_path, dirs_exist_ok=True)
    store = Store.open(tmp_path)  # the format, then the schema (0005 → head)
    try:
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 17
        assert store.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 6
    finally:
        store.close()
    assert page_format(tmp_path / "hall.db") == "current"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("hall.db"))
    assert leftovers == ["hall.db"]  # no half-written copy, no lock file


def test_a_wrong_key_is_still_a_wrong_key(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_0005, tmp_path, dirs_exist_ok=True)
    with pytest.raises(Exception, match="does not open this store") as err:
        engine.open_with_key(tmp_path / "hall.db", b"\x07" * 32)
    assert getattr(err.value, "code", None) == "store_key"
    assert page_format(tmp_path / "hall.db") == "legacy"  # untouched


def test_hub_server_db_and_hub_halls_stores(tmp_path: Path) -> None:
    from sync.server import db, status
    from sync.server.hub import CallDesk

    hub = tmp_path / "hub"
    eng = db.open_engine(db.database_url(hub, None))
    epoch = db.epoch(eng)
    CallDesk(eng, hub).refresh("H1")  # opens the hub's store of hall H1
    eng.dispose()
    assert page_format(hub / db.SERVER_DB) == "current"
    hall_store = hub / "hub-halls" / "H1" / "hall.db"
    assert page_format(hall_store) == "current"

    to_legacy(hub / db.SERVER_DB)  # a hub of an older version
    to_legacy(hall_store)
    readonly = status.open_readonly(hub, None)
    assert readonly is not None
    with readonly.connect() as conn:  # the status command reads it (and so rewrites it first)
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM server_meta").scalar_one() >= 1
    readonly.dispose()
    eng = db.open_engine(db.database_url(hub, None))
    assert db.epoch(eng) == epoch  # the same database, every row
    desk = CallDesk(eng, hub)
    desk.refresh("H1")
    desk.close()
    eng.dispose()
    assert page_format(hub / db.SERVER_DB) == "current"
    assert page_format(hall_store) == "current"


def test_a_plain_server_db_is_encrypted_in_the_current_format(tmp_path: Path) -> None:
    from sync.server import db

    plain = sqlite3.connect(tmp_path / db.SERVER_DB)
    plain.execute("CREATE TABLE old_things (id INTEGER PRIMARY KEY)")
    plain.commit()
    plain.close()
    eng = db.open_engine(db.database_url(tmp_path, None))
    eng.dispose()
    assert page_format(tmp_path / db.SERVER_DB) == "current"


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    terminal = tmp_path / "t"
    shutil.copytree(FIXTURE_0005, terminal)  # a legacy store, backed up by this version
    hall = _hall(terminal)
    hall.tickets.take(OP, "newborn")
    hall.close()
    backup.backup(terminal, tmp_path / "t.tdbak", PASS, log2_n=10)
    backup.restore(tmp_path / "t.tdbak", tmp_path / "back", PASS)
    assert page_format(tmp_path / "back" / "hall.db") == "current"
    assert page_format(terminal / "hall.db") == "current"
    assert _tickets(tmp_path / "back") == _tickets(terminal) == 7


def test_key_rotation_keeps_the_format(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_0005, tmp_path, dirs_exist_ok=True)  # legacy, rotated at once
    old = keys.load(tmp_path, keys.STORE)
    report = rotate(tmp_path, "H1")
    assert report.store_rekeyed
    new = keys.load(tmp_path, keys.STORE)
    assert new != old
    assert page_format(tmp_path / "hall.db", new) == "current"
    assert _tickets(tmp_path) == 6


def test_a_plain_store_is_encrypted_in_the_current_format(tmp_path: Path) -> None:
    _hall(tmp_path / "enc").close()
    key = keys.load(tmp_path / "enc", keys.STORE)
    assert key is not None
    plain = tmp_path / "plain" / "hall.db"
    plain.parent.mkdir()
    conn: Any = engine.open_with_key(tmp_path / "enc" / "hall.db", key)
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))  # an older, unencrypted one
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    conn.close()
    assert engine.is_plain_sqlite(plain)
    engine.encrypt_plain(plain)
    assert page_format(plain) == "current"
    assert _tickets(plain.parent) == 0
