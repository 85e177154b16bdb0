"""The one place the terminal store is opened.

Every caller gets its connection from `connect()`, so the store can move to an encrypted
SQLCipher database (same DB-API, one PRAGMA key) without touching them. The hot path speaks the
DB-API directly: importing SQLAlchemy costs ~0.45 s on a hall PC, more than the CLI's whole start
budget; SQLAlchemy and Alembic are loaded only to migrate.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hall.errors import StoreError

STORE_FILE = "hall.db"


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the store with the durability settings of the event log."""
    try:
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=10.0
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path}: not a hall store, or damaged ({exc}); restore it from a backup or move it "
            "aside and run setup again",
            code="store_corrupt",
        ) from exc
    return conn
