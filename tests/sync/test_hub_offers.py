"""A call the hub decided is never left hanging (issue 10, part 3): the hub's decision is an offer
the desk confirms by recording the call; a lost answer, a local call instead, a desk that never
comes back or a hub restart never leave a ticket held by a window that is not serving it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from hall.errors import DomainError
from sync.errors import NetworkError
from sync.server import db
from sync.server.hub import HUB, CallDesk
from tests.conftest import OP
from tests.sync.conftest import RunningServer
from tests.sync.faultproxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
CALLS = b"/v1/calls/next"
HOLD_S = 8.0  # past the desk's timeout: the hub's answer never arrives

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # the hub's hall store is SQLCipher


def cli(folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir",
                           str(folder), "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout.strip().splitlines()[-1])


def holders(conn: Any) -> dict[str, str]:
    """Tickets a window holds (called or being served): ticket id -> window."""
    return dict(conn.execute("SELECT ticket_id, window FROM tickets "
                             "WHERE status IN ('called', 'serving')").fetchall())


def hub_view(srv: RunningServer) -> Any:
    """The hub's store of the hall, brought up to the log first."""
    desk: CallDesk = srv.app.state.sync.desk
    desk.refresh("H1")
    return desk._halls["H1"].core.conn


def hub_offers(srv: RunningServer) -> dict[str, Any]:
    rows = hub_view(srv).execute(
        "SELECT key, value FROM sync_state WHERE key LIKE 'hub_offer:%'").fetchall()
    return {k.split(":", 1)[1]: json.loads(v) for k, v in rows}


