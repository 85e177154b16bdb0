"""Nothing routed is missed on a multi-process platform (issue 24's follow-up): two origin halls
push events routed to one destination through two real server processes on one PostgreSQL,
while the destination's hub reads its inbox; every routed event is read exactly once.

Pushes are serialized per origin hall only, so one hall's `pos` can commit after a higher one of
another hall. The first test forces exactly that (a trigger holds one push's transaction open
after its event took its `pos`), which an inbox paged by `pos` misses for good."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from sync.server import db
from tests.sync import pg
from tests.sync.procserver import ServerProcess

pytestmark = pytest.mark.xdist_group("travel_inbox_order")

_HOLD = 424242  # the advisory lock the trigger waits on while the test holds it


def _update(hall: str, terminal: str, seq: int, to_hall: str) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "hall_id": hall, "terminal_id": terminal,
            "terminal_seq": seq, "hlc": int(time.time() * 1000) << 16, "type": "PartUpdate",
            "schema_version": 1,
            "payload": {"case_id": f"C{seq}", "step": 1, "to_hall": to_hall,
                        "status": "received", "at": "2026-12-07T21:00:00+08:00"}}


class Platform:
    def __init__(self, cluster: pg.Cluster, tmp: Path) -> None:
        self.url = cluster.new_database(f"route{uuid.uuid4().hex[:10]}")
        self.engine = db.open_engine(self.url)
        made = [ServerProcess(tmp / f"p{i}", self.url) for i in range(2)]
        self.procs = [p.ready() for p in made]

    def token(self, hall: str, terminal: str, *, hub: bool = False) -> str:
        return db.enroll(self.engine, db.new_enroll_code(self.engine, hall, terminal,
                                                         hub=hub))[1]

    def close(self) -> None:
        for proc in self.procs:
            proc.stop()
        self.engine.dispose()


@pytest.fixture(scope="module")
def platform(pg_cluster: pg.Cluster, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Platform]:
    made = Platform(pg_cluster, tmp_path_factory.mktemp("route"))
    yield made
    made.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _read_all(http: httpx.Client, url: str, token: str, after: int) -> tuple[list[str], int]:
    """Page the inbox from `after` until it gives nothing new: the event ids, and the last
    number."""
    got: list[str] = []
    for _ in range(1000):
        page = http.get(f"{url}/v1/travel/inbox", headers=_auth(token),
                        params={"after": after, "limit": 7}).json()
        got += [item["event"]["event_id"] for item in page["items"]]
        if page["next"] == after:
            break
        after = int(page["next"])
    return got, after


def test_a_push_committed_late_under_a_lower_pos_is_still_read(platform: Platform) -> None:
    a, b = platform.procs
    x_desk, y_desk = platform.token("HX", "D1"), platform.token("HY", "D1")
    hub = platform.token("HZ", "HUB", hub=True)
    with platform.engine.begin() as conn:  # hall HX's pushes wait, once stored, on the test
        conn.execute(text(
            "CREATE FUNCTION hold_hx() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"PERFORM pg_advisory_xact_lock_shared({_HOLD}); RETURN NEW; END $$"))
        conn.execute(text(
            "CREATE TRIGGER hold_hx AFTER INSERT ON events FOR EACH ROW "
            "WHEN (NEW.hall_id = 'HX') EXECUTE FUNCTION hold_hx()"))
    first, second = _update("HX", "D1", 1, "HZ"), _update("HY", "D1", 1, "HZ")
    answers: list[httpx.Response] = []
    with platform.engine.connect() as holder, httpx.Client(timeout=30) as http:
        holder.execute(text(f"SELECT pg_advisory_lock({_HOLD})"))
        holder.commit()
        pusher = threading.Thread(target=lambda: answers.append(http.post(
            f"{a.url}/v1/sync/push", headers=_auth(x_desk), json={"events": [first]})))
        pusher.start()
        try:
            waiting = 0
            for _ in range(2000):  # bounded: HX's push stored its event and waits on the lock
                waiting = int(holder.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    f"AND objid = {_HOLD} AND NOT granted")).scalar_one())
                holder.commit()
                if waiting:
                    break
                time.sleep(0.01)
            assert waiting == 1
            # HY's push, through the other process, takes a higher pos and commits first
            pushed = http.post(f"{b.url}/v1/sync/push", headers=_auth(y_desk),
                               json={"events": [second]}).json()
            assert pushed["inserted"] == 1
            seen, after = _read_all(http, a.url, hub, 0)
            assert seen == [second["event_id"]]
        finally:
            holder.execute(text(f"SELECT pg_advisory_unlock({_HOLD})"))
            holder.commit()
            pusher.join(30)
        assert answers and answers[0].json()["inserted"] == 1
        with platform.engine.connect() as conn:  # the order the bug needs: HX's pos is lower
            by_id: dict[str, int] = dict(conn.execute(text(
                "SELECT event_id, pos FROM events WHERE hall_id IN ('HX', 'HY')")).all())
        assert by_id[first["event_id"]] < by_id[second["event_id"]]
        more, _ = _read_all(http, b.url, hub, after)
        assert more == [first["event_id"]]  # read, and once: nothing routed is missed
        everything, _ = _read_all(http, a.url, hub, 0)
        assert sorted(everything) == sorted([first["event_id"], second["event_id"]])


def test_two_halls_pushing_through_two_processes_while_the_hub_reads(
        platform: Platform) -> None:
    a, b = platform.procs
    hub = platform.token("HW", "HUB", hub=True)
    sent: list[str] = []
    errors: list[str] = []

    def origin(hall: str, url: str) -> None:
        token = platform.token(hall, "D1")
        with httpx.Client(timeout=30) as http:
            for batch in range(20):  # bounded: 20 batches of 5
                events = [_update(hall, "D1", batch * 5 + i + 1, "HW") for i in range(5)]
                answer = http.post(f"{url}/v1/sync/push", headers=_auth(token),
                                   json={"events": events})
                if answer.status_code != 200 or answer.json()["inserted"] != 5:
                    errors.append(f"{hall}: {answer.status_code} {answer.text[:200]}")
                    return
                sent.extend(e["event_id"] for e in events)

    pushers = [threading.Thread(target=origin, args=("HA", a.url)),
               threading.Thread(target=origin, args=("HB", b.url))]
    for t in pushers:
        t.start()
    seen: list[str] = []
    after = 0
    with httpx.Client(timeout=30) as http:
        for turn in range(400):  # the reader pages while they push, alternating processes
            got, after = _read_all(http, (a, b)[turn % 2].url, hub, after)
            seen += got
            if not any(t.is_alive() for t in pushers) and len(seen) >= len(sent):
                break
        for t in pushers:
            t.join(60)
        got, after = _read_all(http, a.url, hub, after)
        seen += got
    assert not errors
    assert len(sent) == 200
    assert len(seen) == len(set(seen)) and set(seen) == set(sent)


def test_one_process_numbers_each_destination_and_files_what_was_stored_before(
        tmp_path: Path) -> None:
    """SQLite (one process): each destination's inbox numbered 1, 2, ... by the push; routed
    events an older release stored unfiled are filed once when the platform starts."""
    from sync.server import log, routing

    engine = db.open_engine(f"sqlite:///{tmp_path / 'central.db'}")
    routing.ensure(engine)
    desk = db.Credential("HA", "D1", role="desk")
    batch = [_update("HA", "D1", 1, "HZ"), _update("HA", "D1", 2, "HY"),
             _update("HA", "D1", 3, "HZ")]
    assert log.push(engine, desk, batch).inserted == 3
    page = routing.inbox(engine, "HZ", 0)
    assert [i["seq"] for i in page["items"]] == [1, 2] and page["next"] == 2
    assert [i["event"]["event_id"] for i in page["items"]] == [batch[0]["event_id"],
                                                                 batch[2]["event_id"]]
    assert routing.inbox(engine, "HZ", 2) == {"items": [], "next": 2}
    assert [i["seq"] for i in routing.inbox(engine, "HY", 0)["items"]] == [1]
    # as an older release left it: stored, never filed
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM travel_inbox"))
        conn.execute(text("DELETE FROM server_meta WHERE key = 'travel_inbox_filed'"))
    routing.ensure(engine)
    routing.ensure(engine)  # once: a second start files nothing again
    again = routing.inbox(engine, "HZ", 0)["items"]
    assert [(i["seq"], i["event"]["event_id"]) for i in again] == [
        (1, batch[0]["event_id"]), (2, batch[2]["event_id"])]
    engine.dispose()


def test_a_poll_held_by_one_process_wakes_for_a_push_routed_through_the_other(
        platform: Platform) -> None:
    """The inbox long-poll is woken across processes (NOTIFY): held by process a for up to
    20 s, it answers with the event process b routed (without the wake: an empty answer)."""
    a, b = platform.procs
    hub, desk = platform.token("HV", "HUB", hub=True), platform.token("HU", "D1")
    routed = _update("HU", "D1", 1, "HV")
    answers: list[httpx.Response] = []
    with httpx.Client(timeout=60) as http:
        poller = threading.Thread(target=lambda: answers.append(http.get(
            f"{a.url}/v1/travel/inbox", headers=_auth(hub), params={"after": 0, "wait": 20})))
        poller.start()
        # Not observable from here when the poll's first query has run (its connection goes
        # back to the pool): a second is ample. Were the push earlier, the poll's query would
        # find the event and the test pass without the wake: it cannot fail wrongly.
        time.sleep(1.0)
        pushed = http.post(f"{b.url}/v1/sync/push", headers=_auth(desk),
                           json={"events": [routed]}).json()
        assert pushed["inserted"] == 1
        poller.join(60)
    assert answers and [i["event"]["event_id"] for i in answers[0].json()["items"]] == [
        routed["event_id"]]
