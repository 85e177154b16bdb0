"""Migration 0003 carries the security tables and triggers that were made lazily before it."""

from __future__ import annotations

from pathlib import Path

from hall.store import Store


def test_new_store_has_security_tables_and_triggers(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"accounts", "code_seen", "audit_no_update", "audit_no_delete"} <= names
    store.close()
