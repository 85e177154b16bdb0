"""The hot path's query plans (issue 14): every statement that 取号 and a desk's 叫号 → 开始 →
办结 / 重呼 run is explained by SQLite itself (`EXPLAIN QUERY PLAN`, with the very parameters it ran
with), and none scans a table or an index (`SCAN`) or sorts (`USE TEMP B-TREE`): their cost stays
flat however long the history grows. The call's candidates are one query over one index."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hall.app import Hall
from hall.events import EventType
from tests.conftest import OP, FakeClock


class Recording:
    """The store's connection, recording every statement run through it with its parameters."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.statements: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.statements.append((sql, params))
        return self._conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def plans(conn: sqlite3.Connection, statements: list[tuple[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for sql, params in statements:
        head = sql.lstrip().split(None, 1)[0].upper()
        if head in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"):
            continue
        out[sql] = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    return out


def bad_steps(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {sql: steps for sql, steps in found.items()
            if any((s.startswith("SCAN") and s != "SCAN CONSTANT ROW") or "TEMP B-TREE" in s
                   for s in steps)}  # a constant row: a SELECT of values, no table read


def _history(hall: Hall, clock: FakeClock) -> None:
    """Yesterday's finished day, and a queue of every kind this morning."""
    clock.advance(hours=-24)
    for _ in range(30):
        t = hall.tickets.take(OP, "newborn").value
        hall.tickets.call_next(OP, "1")
        hall.tickets.done(OP, t.id)
    clock.advance(hours=24)
    hall.windows.configure(OP, "2", ["newborn", "retirement"])
    for service, priority in (("newborn", "regular"), ("retirement", "elder"),
                              ("newborn", "regular"), ("restaurant_opening", "regular")):
        hall.tickets.take(OP, service, priority)
        clock.advance(seconds=30)
    hall.tickets.take(OP, "newborn", "appointment", appointment_at=clock.now + timedelta(hours=2))
    sent = hall.tickets.take(OP, "retirement").value
    hall.tickets.transfer(OP, sent.id, window="2")


@pytest.mark.parametrize("numbering", ["standalone", "member"])
def test_no_scan_and_no_sort_on_the_hot_path(make_hall: Any, clock: FakeClock,
                                            numbering: str) -> None:
    hall: Hall = make_hall(numbering=numbering)
    if numbering == "member":  # numbers from a block its hub leased
        with hall.core.write() as conn:
            hall.core.emit(conn, EventType.NUMBER_BLOCK_LEASED, {
                "day": hall.today(), "series": "A", "first": 1, "last": 100}, OP)
    _history(hall, clock)
    real = hall.core.store.conn
    recording = Recording(real)
    hall.core.store.conn = recording  # type: ignore[assignment]
    hall.subscribe(lambda changes: None)  # a face listening: the watcher's query runs too
    try:
        taken = hall.tickets.take(OP, "newborn").value
        for window in ("2", "1"):  # a window serving some services, and one serving all
            called = hall.tickets.call_next(OP, window).value
            hall.tickets.recall(OP, called.id)
            hall.tickets.start(OP, called.id)
            hall.tickets.done(OP, called.id)
    finally:
        hall.core.store.conn = real
    assert taken.ahead is not None
    found = plans(real, recording.statements)
    assert any("ix_tickets_waiting" in s for steps in found.values() for s in steps)
    assert bad_steps(found) == {}


def test_the_call_is_one_query_over_one_index(hall: Hall) -> None:
    for priority in ("regular", "elder", "regular"):
        hall.tickets.take(OP, "newborn", priority)
    real = hall.core.store.conn
    recording = Recording(real)
    hall.core.store.conn = recording  # type: ignore[assignment]
    try:
        hall.tickets.call_next(OP, "1")
    finally:
        hall.core.store.conn = real
    candidates = [(sql, p) for sql, p in recording.statements if "WHERE status = 'waiting'" in sql
                  or "status = 'waiting' AND" in sql]
    assert len(candidates) == 1
    steps = plans(real, candidates)[candidates[0][0]]
    searches = [s for s in steps if s.startswith("SEARCH")]
    assert searches and all("USING COVERING INDEX ix_tickets_waiting " in s for s in searches)
    assert bad_steps({"call": steps}) == {}


def test_the_checker_sees_a_scan(tmp_path: Path, hall: Hall) -> None:
    """The check above can fail: a query by a column no index starts with is a SCAN."""
    found = plans(hall.core.store.conn, [("SELECT * FROM tickets WHERE label = ?", ("A001",)),
                                         ("SELECT * FROM tickets ORDER BY label", ())])
    assert len(bad_steps(found)) == 2
