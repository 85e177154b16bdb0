"""The one place the terminal store is opened.

Every caller gets its connection from `connect()`. The store is a SQLCipher database (the
`sqlcipher3` DB-API driver, a drop-in for `sqlite3`): `PRAGMA key` with the raw 256-bit key of
`keys/store.key` is the first statement on every connection, so the database file, its WAL and
its journal hold no plain text. A raw key skips SQLCipher's PBKDF2, which keeps opening cheap.

Every SQLCipher file of ours (a terminal's store, a hub's `server.db` and its `hub-halls/` stores,
the copies a backup holds and restores) is opened by `open_with_key` and written in one page
format, `CIPHER_FORMAT`; a database attached to be written gets it from `attach_encrypted`. A file
of the older format (SQLCipher 4's defaults, before issue 14) is rewritten in the current one the
first time it is opened (`_reformat`), so no path can open or create a file of another format.

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
# A value the driver cannot bind (a dict, an int beyond 64 bits): the statement, not the store.
InterfaceError: tuple[type[Exception], ...] = (sqlite3.InterfaceError, _cipher.InterfaceError)
BUSY_TIMEOUT_S = 10.0  # how long a connection waits for another's write lock

# The page format (set after `PRAGMA key`, before the first read). HMAC_SHA256 authenticates every
# page as SQLCipher 4's default HMAC_SHA512 does, at ~20% less per page read or written on CPUs
# with SHA extensions (bench/crypto.py prints both); the HMAC key derives with the same hash.
CIPHER_FORMAT: tuple[tuple[str, str], ...] = (
    ("cipher_hmac_algorithm", "HMAC_SHA256"), ("cipher_kdf_algorithm", "PBKDF2_HMAC_SHA256"))
# Files written before issue 14: SQLCipher 4's defaults, stated here so a later SQLCipher with
# other defaults still reads them. Opened only to be rewritten in CIPHER_FORMAT.
LEGACY_FORMAT: tuple[tuple[str, str], ...] = (
    ("cipher_hmac_algorithm", "HMAC_SHA512"), ("cipher_kdf_algorithm", "PBKDF2_HMAC_SHA512"))
# The store's page cache (KiB; SQLite's default is 2 MiB). A cached page is a decrypted page:
# a miss costs a read, an AES decryption and an HMAC check.
CACHE_KIB = 16 * 1024


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
    """A SQLCipher connection keyed, in CIPHER_FORMAT, and checked (page 1 decrypts and
    authenticates), or a clear StoreError. The one connection factory of every SQLCipher file;
    a file of LEGACY_FORMAT is rewritten in CIPHER_FORMAT first."""
    try:
        return cast(sqlite3.Connection, _keyed(path, key, CIPHER_FORMAT))
    except DatabaseError as exc:
        _not_a_key_problem(path, exc)
        if not _reformat(path, key):
            raise _unopenable(path, exc) from exc
    try:
        return cast(sqlite3.Connection, _keyed(path, key, CIPHER_FORMAT))
    except DatabaseError as exc:
        _not_a_key_problem(path, exc)
        raise _unopenable(path, exc) from exc


def _not_a_key_problem(path: Path, exc: Exception) -> None:
    """Raise the store's own error when opening failed for something other than the key or the
    page format: locked by another program, an I/O error, a read-only folder, a full disk."""
    if is_busy(exc) or not is_damage(exc):
        raise store_error(path, exc) from exc


def _keyed(path: Path, key: bytes, page_format: tuple[tuple[str, str], ...]) -> Any:
    """Connect, key, set the page format and read page 1; DatabaseError when that fails."""
    try:
        conn = cast(Any, _cipher).connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    except DatabaseError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc})", code="store_corrupt") from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # no decrypt noise on stderr
        conn.execute(key_pragma(key))
        for name, value in page_format:
            conn.execute(f"PRAGMA {name} = {value}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def attach_encrypted(conn: Any, path: Path, key: bytes, schema: str) -> None:
    """Attach `path` as `schema`, keyed and in CIPHER_FORMAT (the target of sqlcipher_export)."""
    if not schema.isidentifier():
        raise ValueError(f"not a schema name: {schema!r}")
    conn.execute(f"ATTACH DATABASE ? AS {schema} KEY \"x'{key.hex()}'\"", (str(path),))
    for name, value in CIPHER_FORMAT:
        conn.execute(f"PRAGMA {schema}.{name} = {value}")


def _reformat(path: Path, key: bytes) -> bool:
    """Rewrite a LEGACY_FORMAT file in CIPHER_FORMAT, atomically (a kill leaves the old file
    whole); False when `key` opens the file in neither format. One process at a time (an OS lock
    beside the file, taken only for a file that is to be rewritten); a process that waited finds
    the work done. This runs at the first open after an upgrade, when the processes of the older
    version are gone (one still running would go on writing to the replaced file)."""
    if not (_opens(path, key, LEGACY_FORMAT) or _opens(path, key, CIPHER_FORMAT)):
        return False
    lock = Path(f"{path}-reformat.lock")
    with _file_lock(lock):
        if _opens(path, key, CIPHER_FORMAT):
            return True  # another process did it meanwhile
        old = _keyed(path, key, LEGACY_FORMAT)
        target = path.with_name(path.name + ".reformatting")
        _remove_with_sides(target)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            attach_encrypted(old, target, key, "reformatted")
            old.execute("SELECT sqlcipher_export('reformatted')")
            old.execute("DETACH DATABASE reformatted")
        except BaseException:
            old.close()
            _remove_with_sides(target)
            raise
        old.close()
        _fsync(target)
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)
        os.replace(target, path)
        _fsync(path.parent)
        lock.unlink(missing_ok=True)  # a process waiting on it finds the new format
    return True


def _opens(path: Path, key: bytes, page_format: tuple[tuple[str, str], ...]) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        _keyed(path, key, page_format).close()
    except DatabaseError:
        return False
    return True


class _file_lock:
    """An OS lock on a file beside a database (released when the process dies); Windows has no
    flock, where SQLite's own locks remain."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = -1

    def __enter__(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            import fcntl
        except ImportError:
            return
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder on Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_with_sides(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)


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
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
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
    _remove_with_sides(target)
    src = cast(Any, _cipher).connect(str(path), isolation_level=None)  # plain: no key
    try:
        src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        attach_encrypted(src, target, key, "enc")
        src.execute("SELECT sqlcipher_export('enc')")
        src.execute("DETACH DATABASE enc")
    finally:
        src.close()
    _fsync(target)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    os.replace(target, path)
    return path.stat().st_size
