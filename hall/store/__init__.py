"""The terminal store: one SQLite database holding the event log and its projections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hall.store.engine import (
    STORE_FILE,
    DatabaseError,
    connect,
    damage_found,
    damaged_store,
    is_damage,
    mark_damaged,
    missing_store,
    store_error,
)
from hall.store.migrate import ensure_schema

__all__ = ["STORE_FILE", "Store"]

SET_UP_MARK = "config.json"  # hall/config.py CONFIG_FILE: a data dir holding it is set up


class Store:
    """Owns the connection; every write goes through `write()`, one transaction per change."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, data_dir: Path, *, damaged_ok: bool = False) -> Store:
        """Open (or, in a data directory that is not set up yet, create) the store.

        A set-up terminal's store (config.json beside it) that is missing or empty is refused,
        never made anew: a new store would issue the day's numbers again. A store found damaged
        (`hall.db.damaged`, see engine.mark_damaged) is refused too, except to `damaged_ok`
        callers (the check that looks at it)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / STORE_FILE
        set_up = (data_dir / SET_UP_MARK).exists()
        if set_up and not _has_content(path):
            raise missing_store(path, empty=path.exists())
        found = damage_found(path)
        if found is not None and not damaged_ok:
            raise damaged_store(path, found)
        conn = connect(path)
        try:
            ensure_schema(conn, create=not set_up)
        except DatabaseError as exc:
            conn.close()
            raise store_error(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: the event and its projection rows land together or not at all."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except DatabaseError as exc:
            raise store_error(self.path, exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except DatabaseError as exc:
            _rollback(conn)
            if is_damage(exc):  # no further writes until a check finds the store sound
                mark_damaged(self.path, str(exc))
            raise store_error(self.path, exc) from exc
        except BaseException:
            _rollback(conn)
            raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except DatabaseError:  # a damaged or vanished file: the original error says more
            pass


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False

