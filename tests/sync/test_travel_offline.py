"""Issue 24, the proofs left: a village station three days offline while its clock moves, and
restarts of the county's hub and of the central platform, through real servers (central,
county hub, village station, county desk; the setup of test_travel_cases.py).

- Three days: the station's link to the platform is cut (its own fault proxy; the county's hub
  stays online) while the halls' clocks (the station's and the county desk's, injected) move a
  day at a time. The station accepts a case each day and hands in a 补正 the county asked for
  before the cut; the county decides the parts it holds. Back: every event once at both ends,
  nothing refused, each part's 承诺时限 counted in working days from the day the station
  accepted it (and moved on by the working days a 补正 waited), the same at both ends.
- Restarts: the county hub stopped and started on the same data dir between a part's arrival
  and its decision; the platform stopped and started while the hub's read of its inbox is in
  flight (its answer held by the proxy). Nothing lost, nothing twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from hall import workdays
from hall.actors import Actor
from hall.app import Hall
from hall.security.crypto import seal_applicant
from sync import credential, runner
from sync.server.tables import events
from tests.conftest import FakeClock
from tests.sync.conftest import RunningServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_travel_cases import (
    CLERK,
    ID_NUMBER,
    ITEMS,
    NAME,
    OP,
    PHONE,
    count,
    county_and_station,
    scan_blind,
    until,
)

LIMIT = 10  # 新生儿出生's 承诺时限, working days (the catalog's)


class World:
    """The halls' and the servers' wall clock: the real one moved by `offset` (three days pass
    for everyone: the platform's clock too, else it rightly refuses the station's events as
    ahead of it). The halls take it as their `wall`; the servers' stamps (`hall.clock.now_ms`,
    which every server module imports) read it through the patched `time`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import hall.clock

        self.offset = timedelta(0)
        real = time.time_ns
        world = self

        class Shifted:
            @staticmethod
            def time_ns() -> int:
                return real() + int(world.offset.total_seconds()) * 1_000_000_000

        monkeypatch.setattr(hall.clock, "time", Shifted)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, days: int) -> None:
        self.offset += timedelta(days=days)


def at(data_dir: Path, clock: Callable[[], datetime], fn: Callable[[Hall], Any]) -> Any:
    """Act on a terminal's hall with its wall clock `clock`."""
    hall = Hall.open(data_dir, wall=clock)
    try:
        return fn(hall)
    finally:
        hall.close()


def sync_at(data_dir: Path, clock: Callable[[], datetime], rejected: list[int]) -> None:
    """One sync round of a terminal whose clock is `clock` (a cut link fails the round)."""
    from hall.errors import HallError

    def go(h: Hall) -> None:
        try:
            rejected.append(int(runner.once(h, credential.load(data_dir))["rejected"]))
        except HallError:
            pass

    at(data_dir, clock, go)


def accept_at(station: Path, clock: Callable[[], datetime]) -> str:
    def go(h: Hall) -> str:
        applicant = seal_applicant(h.core.sealer, h.core.index_key, name=NAME,
                                   id_number=ID_NUMBER, phone=PHONE, verified=True,
                                   source="id_card")
        return str(h.cases.accept(OP, "newborn", applicant, ITEMS).value.number)

    return str(at(station, clock, go))


def decide_at(desk: Path, clock: Callable[[], datetime], ref: str, step: int, outcome: str,
              **kw: Any) -> None:
    def go(h: Hall) -> None:
        dept = next(s.department for s in h.cases.get(OP, ref).steps if s.step == step)
        h.parts.decide(Actor.account("d", "department", department=dept), ref, step, outcome,
                       **kw)

    at(desk, clock, go)


def steps_of(data_dir: Path, clock: Callable[[], datetime], ref: str) -> dict[int, tuple[str, str | None]]:
    got: dict[int, tuple[str, str | None]] = at(
        data_dir, clock, lambda h: {s.step: (s.status, s.due) for s in h.cases.get(OP, ref).steps})
    return got