def queue(make_terminal: Any, url: str, srv: RunningServer, n: int) -> list[Any]:
    kiosk = make_terminal(url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    tickets = [kiosk.hall.tickets.take(OP, "newborn").value for _ in range(n)]
    kiosk.once()
    return tickets


def test_a_desk_whose_hub_call_times_out_calls_locally(make_server, make_terminal,
                                                       tmp_path: Path) -> None:
    """Through the CLI: the hub decides, its answer is held past the desk's 3 s, the desk calls
    locally; after sync no ticket is held by two windows or by none, and the window's next call
    works through the hub."""
    srv = make_server()
    a1, a2, a3, _a4 = queue(make_terminal, srv.url, srv, 4)
    d1 = tmp_path / "d1"
    with FaultProxy(srv.port) as proxy:
        assert cli(d1, "setup", "--hall", "H1", "--terminal", "D1")[0] == 0
        code = db.new_enroll_code(srv.engine, "H1", "D1")
        assert cli(d1, "sync", "enroll", "--server", proxy.url, "--code", code)[0] == 0
        assert cli(d1, "sync", "--once")[0] == 0
        proxy.hold_answers(CALLS, HOLD_S)
        started = time.monotonic()
        code, out = cli(d1, "ticket", "call", "--window", "1")
        waited = time.monotonic() - started
        assert code == 0 and out["decided_by"] == "local" and out["ticket"]["id"] == a1.id
        assert proxy.held == 1 and hub_offers(srv)["1"]["ticket_id"] == a1.id  # the hub decided
        proxy.release_answers()
        assert cli(d1, "sync", "--once")[0] == 0
        d2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
        assert d2.call_next("2", OP).id == a2.id  # a1 is window 1's: the desk's call confirmed it
        assert "1" not in hub_offers(srv)
        assert cli(d1, "ticket", "done", "--ticket", a1.id)[0] == 0
        code, out = cli(d1, "ticket", "call", "--window", "1")
        assert code == 0 and out["decided_by"] == "hub" and out["ticket"]["id"] == a3.id
        assert cli(d1, "sync", "--once")[0] == 0
        d2.once()
    code, listed = cli(d1, "ticket", "list")
    desk1 = {t["id"]: t["window"] for t in listed["tickets"] if t["status"] == "called"}
    want = {a2.id: "2", a3.id: "1"}
    assert desk1 == holders(d2.hall.core.conn) == want  # never two windows, never none
    hub = holders(hub_view(srv))
    assert hub == want and hub_offers(srv) == {}
    print(f"\n[proof 4] the hub's answer held {waited:.1f} s; the desk called {a1.number} "
          f"locally; after sync held: {sorted(want.values())} windows, one ticket each")


def test_a_local_call_of_another_ticket_withdraws_the_offer(make_server,
                                                            make_terminal) -> None:
    srv = make_server()
    a1, a2, _a3 = queue(make_terminal, srv.url, srv, 3)
    with FaultProxy(srv.port) as proxy:
        d1 = make_terminal(proxy.url, srv.token("H1", "D1"), "D1", lease_series=(), timeout=2.0)
        d2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
        d1.once()
        proxy.hold_answers(CALLS, HOLD_S)
        with pytest.raises(NetworkError):
            d1.call_next("1", OP)  # the hub offered a1; the answer is lost
        assert hub_offers(srv)["1"]["ticket_id"] == a1.id
        d1.hall.tickets.call_ticket(OP, a2.id, "1")  # the clerk calls another ticket locally
        proxy.release_answers()
        d1.once()
        assert d2.call_next("2", OP).id == a1.id  # withdrawn: first in line again, at window 2
        d1.once()
        d2.once()
    want = {a1.id: "2", a2.id: "1"}
    assert holders(d1.hall.core.conn) == holders(d2.hall.core.conn) == want
    assert holders(hub_view(srv)) == want and hub_offers(srv) == {}
    withdrawn = hub_view(srv).execute(
        "SELECT json_extract(payload, '$.reason') FROM events "
        "WHERE type = 'TicketCallWithdrawn'").fetchall()
    assert withdrawn == [("the window called another ticket",)]


def test_an_unconfirmed_offer_expires_and_a_lost_answer_is_given_again(
        make_server, make_terminal) -> None:
    srv = make_server()
    a1, a2, a3 = queue(make_terminal, srv.url, srv, 3)
    with FaultProxy(srv.port) as proxy:
        d1 = make_terminal(proxy.url, srv.token("H1", "D1"), "D1", lease_series=(), timeout=2.0)
        d2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
        proxy.hold_answers(CALLS, HOLD_S)
        with pytest.raises(NetworkError):
            d1.call_next("1", OP)
        proxy.release_answers()
        assert d1.call_next("1", OP).id == a1.id  # asked again: the same ticket, now recorded
        d1.hall.tickets.done(OP, a1.id)
        proxy.hold_answers(CALLS, HOLD_S)
        with pytest.raises(NetworkError):
            d1.call_next("1", OP)  # a2 offered; this desk never comes back
        assert d2.call_next("2", OP).id == a3.id  # the live offer holds a2 meanwhile
        d2.hall.tickets.done(OP, a3.id)
        srv.app.state.sync.desk.offer_ttl = 0.5
        with pytest.raises(NetworkError):
            d1.call_next("1", OP)  # renews a2's offer, now for 0.5 s
        time.sleep(0.8)
        assert d2.call_next("2", OP).id == a2.id  # expired: offered anew
    assert holders(hub_view(srv)) == {a2.id: "2"} and hub_offers(srv) == {}


def test_offers_survive_a_hub_restart(make_server, make_terminal, tmp_path: Path) -> None:
    srv = make_server()
    a1, a2 = queue(make_terminal, srv.url, srv, 2)
    with FaultProxy(srv.port) as proxy:
        d1 = make_terminal(proxy.url, srv.token("H1", "D1"), "D1", lease_series=(), timeout=2.0)
        d2 = make_terminal(proxy.url, srv.token("H1", "D2"), "D2", lease_series=())
        proxy.hold_answers(CALLS, HOLD_S)
        with pytest.raises(NetworkError):
            d1.call_next("1", OP)
        proxy.release_answers()
        srv.stop()
        again = RunningServer(srv.data_dir, db.database_url(srv.data_dir, None))
        try:
            proxy.target_port = again.port
            assert d2.call_next("2", OP).id == a2.id  # a1 is still window 1's offer
            assert d1.call_next("1", OP).id == a1.id
        finally:
            again.stop()


def test_a_decision_cut_by_a_kill_is_completed(make_server, make_terminal) -> None:
    srv = make_server()
    a1, a2 = queue(make_terminal, srv.url, srv, 2)
    desk: CallDesk = srv.app.state.sync.desk
    d2 = make_terminal(srv.url, srv.token("H1", "D2"), "D2", lease_series=())
    d2.call_next("2", OP)  # the hub's store caught up: a1 at window 2
    d2.hall.tickets.done(OP, a1.id)
    d2.once()
    hall = desk._halls["H1"]
    with hall.core.store.write() as conn:  # the offer written before deciding …
        conn.execute("INSERT INTO sync_state(key, value) VALUES ('hub_offer:1', ?)",
                     (json.dumps({"ticket_id": None, "label": None, "streak": 0,
                                  "targeted": [], "expires_ms": 2**53}),))
    hall.tickets.call_next(HUB, "1")  # … the decision committed, and the kill came before the offer's ticket
    assert desk.call_next("H1", "1").ticket_id == a2.id  # the same window: the same ticket
    assert hub_offers(srv)["1"]["ticket_id"] == a2.id


def test_a_refused_call_is_a_409_with_its_reason(make_server, make_terminal) -> None:
    srv = make_server()
    (a1,) = queue(make_terminal, srv.url, srv, 1)
    token = srv.token("H1", "D1")
    d1 = make_terminal(srv.url, token, "D1", lease_series=())
    assert d1.call_next("1", OP).id == a1.id
    with pytest.raises(DomainError) as refused:
        d1.call_next("1", OP)
    assert refused.value.code == "window_busy"
    assert f"window 1 still holds {a1.number}" in str(refused.value)
    with httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {token}"}) as http:
        busy = http.post("/v1/calls/next", json={"window": "1"})
        assert busy.status_code == 409
        assert busy.json()["code"] == "window_busy" and "still holds" in busy.json()["detail"]
        empty = http.post("/v1/calls/next", json={"window": "2"})
        assert empty.status_code == 200 and empty.json()["ticket_id"] is None
