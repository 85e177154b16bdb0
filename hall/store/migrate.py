"""Bring a store to the newest schema with Alembic, loading Alembic only when there is work.

An existing store is copied aside (a consistent copy under the same key) before it is migrated:
the migration runs in one transaction, so a failure rolls it back, and should the store still
not be at its old revision afterwards, the copy is put back. Either way the old store is left
as it was and the error says so; the copy is removed once it is not needed (it would otherwise
keep personal data past the retention purge).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from hall.errors import StoreError
from hall.store.engine import DatabaseError, copy_database, main_file, missing_store

HEAD = "0010"  # tests/hall/test_migrations.py checks this against Alembic's script head
APP = "tingduan"
# A package resource, not a path beside this file: found the same in a checkout, in
# site-packages and in a frozen bundle (whose freezer is told to carry the folder's .py files).
SCRIPT_LOCATION = "hall.store:migrations"


def current_revision(conn: sqlite3.Connection) -> str | None:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except DatabaseError as exc:
        raise StoreError(f"not a hall store, or damaged: {exc}", code="store_corrupt") from exc
    if not tables:
        return None
    if "alembic_version" not in tables or "meta" not in tables:
        raise StoreError(
            "this database belongs to another program (no hall store tables); "
            "point --data-dir at a hall data directory",
            code="store_foreign",
        )
    app = conn.execute("SELECT value FROM meta WHERE key='app'").fetchone()
    if app is None or app[0] != APP:
        raise StoreError("this database is not a 厅端 store", code="store_foreign")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def ensure_schema(conn: sqlite3.Connection, *, create: bool = True) -> None:
    """Bring the store to HEAD. `create` False: a store without the hall's tables (an emptied
    or recreated file of a set-up terminal) is refused, not made anew."""
    revision = current_revision(conn)
    if revision == HEAD:
        return
    path = main_file(conn)
    if revision is None and not create:
        raise missing_store(path or Path("hall.db"), empty=True)
    if revision is None or path is None:
        upgrade(conn)  # a new store: nothing to lose
        return
    upgrade_keeping_copy(conn, path, revision)


def upgrade_keeping_copy(conn: sqlite3.Connection, path: Path, revision: str) -> None:
    copy = path.with_name(f"{path.name}.before-{revision}.{os.getpid()}")
    try:
        copy_database(conn, copy)
    except (OSError, *DatabaseError) as exc:  # type: ignore[misc]
        _remove(copy)
        raise StoreError(
            f"{path}: cannot migrate the store from revision {revision} to {HEAD}: no safety "
            f"copy could be made beside it ({exc}); nothing was changed. Free disk space and "
            "start again", code="migration_failed") from exc
    cookie = conn.execute("PRAGMA schema_version").fetchone()[0]
    try:
        upgrade(conn)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        try:  # rolled back: the same revision and not one schema change committed
            intact = (current_revision(conn) == revision
                      and conn.execute("PRAGMA schema_version").fetchone()[0] == cookie)
        except (StoreError, *DatabaseError):  # type: ignore[misc]
            intact = False
        if not intact:
            conn.close()
            for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                side.unlink(missing_ok=True)
            os.replace(copy, path)
        _remove(copy)
        how = "rolled back" if intact else "put back from the copy taken before"
        raise StoreError(
            f"{path}: migrating the store from revision {revision} to {HEAD} failed ({reason}). "
            f"The store was left as it was ({how}: revision {revision}, every record kept). "
            "This version cannot use it: reinstall the previous version of 厅端, or report "
            "this error", code="migration_failed") from exc
    _remove(copy)


def _remove(copy: Path) -> None:
    for leftover in (copy, Path(f"{copy}-journal"), Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        leftover.unlink(missing_ok=True)


def alembic_config() -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def upgrade(conn: sqlite3.Connection, target: str = "head") -> None:
    """Run the migrations (up to `target`, tests start older stores with it) inside one
    transaction on the store's own connection."""
    from alembic import command
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)

    @event.listens_for(engine, "begin")
    def _begin(sa_conn: object) -> None:
        sa_conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]

    cfg = alembic_config()
    with engine.begin() as sa_conn:
        cfg.attributes["connection"] = sa_conn  # type: ignore[attr-defined]
        command.upgrade(cfg, target)  # type: ignore[arg-type]
        sa_conn.exec_driver_sql(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('app', ?)", (APP,)
        )
