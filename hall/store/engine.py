"""The one place the terminal store is opened.

Every caller gets its connection from `connect()`. The store is a SQLCipher database (the
`sqlcipher3` DB-API driver, a drop-in for `sqlite3`): `PRAGMA key` with the raw 256-bit key of
`keys/store.key` is the first statement on every connection, so the database file, its WAL and
its journal hold no plain text. A raw key skips SQLCipher's PBKDF2, which keeps opening cheap.

The hot path speaks the DB-API directly: importing SQLAlchemy costs ~0.45 s on a hall PC, more
than the CLI's whole start budget; SQLAlchemy and Alembic are loaded only to migrate.

sqlcipher3's exceptions are their own class hierarchy (not subclasses of sqlite3's): catch
`DatabaseError` / `IntegrityError` / `OperationalError` from here, which name both.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, cast

from sqlcipher3 import dbapi2 as _cipher

from hall.errors import StoreError
from hall.security import keys

STORE_FILE = "hall.db"
WAL_CHECKPOINT_PAGES = 8000  # ~32 MB of WAL between checkpoints
WAL_SIZE_LIMIT = 64 * 1024 * 1024
SQLITE_HEADER = b"SQLite format 3\x00"

# The store's error mapping: catch these (never `sqlite3.X` alone, which misses the driver in use).
Error: tuple[type[Exception], ...] = (sqlite3.Error, _cipher.Error)
DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, _cipher.DatabaseError)
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, _cipher.IntegrityError)
OperationalError: tuple[type[Exception], ...] = (
    sqlite3.OperationalError, _cipher.OperationalError)
BUSY_TIMEOUT_S = 10.0  # how long a connection waits for another's write lock


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock (SQLITE_BUSY / SQLITE_LOCKED), a retry may work."""
    return isinstance(exc, OperationalError) and "locked" in str(exc)


def store_error(path: Path, exc: BaseException) -> StoreError:
    """A database error of the store as the person at the terminal should read it."""
    text = str(exc)
    if "full" in text:
        return StoreError(
            f"{path}: the disk is full; nothing was written. Free space and try again",
            code="disk_full",
        )
    if is_busy(exc):
        return StoreError(f"{path}: another program holds the store ({text}); try again",
                          code="store_busy")
    if is_damage(exc):
        return StoreError(
            f"{path} is damaged ({text}): run `admin check`; restore the data directory from a "
            "backup (`admin restore`)", code="store_corrupt")
    environment = _environment(path)
    if environment is not None:
        return environment
    return StoreError(f"{path}: {text}")


def is_damage(exc: BaseException) -> bool:
    """The file itself is damaged: a page fails its check (SQLCipher's HMAC) or SQLite's own
    structure checks. Not a full disk, not a lock, not a missing permission."""
    text = str(exc)
    return isinstance(exc, DatabaseError) and ("not a database" in text or "malformed" in text)


def _environment(path: Path) -> StoreError | None:
    """What is wrong around the store rather than in it: a read-only folder or file system, or
    no space left. None when neither is the case."""
    folder = path.parent
    try:
        stat = os.statvfs(folder) if hasattr(os, "statvfs") else None
    except OSError:
        stat = None
    read_only = (stat is not None and bool(stat.f_flag & getattr(os, "ST_RDONLY", 1))) or (
        folder.exists() and not os.access(folder, os.W_OK)) or (
        path.exists() and not os.access(path, os.W_OK))
    if read_only:
        return StoreError(
            f"{folder} is read-only (a read-only file system or no write permission for this "
            "user): the store cannot be opened for writing. Remount it read-write or fix the "
            "folder's owner and rights, then try again", code="store_read_only")
    if stat is not None and stat.f_bavail * stat.f_frsize < MIN_FREE_BYTES:
        return StoreError(
            f"{folder}: no space left on the disk ({stat.f_bavail * stat.f_frsize} bytes free); "
            "nothing was written. Free space and try again", code="disk_full")
    return None


# Below this much free space a store that fails to open or write is reported as a full disk:
# SQLite needs room for its WAL and shared-memory files before it can read a single page.
MIN_FREE_BYTES = 256 * 1024


