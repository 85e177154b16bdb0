"""A populated encrypted store of every earlier schema revision migrates to the head with its data
whole: the log, every projection (the same digest, and the same as a rebuild gives), the sync
bookkeeping, accounts; and after 0004 two tickets may share a number."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.events import Event, EventType
from hall.ids import new_id
from hall.service import HallService
from hall.store import Store, engine
from hall.store.migrate import HEAD, upgrade
from hall.store.projections import apply, digest, rebuild
from tests.conftest import FakeClock

REVISIONS = ("0001", "0002", "0003")


def _populate(hall: HallService, revision: str) -> None:
    tickets = [hall.take_ticket("newborn") for _ in range(4)]
    tickets.append(hall.take_ticket("retirement", "elder"))
    hall.configure_window("1", ["newborn", "retirement"])
    first = hall.call_next("1")
    hall.start(first.id)
    hall.done(first.id)
    hall.call_next("1")
    hall.park(hall.call_next("2").id)
    with hall.write() as conn:
        hall.emit(conn, EventType.NUMBER_BLOCK_LEASED,
                  {"day": hall.today(), "series": "B", "first": 1, "last": 50})
        hall.emit(conn, EventType.CASE_ACCEPTED, {
            "case_id": "c1", "case_number": "SY-2026-0001", "service_id": "newborn",
            "ticket_id": first.id, "applicant": {"masked": "张*", "key": "0" * 64},
            "materials": [{"name": "出生医学证明", "status": "submitted"}], "at": hall.now_iso()})
        hall.emit(conn, EventType.RATING_GIVEN, {
            "rating_id": "r1", "ticket_id": first.id, "grade": 5, "text": None,
            "follow_up_due": None, "at": hall.now_iso()})
        pulled = Event(new_id(), "H1", "K9", 1, hall.hlc.tick(), EventType.TICKET_ISSUED, {
            "ticket_id": new_id(), "service_id": "newborn", "series": "A-K9", "number": 1,
            "label": "A-K9-001", "day": hall.today(), "priority": "regular",
            "issued_at": hall.now_iso()})
        from hall.store.eventlog import insert

        insert(conn, pulled)
        apply(conn, pulled)
        if revision >= "0002":
            conn.execute("INSERT INTO sync_state (key, value) VALUES ('pull_cursor', 'e.42'), "
                         "('pushed_through', '7')")
            conn.execute("INSERT INTO sync_rejected VALUES ('x', 3, 'TicketCalled', 'clock', 1)")
            conn.execute("INSERT INTO sync_conflicts (kind, event_id, ticket_id, detail, "
                         "detected_ms) VALUES ('call', 'y', NULL, 'two windows', 2)")
        if revision >= "0003":
            conn.execute("INSERT INTO accounts VALUES ('wang', 'clerk', 'h', 1, 0, 0, 1, 1)")


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_populated_store_of_every_revision_migrates(tmp_path: Path, clock: FakeClock,
                                                      revision: str) -> None:
    path = tmp_path / "hall.db"
    conn = engine.connect(path)  # encrypted, under a new keys/store.key
    upgrade(conn, revision)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revision
    cfg = TerminalConfig("H1", "K3", numbering="standalone")
    old = HallService(Store(conn, path), cfg, load_catalog(), wall=clock, index_key=b"k" * 32)
    _populate(old, revision)
    before = digest(conn)
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("events", "tickets", "cases", "ratings", "number_leases")}
    conn.close()

    store = Store.open(tmp_path)  # migrates to the head
    try:
        c = store.conn
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        assert digest(c) == before  # every projection row as it was
        assert {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in counts} == counts
        indexes = {r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'")}
        assert {"ix_tickets_waiting", "ix_tickets_waiting_order", "ix_tickets_day",
                "ix_tickets_window", "ix_tickets_number"} <= indexes
        if revision >= "0002":
            assert c.execute("SELECT value FROM sync_state WHERE key = 'pull_cursor'"
                             ).fetchone() == ("e.42",)
            assert c.execute("SELECT COUNT(*) FROM sync_conflicts").fetchone() == (1,)
        if revision >= "0003":
            assert c.execute("SELECT role FROM accounts WHERE user = 'wang'").fetchone() == (
                "clerk",)
        with store.write() as w:
            assert rebuild(w) == counts["events"]
        assert digest(c) == before  # the migrated tables are what the log replays to
        hall = HallService(store, cfg, load_catalog(), wall=clock, index_key=b"k" * 32)
        assert hall.take_ticket("newborn").number == "A006"  # the counters carried over
        with store.write() as w:  # 0004: another terminal's A001 is kept, labelled apart
            twin = Event(new_id(), "H1", "K9", 2, hall.hlc.tick(), EventType.TICKET_ISSUED, {
                "ticket_id": new_id(), "service_id": "newborn", "series": "A", "number": 1,
                "label": "A001", "day": hall.today(), "priority": "regular",
                "issued_at": hall.now_iso()})
            from hall.store.eventlog import insert

            insert(w, twin)
            apply(w, twin)
        assert sorted(r[0] for r in c.execute(
            "SELECT label FROM tickets WHERE series = 'A' AND number = 1")) == ["A001", "A001·K9"]
    finally:
        store.close()