def shanghai_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) + timedelta(hours=8)).date()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_station_three_days_offline_while_its_clock_moves(
        make_server: Any, tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    central = make_server(role="central")
    clock = World(monkeypatch)
    rejected: list[int] = []
    with FaultProxy(central.port) as county_link, FaultProxy(central.port) as station_link:
        hub, desk, station = county_and_station(make_server, tmp_path, county_link, central)
        cred = json.loads((station / "sync.json").read_text())
        (station / "sync.json").write_text(json.dumps({**cred, "server": station_link.url}))

        def both() -> None:
            sync_at(station, clock, rejected)
            sync_at(desk, clock, rejected)

        # day 0, online: a case travels; the county asks a 补正 of part 3 and decides the rest
        first = accept_at(station, clock)
        there = f"V1-{first}"
        until(lambda: count(desk, "SELECT COUNT(*) FROM cases"), both)
        decide_at(desk, clock, there, 3, "received")
        decide_at(desk, clock, there, 3, "correction", note="户口簿需本人签字", bring=["户口簿"])
        until(lambda: steps_of(station, clock, first)[3][0] == "correction", both)
        asked_day = shanghai_day(clock())

        # the station's link is cut for three days; both halls go on working
        station_link.down = True
        later: list[str] = []
        for day in range(1, 4):
            clock.advance(days=1)
            later.append(accept_at(station, clock))
            for step in (1, 2, 4, 5, 6, 7):  # the county decides what it holds, a part a day
                if steps_of(desk, clock, there)[step][0] == "pending":
                    decide_at(desk, clock, there, step, "received")
                    decide_at(desk, clock, there, step, "approved")
                    break
            if day == 3:  # the applicant brings the 补正 to the station on the third day
                at(station, clock, lambda h: h.parts.correct(CLERK, first, 3))
            both()
        assert count(desk, "SELECT COUNT(*) FROM cases") == 1  # nothing came through the cut
        assert steps_of(station, clock, first)[1][0] == "pending"

        # back: both ends converge
        station_link.down = False
        until(lambda: count(desk, "SELECT COUNT(*) FROM cases") == 4
              and steps_of(desk, clock, there)[3][0] == "corrected"
              and sum(s == "approved" for s, _ in steps_of(station, clock, first).values()) == 3,
              both)
        decide_at(desk, clock, there, 3, "approved")
        for step in (5, 6, 7):
            decide_at(desk, clock, there, step, "received")
            decide_at(desk, clock, there, step, "approved")
        for number in later:
            for step in range(1, 8):
                decide_at(desk, clock, f"V1-{number}", step, "received")
                decide_at(desk, clock, f"V1-{number}", step, "approved")
        until(lambda: all({s for s, _ in steps_of(station, clock, n).values()} == {"approved"}
                          for n in [first, *later]), both)
        for _ in range(2):
            both()
        status = at(station, clock, lambda h: h.operator_session().sync_status())

    assert status.pending == 0 and not any(rejected)
    assert status.rejected == (), "the platform refused events of the moved clock"
    # 承诺时限: working days from the day the station accepted (its clock), the same at both ends
    calendar = workdays.load(station)
    start = shanghai_day(clock()) - timedelta(days=3)
    for day, number in enumerate([first, *later]):
        expected = calendar.add(start + timedelta(days=day), LIMIT).isoformat()
        here, away = steps_of(station, clock, number), steps_of(desk, clock, f"V1-{number}")
        for step in range(1, 8):
            want = expected
            if number == first and step == 3:  # moved on by the working days the 补正 waited
                waited = calendar.between(asked_day, asked_day + timedelta(days=3))
                want = calendar.add(date.fromisoformat(expected), waited).isoformat()
            assert here[step][1] == away[step][1] == want, (number, step)
    # every event once at both ends and on the platform
    sent = count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartUpdate'")
    assert sent == 4 * 7 * 2 + 1  # 签收 and a decision each; part 3 of the first asked a 补正 too
    assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartArrived'") == 4
    assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == 1
    assert count(station, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == sent
    assert count(station, "SELECT COUNT(DISTINCT json_extract(payload, '$.update_id')) FROM "
                          "events WHERE type = 'PartHeard'") == sent
    own = count(station, "SELECT COUNT(*) FROM events")
    with central.engine.connect() as c:
        ids = c.execute(select(events.c.event_id)).scalars().all()
        from_station = c.execute(select(events.c.event_id).where(
            events.c.hall_id == "V1")).scalars().all()
    assert len(ids) == len(set(ids))
    assert len(from_station) == own  # all the station's log, once (pushed, none refused)
    with hub.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM travel_done")).scalar() == 5
    scan_blind(central)


def restart(srv: RunningServer, role: str, **options: Any) -> RunningServer:
    """Stop a real server and start it again on the same data dir and database."""
    upstream = None
    if srv.upstream is not None:
        c = srv.upstream.cred
        upstream = {"server": c.server, "token": c.token, "hall": c.hall_id, "hub": c.terminal_id,
                    "wait": 1.0, "timeout": 3.0, "cap": 0.5, "idle": 0.2}
    srv.stop()
    return RunningServer(srv.data_dir, srv.database_url, role, upstream, **options)


def point(data_dir: Path, url: str) -> None:
    cred = json.loads((data_dir / "sync.json").read_text())
    (data_dir / "sync.json").write_text(json.dumps({**cred, "server": url}))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_hub_and_the_platform_restarted_lose_nothing(make_server: Any, tmp_path: Path,
                                                         backend: str) -> None:
    central = make_server(role="central")
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    rejected: list[int] = []
    started: list[RunningServer] = []
    try:
        with FaultProxy(central.port) as county_link, FaultProxy(central.port) as station_link:
            hub, desk, station = county_and_station(make_server, tmp_path, county_link, central)
            point(station, station_link.url)

            def both() -> None:
                sync_at(station, clock, rejected)
                sync_at(desk, clock, rejected)

            first = accept_at(station, clock)
            there = f"V1-{first}"
            until(lambda: count(desk, "SELECT COUNT(*) FROM cases"), both)
            # the county hub restarts between the part's arrival and its decision
            hub = restart(hub, "hub", travel_every=0.2)
            started.append(hub)
            point(desk, hub.url)
            for step in range(1, 8):
                decide_at(desk, clock, there, step, "received")
                decide_at(desk, clock, there, step, "approved")
            until(lambda: {s for s, _ in steps_of(station, clock, first).values()} ==
                  {"approved"}, both)
            # the platform restarts while the hub reads its inbox: the hub's ask reaches it,
            # its answer (a second case) is held on the way back, and the platform stops
            county_link.hold_answers(b"/travel/inbox", 30.0)
            second = accept_at(station, clock)
            sync_at(station, clock, rejected)
            held = time.monotonic() + 30
            while county_link.held == 0 and time.monotonic() < held:
                time.sleep(0.05)
            assert county_link.held, "the hub's inbox read was not caught in flight"
            central = restart(central, "central")
            started.append(central)
            county_link.target_port = station_link.target_port = central.port
            county_link.release_answers()
            until(lambda: count(desk, "SELECT COUNT(*) FROM cases WHERE origin_case = ?",
                                second), both)
            for step in range(1, 8):
                decide_at(desk, clock, f"V1-{second}", step, "received")
                decide_at(desk, clock, f"V1-{second}", step, "approved")
            until(lambda: {s for s, _ in steps_of(station, clock, second).values()} ==
                  {"approved"}, both)
            for _ in range(2):
                both()
            status = at(station, clock, lambda h: h.operator_session().sync_status())
        assert not any(rejected) and status.rejected == () and status.pending == 0
        assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartArrived'") == 2
        assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartUpdate'") == 28
        assert count(station, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == 28
        assert count(station, "SELECT COUNT(DISTINCT json_extract(payload, '$.update_id')) "
                              "FROM events WHERE type = 'PartHeard'") == 28
        with hub.engine.connect() as c:
            assert c.execute(text("SELECT COUNT(*) FROM travel_done")).scalar() == 2
        with central.engine.connect() as c:
            ids = c.execute(select(events.c.event_id)).scalars().all()
        assert len(ids) == len(set(ids))
    finally:
        for srv in reversed(started):
            srv.stop()