def missing_store(path: Path, *, empty: bool) -> StoreError:
    """A set-up terminal (config.json present) whose store is gone or emptied: never recreated,
    which would start the day's numbers again over tickets already issued."""
    what = "is empty" if empty else "is missing"
    return StoreError(
        f"{path} {what}, but this terminal is set up ({path.parent / 'config.json'}): its "
        "tickets and cases are not on this disk, and a new store would issue today's numbers "
        "again. Nothing was written. Restore the data directory from a backup (`admin restore "
        "--from FILE --passphrase-stdin --data-dir NEW_DIR`, then use NEW_DIR), or set up a "
        "new terminal (a new data directory and terminal id) and enroll it with the hall's "
        "hub (`sync enroll`), which pulls the hall's tickets", code="store_missing",
        params={"store": str(path)})


DAMAGE_MARK = ".damaged"  # beside the store: hall.db.damaged, written when damage is found


def damage_mark(path: Path) -> Path:
    return path.with_name(path.name + DAMAGE_MARK)


def mark_damaged(path: Path, reason: str, when: str | None = None) -> None:
    """Remember that the store was found damaged: it is not written to again until `admin
    check` finds it sound (or it is restored). `when`: hall time, if the caller knows the hall's
    zone (else this machine's, with its offset). Best effort: a disk that refuses even this
    still gets the error itself."""
    import json
    from datetime import datetime

    found = when or datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        damage_mark(path).write_text(json.dumps(
            {"found": found, "reason": reason[:500]}, ensure_ascii=False) + "\n",
            encoding="utf-8")
    except OSError:
        pass


