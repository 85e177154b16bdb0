"""`admin rotate-key`: re-key the store and re-seal every sealed field, resumable after a kill.

The steps, each safe to interrupt (kill -9) and to run again:

1. the next store key is written beside the old one (`keys/store.next.key`, fsynced);
2. `PRAGMA rekey` rewrites every page under it in one transaction (WAL: the commit frame decides);
3. the next key becomes `keys/store.key`. A kill between 2 and 3 is healed by the store
   itself: `engine.connect()` tries the next key when the old one no longer opens the file;
4. the next data key is written (`keys/data.next.key`); from now on new fields are sealed under
   it. Every event payload holding a token of the old key is re-sealed, in batches of one
   transaction each (a re-run skips what is done: only tokens of the old key are looked for);
5. the next data key becomes `keys/data.key`; the old one is gone from this terminal.

The blind-index key is not rotated: it must stay equal across the hall for lookups to work.
Nor is the hall's X25519 pair (hall/security/hall_pair.py): every terminal and the platform's
directory hold its public key. `ts2:` tokens (sealed by kiosks and displays for that pair) are
left as they are, and still open afterwards with the hall's private key. A writer (a kiosk or a
display, keys.writes_only) has no data key: its rotation re-keys the store only and makes none.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hall.security import keys
from hall.security.crypto import Sealer, kid_of
from hall.store import STORE_FILE, Store
from hall.store.engine import rekey_pragma

# Tables whose text columns may hold sealed tokens: (table, row key, column). The projections
# keep the sealed free text (reasons, notes, promises, comments) as the events carry it.
SEALED_COLUMNS: list[tuple[str, str, str]] = [
    ("events", "pos", "payload"), ("cases", "case_id", "reasons"), ("cases", "case_id", "note"),
    ("case_materials", "rowid", "promise"), ("ratings", "rating_id", "text")]


@dataclass
class RotationReport:
    store_rekeyed: bool = False
    store_pages: int = 0
    store_seconds: float = 0.0
    fields_resealed: int = 0
    rows_rewritten: int = 0
    reseal_seconds: float = 0.0
    resumed: bool = False
    data_kid: str = ""

    @property
    def records_per_s(self) -> float:
        return self.fields_resealed / self.reseal_seconds if self.reseal_seconds else 0.0


def rotate(data_dir: Path, hall_id: str, *, batch: int = 500,
           on_batch: Callable[[int], None] | None = None) -> RotationReport:
    report = RotationReport()
    with _exclusive(data_dir):
        report.resumed = (keys.load(data_dir, keys.STORE + keys.NEXT) is not None
                          or keys.load(data_dir, keys.DATA + keys.NEXT) is not None)
        _rotate_store(data_dir, report)
        if not keys.writes_only(data_dir):
            _reseal(data_dir, hall_id, report, batch, on_batch)
    return report


def _rotate_store(data_dir: Path, report: RotationReport) -> None:
    started = time.perf_counter()
    if keys.load(data_dir, keys.STORE + keys.NEXT) is None:
        keys.create(data_dir, keys.STORE + keys.NEXT, secrets.token_bytes(32), replace=False)
    nxt = keys.load(data_dir, keys.STORE + keys.NEXT)
    assert nxt is not None
    store = Store.open(data_dir)  # heals a rotation killed after the rekey (see engine.connect)
    try:
        if keys.load(data_dir, keys.STORE + keys.NEXT) is not None:  # still on the old key
            report.store_pages = int(store.conn.execute("PRAGMA page_count").fetchone()[0])
            store.conn.execute(rekey_pragma(nxt))
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            report.store_rekeyed = True
    finally:
        store.close()
    keys.promote(data_dir, keys.STORE)
    report.store_seconds = time.perf_counter() - started


def _reseal(data_dir: Path, hall_id: str, report: RotationReport, batch: int,
            on_batch: Callable[[int], None] | None) -> None:
    old = keys.load_or_create(data_dir, keys.DATA)
    if keys.load(data_dir, keys.DATA + keys.NEXT) is None:
        keys.create(data_dir, keys.DATA + keys.NEXT, secrets.token_bytes(32), replace=False)
    sealer = Sealer.for_data_dir(data_dir, hall_id)
    report.data_kid = sealer.current
    old_kid = kid_of(old)
    started = time.perf_counter()
    store = Store.open(data_dir)
    try:
        for table, key, column in SEALED_COLUMNS:
            last: object = None
            while True:
                where = f"{column} LIKE ?" + ("" if last is None else f" AND {key} > ?")
                params: tuple[object, ...] = (f"%:{old_kid}:%",) + (() if last is None
                                                                   else (last,))
                with store.write() as conn:
                    rows = conn.execute(f"SELECT {key}, {column} FROM {table} WHERE {where} "
                                        f"ORDER BY {key} LIMIT ?", (*params, batch)).fetchall()
                    for row_key, text in rows:
                        new, count = sealer.reseal_text(text)
                        if count:
                            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                                         (new, row_key))
                            report.fields_resealed += count
                            report.rows_rewritten += 1
                if not rows:
                    break
                last = rows[-1][0]
                if on_batch is not None:
                    on_batch(report.fields_resealed)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    keys.promote(data_dir, keys.DATA)
    report.reseal_seconds = time.perf_counter() - started


class _exclusive:
    """One rotation at a time (an OS lock on keys/rotate.lock, released when the process dies)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / keys.KEY_DIR / "rotate.lock"
        self.fd = -1

    def __enter__(self) -> None:
        import os

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock; the store's own locks remain
            return
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(self.fd)
            from hall.errors import StoreError

            raise StoreError("another key rotation is running on this data directory",
                             code="rotation_busy") from exc

    def __exit__(self, *exc: object) -> None:
        import os

        os.close(self.fd)


__all__ = ["STORE_FILE", "RotationReport", "rotate"]
