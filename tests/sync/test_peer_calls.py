"""The calling rule without the hub (sync/peercall.py): two desks calling at the same moment
never call one ticket; strangers are kept out; a split LAN calls on both sides and each double
is shown to both clerks when the sides meet again."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from hall.actors import Actor
from hall.errors import DomainError
from sync import local, peerauth, peerstate
from sync.peercall import claim_and_call
from tests.sync.peerhall import KEY, Cable, PeerHall

CLERK = Actor.operator()
ROUNDS = int(os.environ.get("PEER_ROUNDS", "200"))


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    peers = PeerHall(tmp_path, ("D1", "D2", "K1"))
    yield peers
    peers.close()


def _issue(peers: PeerHall, n: int) -> list[str]:
    kiosk = peers["K1"].hall
    return [kiosk.tickets.take(Actor.kiosk("K1"), "newborn").value.id for _ in range(n)]


def _calls(peers: PeerHall, name: str) -> dict[str, list[str]]:
    """ticket -> the windows that called it, as this terminal's log has it."""
    out: dict[str, list[str]] = {}
    for (payload,) in peers[name].hall.core.store.conn.execute(
            "SELECT payload FROM events WHERE type = 'TicketCalled'"):
        import json

        p = json.loads(payload)
        out.setdefault(p["ticket_id"], []).append(p["window"])
    return out


def test_two_desks_calling_at_once_never_call_one_ticket(hall: PeerHall) -> None:
    _issue(hall, 2 * ROUNDS + 20)
    for desk in ("D1", "D2"):
        hall.sync_once(desk, "K1")
    hall.gossip()
    start = threading.Barrier(2)
    got: dict[str, list[str]] = {"D1": [], "D2": []}
    empty: dict[str, int] = {"D1": 0, "D2": 0}

    def desk(name: str, window: str) -> None:
        h = hall[name].open()
        try:
            for _ in range(ROUNDS):
                start.wait(30)
                try:
                    ticket = claim_and_call(h, window, CLERK)
                except DomainError:
                    empty[name] += 1  # every candidate was the other window's this instant
                    continue
                assert ticket is not None and ticket.decided_by == "peers"
                got[name].append(ticket.id)
                h.tickets.no_show(CLERK, ticket.id)
        finally:
            h.close()

    workers = [threading.Thread(target=desk, args=a) for a in (("D1", "1"), ("D2", "2"))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(300)
    assert not set(got["D1"]) & set(got["D2"])  # no ticket called at both windows
    assert len(got["D1"]) + len(got["D2"]) >= 2 * ROUNDS - 10  # and they kept calling
    for a, b in (("D1", "D2"), ("D2", "D1")):
        hall.sync_once(a, b)
    for desk_name in ("D1", "D2"):
        calls = _calls(hall, desk_name)
        assert all(len(windows) == 1 for windows in calls.values())
        assert local.conflict_list(hall[desk_name].hall.core.store.conn) == []


def test_a_stranger_is_refused(hall: PeerHall) -> None:
    url = hall["D1"].url
    assert httpx.get(f"{url}/v1/peer/pull?cursor=0").status_code == 401
    bad = peerauth.sign(b"x" * 32, "D2", "GET", "/v1/peer/pull?cursor=0")
    assert httpx.get(f"{url}/v1/peer/pull?cursor=0",
                     headers={peerauth.HEADER: bad}).status_code == 401
    good = peerauth.sign(KEY, "D2", "GET", "/v1/peer/pull?cursor=0")
    assert httpx.get(f"{url}/v1/peer/pull?cursor=1",  # signed for another request
                     headers={peerauth.HEADER: good}).status_code == 401
    assert httpx.get(f"{url}/v1/peer/pull?cursor=0",
                     headers={peerauth.HEADER: good}).status_code == 200


def test_a_split_lan_and_its_healing(hall: PeerHall) -> None:
    """Group A: D1 and the kiosk K1; group B: D2. Cables stand between the groups."""
    d1_from_d2 = Cable(hall["D1"].server.port)
    d2_from_d1 = Cable(hall["D2"].server.port)
    k1_from_d2 = Cable(hall["K1"].server.port)
    d2_from_k1 = Cable(hall["D2"].server.port)
    proxies = (d1_from_d2, d2_from_d1, k1_from_d2, d2_from_k1)
    try:
        hall.route("D2", "D1", d1_from_d2.url)
        hall.route("D1", "D2", d2_from_d1.url)
        hall.route("D2", "K1", k1_from_d2.url)
        hall.route("K1", "D2", d2_from_k1.url)
        before = _issue(hall, 3)
        hall.gossip()
        for name in ("D1", "D2"):
            _wait(lambda n=name: _known(hall, n, before))
        for p in proxies:
            p.cut()  # the LAN splits
        during = _issue(hall, 2)  # in group A only
        one = claim_and_call(hall["D1"].hall, "1", CLERK)
        two = claim_and_call(hall["D2"].hall, "2", CLERK)
        assert one is not None and two is not None
        # each side called the first ticket it knew, unconfirmed by the other side
        assert one.id == two.id == before[0]
        for name in ("D1", "D2"):
            note = local.get(hall[name].hall.core.store.conn, "peer_last_call")
            assert "D2" in note or "D1" in note  # the peer it could not ask is named
        _wait(lambda: _known(hall, "D1", during))
        assert not _known(hall, "D2", during)  # group B cannot see group A's new tickets
        # what each desk is told on its queue panel ("可能不完整: …", ui/sync_state.py)
        _wait(lambda: _hearing(hall, "D2")["unheard"] == ["D1", "K1"])
        _wait(lambda: _hearing(hall, "D1")["unheard"] == ["D2"])
        assert not _hearing(hall, "D1")["whole_queue"]
        assert local.conflict_list(hall["D1"].hall.core.store.conn) == []

        for p in proxies:
            p.mend()  # healed
        _wait(lambda: _known(hall, "D2", during))
        for name in ("D1", "D2"):
            _wait(lambda n=name: _hearing(hall, n)["whole_queue"])
        for name in ("D1", "D2"):
            _wait(lambda n=name: len(local.conflict_list(hall[n].hall.core.store.conn)) == 1)
            clash = local.conflict_list(hall[name].hall.core.store.conn)[0]
            assert clash["kind"] == "call" and clash["ticket_id"] == before[0]
    finally:
        for p in proxies:
            p.close()


def _hearing(hall: PeerHall, name: str) -> dict[str, Any]:
    return peerstate.hearing(hall[name].hall.core.store.conn, hub_online=False)


def _known(hall: PeerHall, name: str, tickets: list[str]) -> bool:
    conn = hall[name].hall.core.store.conn
    return all(conn.execute("SELECT 1 FROM tickets WHERE ticket_id = ?", (t,)).fetchone()
               for t in tickets)


def _wait(test, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)
