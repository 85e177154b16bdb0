"""The terminal store: one SQLite database holding the event log and its projections."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hall.store.engine import STORE_FILE, DatabaseError, connect, store_error
from hall.store.migrate import ensure_schema

__all__ = ["STORE_FILE", "Store"]


class Store:
    """Owns the connection; every write goes through `write()`, one transaction per change."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / STORE_FILE
        conn = connect(path)
        try:
            ensure_schema(conn)
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
            raise store_error(self.path, exc) from exc
        except BaseException:
            _rollback(conn)
            raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")

