"""Bring a store to the newest schema with Alembic, loading Alembic only when there is work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hall.errors import StoreError
from hall.store.engine import DatabaseError

HEAD = "0004"  # tests/hall/test_migrations.py checks this against Alembic's script head
APP = "tingduan"
_MIGRATIONS = Path(__file__).with_name("migrations")


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


def ensure_schema(conn: sqlite3.Connection) -> None:
    revision = current_revision(conn)
    if revision == HEAD:
        return
    upgrade(conn)


def alembic_config() -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
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