def damage_found(path: Path) -> str | None:
    """When and why the store was found damaged, or None."""
    try:
        text = damage_mark(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"(unreadable mark: {exc})"
    import json

    try:
        data = json.loads(text)
        return f"found {data['found']}: {data['reason']}"
    except (ValueError, KeyError, TypeError):
        return text.strip()[:500]


def clear_damage(path: Path) -> bool:
    """Drop the mark (the store checked out); True when there was one."""
    try:
        damage_mark(path).unlink()
    except FileNotFoundError:
        return False
    return True


def damaged_store(path: Path, found: str) -> StoreError:
    return StoreError(
        f"{path} was found damaged ({found}); nothing more is written to it. Run `admin check` "
        "to see the damage (a check that finds the store sound lifts this), and restore the data "
        "directory from a backup (`admin restore`)", code="store_damaged",
        params={"store": str(path)})


def key_pragma(key: bytes) -> str:
    """`PRAGMA key` with a raw key (no passphrase derivation)."""
    if len(key) != 32:
        raise StoreError("the store key must be 32 bytes; keys/store.key is damaged",
                         code="store_key")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def rekey_pragma(key: bytes) -> str:
    return key_pragma(key).replace("PRAGMA key", "PRAGMA rekey", 1)


def is_plain_sqlite(path: Path) -> bool:
    """An unencrypted SQLite file starts with its magic header; a SQLCipher file with salt."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def connect(path: Path, *, encrypted: bool = True) -> sqlite3.Connection:
    """Open (or create) the store with the durability settings of the event log.

    `encrypted=False` opens a plain SQLite store (benchmarks and tools only)."""
    if not encrypted:
        return _settings(path, sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S))
    data_dir = path.parent
    exists = path.exists() and path.stat().st_size > 0
    key = keys.load(data_dir, keys.STORE)
    if key is None:
        if exists:
            raise _unopenable(path, None)
        key = keys.load_or_create(data_dir, keys.STORE)
    try:
        return _settings(path, open_with_key(path, key))
    except StoreError as first:
        nxt = keys.load(data_dir, keys.STORE + keys.NEXT)
        if nxt is None or first.code != "store_key":
            raise
        # a rotation was killed after the store took the new key and before the key file did
        conn = _settings(path, open_with_key(path, nxt))
        keys.promote(data_dir, keys.STORE)
        return conn


def open_with_key(path: Path, key: bytes) -> sqlite3.Connection:
    """A SQLCipher connection keyed and checked (page 1 decrypts), or a clear StoreError."""
    try:
        conn = cast(Any, _cipher).connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    except DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})", code="store_corrupt") from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # no decrypt noise on stderr
        conn.execute(key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        if is_busy(exc):  # locked by another program: not a key problem
            raise store_error(path, exc) from exc
        if not is_damage(exc):  # cannot open, I/O error, read-only, full: not the key either
            raise store_error(path, exc) from exc
        raise _unopenable(path, exc) from exc
    return cast(sqlite3.Connection, conn)


def main_file(conn: sqlite3.Connection) -> Path | None:
    """The file a connection's main database lives in (None: in memory)."""
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def copy_database(conn: sqlite3.Connection, target: Path) -> int:
    """A consistent copy of the open database into `target`, keyed as the original (a plain
    store copies plain): SQLite's backup API in one step, i.e. one read transaction, so in WAL
    mode other connections keep writing meanwhile. Returns the copy's size."""
    source = main_file(conn)
    if source is None:
        raise StoreError("an in-memory database has no file to copy", code="store_memory")
    if isinstance(conn, sqlite3.Connection):
        dst: Any = sqlite3.connect(str(target))
    else:
        key = keys.load(source.parent, keys.STORE)
        if key is None:
            raise _unopenable(source, None)
        dst = open_with_key(target, key)
    try:
        conn.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
    return target.stat().st_size


def _settings(path: Path, conn: sqlite3.Connection) -> sqlite3.Connection:
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # A checkpoint copies the WAL into the database inside whichever commit crosses the
        # threshold: at SQLite's default (1000 pages, ~80 tickets here) that commit is the p99.
        # A larger WAL makes the pause rare; closing the last connection checkpoints anyway,
        # and the size limit gives the disk back afterwards.
        conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    except DatabaseError as exc:
        conn.close()
        if is_busy(exc) or not is_damage(exc):
            raise store_error(path, exc) from exc
        raise StoreError(
            f"{path}: not a hall store, or damaged ({exc}); restore it from a backup or move it "
            "aside and run setup again",
            code="store_corrupt",
        ) from exc
    return conn


def _unopenable(path: Path, exc: Exception | None) -> StoreError:
    key_file = keys.key_path(path.parent, keys.STORE)
    if is_plain_sqlite(path):
        if not _plain_hall_store(path):
            return StoreError(
                f"{path}: this database belongs to another program (an unencrypted SQLite file "
                "without hall store tables); point --data-dir at a hall data directory",
                code="store_foreign")
        return StoreError(
            f"{path} is an unencrypted hall store: a hall store is always encrypted. Encrypt it "
            "with `python main.py admin encrypt-store`", code="store_plain")
    if exc is None:
        return StoreError(
            f"{path}: not a hall store, or damaged, or encrypted with a key that is missing "
            f"({key_file}): restore the keys folder from the terminal's key backup, or move the "
            "file aside and run setup again", code="store_corrupt")
    return StoreError(
        f"{path}: the key in {key_file} does not open this store: a wrong key file, or the file "
        "is not a hall store, or damaged; restore the matching key or the store from a backup",
        code="store_key")


def _plain_hall_store(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
        finally:
            conn.close()
    except Error:  # a plain sqlite3 connection here, but the one mapping all the same
        return False
    return row is not None and row[0] == "tingduan"


def encrypt_plain(path: Path) -> int:
    """Turn an unencrypted SQLite store into a SQLCipher one under the terminal's store key,
    atomically (a kill leaves the plain store untouched). Returns the size of the new file."""
    if not is_plain_sqlite(path):
        raise StoreError(f"{path} is not an unencrypted SQLite file", code="store_not_plain")
    key = keys.load_or_create(path.parent, keys.STORE)
    target = path.with_name(path.name + ".encrypting")
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    src = cast(Any, _cipher).connect(str(path), isolation_level=None)
    try:
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        src.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
        src.execute("SELECT sqlcipher_export('enc')")
        src.execute("DETACH DATABASE enc")
    finally:
        src.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    os.replace(target, path)
    return path.stat().st_size
