"""Call-next decided by the hub: two windows never get one ticket; a desk cut off from the hub
that calls a ticket the hub gave another window is reported on both sides."""

from __future__ import annotations

import threading

import pytest

from hall.errors import DomainError
from sync import local
from sync.errors import NetworkError
from tests.conftest import OP
from tests.sync.faultproxy import FaultProxy


def test_two_windows_calling_at_once_never_share_a_ticket(make_server, make_terminal) -> None:
    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    desks = [make_terminal(srv.url, srv.token("H1", f"D{i}"), f"D{i}", lease_series=())
             for i in (1, 2)]
    for _ in range(8):
        kiosk.hall.tickets.take(OP, "newborn")
    kiosk.once()
    called: dict[str, list[str]] = {"1": [], "2": []}
    errors: list[BaseException] = []

    def work(desk, window: str) -> None:
        try:
            for _ in range(4):
                ticket = desk.call_next(window, OP)
                called[window].append(ticket.id)
                desk.hall.tickets.done(OP, ticket.id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d, w)) for d, w in zip(desks, "12",
                                                                           strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    everyone = called["1"] + called["2"]
    assert len(everyone) == len(set(everyone)) == 8


def test_offline_call_conflict_is_reported_to_both(make_server, make_terminal) -> None:
    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    with FaultProxy(srv.port) as proxy:
        d1 = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
        d2 = make_terminal(proxy.url, srv.token("H1", "D2"), "D2", lease_series=(), timeout=2.0)
        first = kiosk.hall.tickets.take(OP, "newborn").value
        kiosk.once()
        d2.once()
        proxy.down = True
        local_call = d2.hall.tickets.call_next(OP, "2").value  # cut off: calls from what it knows
        hub_call = d1.call_next("1", OP)  # the hub knows nothing of it
        assert local_call.id == hub_call.id == first.id
        try:
            d2.once()
        except NetworkError:
            pass
        proxy.down = False
        d2.once()
        d1.once()
    for desk in (d1, d2):
        conflicts = local.conflict_list(desk.hall.core.store.conn)
        assert [c["kind"] for c in conflicts] == ["call"]
        assert conflicts[0]["ticket_id"] == first.id


def test_a_hub_routed_call_updates_the_sync_status(make_server, make_terminal, tmp_path) -> None:
    from sync import credential, runner
    from sync.hubcall import call_through_hub

    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    kiosk.hall.tickets.take(OP, "newborn")
    kiosk.once()
    folder = desk.hall.data_dir
    credential.save(folder, credential.SyncCredential(srv.url, srv.token("H1", "D1"), "H1",
                                                      "D1"))
    assert runner.status(desk.hall.core)["last_success_ms"] is None
    ticket = call_through_hub(desk.hall, "1", OP)
    assert ticket is not None and ticket.status == "called"
    state = runner.status(desk.hall.core)
    assert state["last_success_ms"] is not None and state["online"] is True
    called = desk.hall.core.store.conn.execute(
        "SELECT json_extract(payload, '$.decided_by') FROM events WHERE type = 'TicketCalled'"
    ).fetchall()
    assert called == [("hub",)]
    credential.save(folder, credential.SyncCredential("http://127.0.0.1:9", "x", "H1", "D1"))
    assert call_through_hub(desk.hall, "2", OP, timeout=1.0) is None  # hub out of reach
    state = runner.status(desk.hall.core)
    assert state["online"] is False and state["last_error"] is not None


def test_a_late_offline_call_does_not_reopen_a_ticket_done_at_another_window(
        make_server, make_terminal) -> None:
    """The soak (issue 29): desk 2, cut off, called the ticket desk 1 then called through the
    hub and finished. Where desk 2's call arrived after desk 1's done, it reopened the ticket
    as called at window 2, in every store but desk 2's own (there the calls came in the other
    order): the hall held window 2 busy with a ticket desk 2 did not hold, and desk 2 was never
    offered a ticket again. Every store must end with the same ticket: done at window 1."""
    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    with FaultProxy(srv.port) as proxy:
        d1 = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
        d2 = make_terminal(proxy.url, srv.token("H1", "D2"), "D2", lease_series=(), timeout=2.0)
        first = kiosk.hall.tickets.take(OP, "newborn").value
        kiosk.once()
        d2.once()
        proxy.down = True
        assert d2.hall.tickets.call_next(OP, "2").value.id == first.id  # cut off
        assert d1.call_next("1", OP).id == first.id
        d1.hall.tickets.done(OP, first.id)
        d1.once()
        kiosk.once()  # the kiosk has desk 1's call and done before desk 2's call
        proxy.down = False
        d2.once()
        d1.once()
        kiosk.once()
        d2.once()
    seen = {name: (t.status, t.window) for name, t in
            (("kiosk", kiosk.hall.tickets.get(first.id)), ("d1", d1.hall.tickets.get(first.id)),
             ("d2", d2.hall.tickets.get(first.id)))}
    assert seen == {"kiosk": ("done", "1"), "d1": ("done", "1"), "d2": ("done", "1")}, seen
    for desk in (d1, d2):  # still told, not merged silently
        assert [c["kind"] for c in local.conflict_list(desk.hall.core.store.conn)] == ["call"]


def test_a_move_the_hub_hears_before_its_ticket_s_issue_is_not_lost(
        make_server, make_terminal) -> None:
    """The soak (issue 29): with the hub away, desk 1 heard the kiosk's ticket through its peers
    (sync/peering.py absorbs their pages), called it and finished it; back, desk 1 pushed its
    call and done before the kiosk pushed the issue. The hub's projection took the moves of a
    ticket it did not have (no row changed), then the issue: the ticket waited there for good,
    the hub offered it to every F1 and each desk refused it ("当前状态下不能进行这一步",
    illegal_transition) from hall hour 3 on. The moves are projected once the issue comes."""
    from hall.store.eventlog import iter_events
    from sync.wire import WireEvent

    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    d1 = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    d2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
    kiosk.once()  # its number block, before the hub goes away
    served = kiosk.hall.tickets.take(OP, "newborn").value
    heard = [WireEvent(event_id=e.event_id, hall_id=e.hall_id, terminal_id=e.terminal_id,
                       terminal_seq=e.terminal_seq, hlc=e.hlc, type=e.type,
                       schema_version=e.schema_version, payload=e.payload)
             for e in iter_events(kiosk.hall.core.store.conn) if e.terminal_id == "K1"]
    with d1.hall.core.write(source="sync") as conn:  # the peer service's apply path
        local.absorb(conn, heard)
    assert d1.hall.tickets.call_next(OP, "1").value.id == served.id  # the hub away: local
    d1.hall.tickets.done(OP, served.id)
    d1.once()  # the hub back: desk 1's call and done reach it first
    kiosk.once()  # then the issue
    later = kiosk.hall.tickets.take(OP, "newborn").value
    kiosk.once()
    assert d2.call_next("2", OP).id == later.id  # not the ticket desk 1 served
    with pytest.raises(DomainError) as refused:  # no offer of a served ticket to refuse
        d1.call_next("1", OP)
    assert refused.value.code == "nothing_waiting"
    kiosk.once()
    for store in (kiosk, d1, d2):  # d2 pulled the hub's log in its order: moves first
        assert store.hall.tickets.get(served.id).status == "done"
