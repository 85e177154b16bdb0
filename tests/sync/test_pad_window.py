"""A rating pad rates the visits of its own window only, checked at every hop (hall/pad_window.py).

As an attacker would: the pad of window 1 (its credential bound to window 1 at its enrolment)
writes ratings of a visit window 2 served straight into its own store, past its session, and
pushes them to the real hub over HTTP: naming window 2, lying that the visit was window 1's,
posing as window 2's pad. The hub refuses each with the code `other_window` (dead-lettered and
counted like any refused event) and takes the pad's honest rating of its own window's visit.
A compromised hub forwarding such a rating to the central platform gets it past the platform
(which knows no tickets), but a terminal applying it from its pull refuses it too."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hall.actors import Actor
from hall.errors import DomainError
from hall.events import EventType
from hall.ids import new_id
from sync import local
from sync.client import _outbox
from sync.server import db, status
from sync.server.tables import dead_letters
from tests.hall.test_cli import ROOT

ONE = Actor.account("li", "clerk", "1")
TWO = Actor.account("wang", "clerk", "2")


def _served(term: Any, clerk: Actor) -> Any:
    hall = term.hall
    t = hall.tickets.take(clerk, "newborn").value
    hall.tickets.call_next(clerk, clerk.window)
    hall.tickets.start(clerk, t.id)
    hall.tickets.done(clerk, t.id)
    return t


def _forge(pad: Any, ticket_id: str, window: str, as_window: str) -> None:
    """What a stolen pad's store and key can write: any rating, under any pad window it claims."""
    core = pad.hall.core
    with core.write() as conn:
        core.emit(conn, EventType.RATING_GIVEN, {
            "rating_id": new_id(), "ticket_id": ticket_id, "grade": 1, "text": None,
            "follow_up_due": None, "at": core.now_iso(), "stage": "visit", "window": window,
            "clerk": "wang", "service_id": "newborn", "case_id": None},
            Actor.rater(core.config.terminal_id, as_window))


def test_a_pad_credential_rates_its_own_window_only(make_server, make_terminal) -> None:
    hub = make_server()
    desk = make_terminal(hub.url, hub.token("H1", "D1"), "D1", lease_series=())
    pad = make_terminal(hub.url, hub.token("H1", "R1", role="rater", window="1"), "R1",
                        lease_series=())
    mine, theirs = _served(desk, ONE), _served(desk, TWO)
    desk.once()
    pad.pull()
    with pytest.raises(DomainError) as told:  # its session alone refuses it first
        pad.hall.rater_session("1").ratings.rate(theirs.id, 1)
    assert told.value.code == "other_window"

    _forge(pad, theirs.id, window="2", as_window="1")  # names the other window's visit
    _forge(pad, theirs.id, window="1", as_window="1")  # lies: the hub knows window 2 served it
    _forge(pad, theirs.id, window="2", as_window="2")  # poses as window 2's pad
    honest = pad.hall.rater_session("1").ratings.rate(mine.id, 4).value
    _, rejected = pad.push()
    assert rejected == 3
    reasons = [r["reason"] for r in local.rejected_list(pad.hall.core.store.conn)]
    assert len(reasons) == 3 and all(r.startswith("other_window: ") for r in reasons), reasons
    assert "served at window 2" in reasons[1] and "enrolled for window 1" in reasons[2]
    # counted like other refusals: dead letters, the pad's `refused` in serve status
    with hub.engine.connect() as conn:
        dead = conn.execute(select(dead_letters.c.terminal_id, dead_letters.c.reason)).all()
    assert [d[0] for d in dead] == ["R1"] * 3
    [row] = [t for t in status.terminals(hub.engine, False) if t["terminal"] == "R1"]
    assert row["refused"] == 3
    # the desk hears of the honest rating only
    desk.pull()
    rated = desk.hall.core.store.conn.execute("SELECT rating_id, window FROM ratings").fetchall()
    assert rated == [(honest.id, "1")]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_terminal_refuses_a_forwarded_rating_of_another_window(make_server,
                                                                 make_terminal) -> None:
    """The central platform takes what a hub forwards (it holds no tickets); a terminal pulling
    from it holds the ticket and refuses a pad's rating of a visit another window served."""
    central = make_server(role="central")
    desk = make_terminal(central.url, central.token("H1", "D1"), "D1", lease_series=())
    pad = make_terminal(central.url, central.token("H1", "R1", role="rater", window="1"), "R1",
                        lease_series=())
    theirs = _served(desk, TWO)
    desk.once()
    pad.pull()
    _forge(pad, theirs.id, window="1", as_window="1")
    # a compromised hub of the hall forwards the pad's stream as it is
    batch = _outbox(pad.hall.core.store.conn, "R1", 0, 100)
    hub_token = central.token("H1", "HUB", hub=True)
    answer = httpx.post(f"{central.url}/v1/sync/push", json={"events": batch},
                        headers={"authorization": f"Bearer {hub_token}"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
    desk.pull()
    assert desk.hall.core.store.conn.execute("SELECT COUNT(*) FROM ratings").fetchone() == (0,)
    [conflict] = [c for c in local.conflict_list(desk.hall.core.store.conn)
                  if c["ticket_id"] == theirs.id]
    assert conflict["kind"] == "invalid"
    assert conflict["detail"].startswith("other_window: ") and "window 2" in conflict["detail"]


def test_a_rating_pad_is_enrolled_for_its_window(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """serve enroll-code --role rater needs --window (exit 2 without, or with a bad one); the
    code's credential carries it."""
    def enroll(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "enroll-code",
                               "--hall", "H1", "--terminal", "R1", "--data-dir", str(tmp_path),
                               "--json", *extra], capture_output=True, text=True, timeout=60,
                              cwd=ROOT)

    assert enroll("--role", "rater").returncode == 2
    assert enroll("--role", "desk", "--window", "1").returncode == 2
    assert enroll("--role", "rater", "--window", "窗口一").returncode == 2
    done = enroll("--role", "rater", "--window", "3")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["role"], out["window"]) == ("rater", "3")
    engine = db.open_engine(db.database_url(tmp_path, None))
    try:
        cred, _ = db.enroll(engine, out["code"])
    finally:
        engine.dispose()
    assert (cred.role, cred.window) == ("rater", "3")
