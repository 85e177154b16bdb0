"""The sync side's database-error handlers, on the encrypted store (SQLCipher): a pulled event
the store refuses never stalls the page (sync/local.absorb), nor the hub's call-next
(sync/server/hub._apply_quietly)."""

from __future__ import annotations

from typing import Any

import pytest

from hall.events import EventType
from hall.ids import new_id
from sync import local
from tests.conftest import OP

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def _case(term: Any, number: str) -> None:
    hall = term.hall
    ticket = hall.tickets.take(OP, "newborn").value
    with hall.core.write() as conn:
        hall.core.emit(conn, EventType.CASE_ACCEPTED, {
            "case_id": new_id(), "case_number": number, "service_id": "newborn",
            "ticket_id": ticket.id, "applicant": {"masked": "张*", "key": "0" * 64},
            "materials": [], "at": hall.core.now_iso()}, OP)


def test_a_pulled_event_the_store_refuses_is_a_conflict_not_a_stall(make_server,
                                                                     make_terminal) -> None:
    srv = make_server()
    a = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    b = make_terminal(srv.url, srv.token("H1", "K2"), "K2", lease_series=("A",))
    assert type(a.hall.core.store.conn).__module__.startswith("sqlcipher3")  # the encrypted store
    _case(a, "SY-2026-0001")
    _case(b, "SY-2026-0001")  # the same case number (UNIQUE in the cases table)
    later = a.hall.tickets.take(OP, "newborn").value  # behind the refused event on the same page
    a.once()
    b.once()  # exit 0: the page is absorbed whatever one event in it does
    conflicts = local.conflict_list(b.hall.core.store.conn)
    assert [c["kind"] for c in conflicts] == ["integrity"]
    assert "CaseAccepted" in conflicts[0]["detail"] and "IntegrityError" in conflicts[0]["detail"]
    assert b.hall.tickets.get(later.id).id == later.id
    assert local.pending(b.hall.core.store.conn, "K2") == 0
    # the hub's projection meets the same refusal and still decides
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    called = desk.call_next("1", OP)
    assert called.status == "called"
    hub = srv.app.state.sync.desk._halls["H1"].core.conn
    assert hub.execute("SELECT COUNT(*) FROM events WHERE type = 'CaseAccepted'").fetchone() == (2,)
    assert hub.execute("SELECT COUNT(*) FROM cases").fetchone() == (1,)  # one refused, skipped
