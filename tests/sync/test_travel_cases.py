"""Issue 24, cases that travel, through real servers: the central platform (behind the fault
proxy), a county's hub, a village station syncing straight with the platform, and a desk of the
county. A 新生儿出生 case accepted at the station travels to the county's departments sealed for
the county; they decide (one part after a 补正 handed in at the station); the station completes
and hands it out. Every event exactly once at both ends; the platform holds none of the
applicant's data in plain."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from hall.actors import Actor
from hall.app import Hall
from hall.cases import MaterialItem
from hall.security.crypto import seal_applicant
from sync.server.tables import events
from tests.sync.faultproxy import FaultProxy, random_plan
from tests.sync.hallnet import cli

NAME = "欧阳旅行"
ID_NUMBER = "990000199001011237"  # region 990000: obviously fictitious
PHONE = "13912345678"
OP = Actor.operator("test")
CLERK = Actor.account("clerk1", "clerk")
DEPTS = ("市卫健委", "市公安局", "市人社局", "市医保局")
ITEMS = [MaterialItem("申请人居民身份证", "exempt"), MaterialItem("户口簿", "submitted"),
         MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
         MaterialItem("出生医学证明", "submitted"), MaterialItem("父母结婚证", "submitted")]


def until(test: Callable[[], Any], act: Callable[[], Any], seconds: float = 60.0) -> Any:
    """Act (a sync round, which a fault may cut) until `test` holds; bounded."""
    deadline = time.monotonic() + seconds
    while True:
        got = test()
        if got:
            return got
        assert time.monotonic() < deadline, "did not converge"
        act()


def sync(data_dir: Path) -> None:
    cli("sync", "--once", data_dir=data_dir, check=False)  # a cut round fails; the next retries


def opened(data_dir: Path) -> Hall:
    return Hall.open(data_dir)


def with_hall(data_dir: Path, fn: Callable[[Hall], Any]) -> Any:
    hall = opened(data_dir)
    try:
        return fn(hall)
    finally:
        hall.close()


def count(data_dir: Path, sql: str, *params: Any) -> int:
    return int(with_hall(data_dir, lambda h: h.core.conn.execute(sql, params).fetchone()[0]))


def step_status(data_dir: Path, case: str) -> dict[int, str]:
    return with_hall(data_dir, lambda h: {s.step: s.status for s in h.cases.get(OP, case).steps})


def _tree(central_dir: Path, *db: str) -> None:
    for args in (("--hall", "P42", "--name", "某省", "--level", "province"),
                 ("--hall", "C1", "--name", "某县政务服务中心", "--level", "county", "--parent",
                  "P42"),
                 ("--hall", "V1", "--name", "某村便民服务站", "--level", "village", "--parent",
                  "C1")):
        cli("serve", "directory", *db, *args, data_dir=central_dir)
    cli("serve", "directory", *db, *[a for d in DEPTS for a in ("--seat", f"{d}=C1")],
        data_dir=central_dir)


def county_and_station(make_server: Any, tmp_path: Path, link: FaultProxy,
                       central: Any) -> tuple[Any, Path, Path]:
    db = ("--database", central.database_url)  # the platform's SQLite or PostgreSQL
    _tree(central.data_dir, *db)
    hub_code = cli("serve", "enroll-code", *db, "--hall", "C1", "--terminal", "HUB", "--hub",
                   data_dir=central.data_dir)["code"]
    import httpx

    token = httpx.post(f"{central.url}/v1/enroll", json={"code": hub_code}).json()["token"]
    hub = make_server("sqlite", role="hub", travel_every=0.2, upstream={
        "server": link.url, "token": token, "hall": "C1", "hub": "HUB", "wait": 1.0,
        "timeout": 3.0, "cap": 0.5, "idle": 0.2})
    desk = tmp_path / "county-desk"
    cli("setup", "--hall", "C1", "--terminal", "D1", data_dir=desk)
    code = cli("serve", "enroll-code", "--hall", "C1", "--terminal", "D1",
               data_dir=hub.data_dir)["code"]
    cli("sync", "enroll", "--server", hub.url, "--code", code, data_dir=desk)
    until(lambda: cli("sync", "directory", data_dir=desk, check=False).get("halls"),
          lambda: time.sleep(0.2))
    station = tmp_path / "village-station"
    cli("setup", "--hall", "V1", "--terminal", "S1", "--standalone", data_dir=station)
    code = cli("serve", "enroll-code", *db, "--hall", "V1", "--terminal", "S1",
               data_dir=central.data_dir)["code"]
    cli("sync", "enroll", "--server", central.url, "--code", code, data_dir=station)
    # the station syncs through the faulty link from here on
    cred = json.loads((station / "sync.json").read_text())
    (station / "sync.json").write_text(json.dumps({**cred, "server": link.url}))
    until(lambda: cli("sync", "directory", data_dir=station, check=False).get("halls"),
          lambda: time.sleep(0.2))
    return hub, desk, station


def accept(station: Path, handled_by: str | None = None) -> str:
    def go(h: Hall) -> str:
        applicant = seal_applicant(h.core.sealer, h.core.index_key, name=NAME,
                                   id_number=ID_NUMBER, phone=PHONE, verified=True,
                                   source="id_card")
        return str(h.cases.accept(OP, "newborn", applicant, ITEMS,
                                  handled_by=handled_by).value.number)

    return str(with_hall(station, go))


def decide(desk: Path, ref: str, step: int, outcome: str, **kw: Any) -> None:
    def go(h: Hall) -> None:
        dept = h.cases.get(OP, ref).steps[[s.step for s in h.cases.get(OP, ref).steps]
                                          .index(step)].department
        h.parts.decide(Actor.account("d", "department", department=dept), ref, step, outcome,
                       **kw)

    with_hall(desk, go)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_newborn_case_travels_village_to_county_and_back(make_server, tmp_path: Path,
                                                          backend: str) -> None:
    central = make_server(role="central")
    with FaultProxy(central.port, plan=random_plan(24, rate=0.15)) as link:
        hub, desk, station = county_and_station(make_server, tmp_path, link, central)
        number = accept(station)
        assert with_hall(station, lambda h: [s.hall for s in h.cases.get(OP, number).steps]) == (
            ["C1"] * 7)
        # at the county: a part of each department's 待审批, with the origin's case number
        here = f"V1-{number}"

        def queued() -> list[Any]:
            return with_hall(desk, lambda h: h.parts.queue(
                Actor.account("g", "department", department="市公安局"), "市公安局"))

        parts = until(queued, lambda: (sync(station), sync(desk)))
        assert [(p.case, p.step, p.origin_hall, p.origin_case) for p in parts] == [
            (here, 3, "V1", number)]
        out = cli("case", "queue", "--department", "市公安局", data_dir=desk)
        assert out["parts"][0]["origin_case"] == number
        # the county decides; one part asks for a 补正
        for step in range(1, 8):
            decide(desk, here, step, "received")
            if step == 3:
                decide(desk, here, step, "correction", note="户口簿需本人签字", bring=["户口簿"])
            else:
                decide(desk, here, step, "approved")
        until(lambda: step_status(station, number)[3] == "correction",
              lambda: (sync(desk), sync(station)))
        # what to correct came along, sealed for the station and sealed again under its key
        heard = with_hall(station, lambda h: h.cases.get(OP, number).steps[2])
        assert (heard.note, heard.bring) == ("户口簿需本人签字", ("户口簿",))
        # the station hands in the 补正; the county hears it, and approves
        with_hall(station, lambda h: h.parts.correct(CLERK, number, 3))
        until(lambda: step_status(desk, here)[3] == "corrected",
              lambda: (sync(station), sync(desk)))
        decide(desk, here, 3, "approved")
        until(lambda: set(step_status(station, number).values()) == {"approved"},
              lambda: (sync(desk), sync(station)))
        shown = cli("case", "show", "--case", number, data_dir=station)["case"]
        assert {(s["hall"], s["status"]) for s in shown["steps"]} == {("C1", "approved")}
        assert all(s["heard_at"] for s in shown["steps"])
        with_hall(station, lambda h: h.cases.complete(OP, number))
        with_hall(station, lambda h: h.cases.deliver(OP, number, "window"))
        until(lambda: with_hall(station, lambda h: h.cases.get(OP, number).status) == "delivered",
              lambda: None)
        for _ in range(3):  # whatever a cut round left behind
            sync(station)
            sync(desk)
    # exactly once, at both ends and on the platform
    assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartArrived'") == 1
    sent = count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartUpdate'")
    assert sent == 7 * 2 + 1  # 签收 and a decision each, and part 3 decided again after 补正
    assert count(station, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == sent
    assert count(station, "SELECT COUNT(DISTINCT json_extract(payload, '$.update_id')) FROM "
                          "events WHERE type = 'PartHeard'") == sent
    assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == 1
    with hub.engine.connect() as c:  # the hub took the case and the 补正 once each
        assert c.execute(text("SELECT COUNT(*) FROM travel_done")).scalar() == 2
    with central.engine.connect() as c:
        ids = c.execute(select(events.c.event_id)).scalars().all()
        assert len(ids) == len(set(ids))
        kinds = c.execute(select(events.c.type, events.c.hall_id)).all()
    assert kinds.count(("PartRouted", "V1")) == 1 and kinds.count(("PartArrived", "C1")) == 1
    assert kinds.count(("PartUpdate", "C1")) == sent
    # the platform is blind: no row of any table, no file of its data dir, holds them in plain
    scan_blind(central)


def hub_took_again(hub: Any) -> bool:
    """The hub's inbox went round again (its cursor written anew) after it was forgotten."""
    with hub.engine.connect() as c:
        return c.execute(text("SELECT COUNT(*) FROM server_meta WHERE key LIKE "
                              "'travel_inbox_seq:%'")).scalar() == 1


def scan_blind(central: Any, needles: list[str] | None = None) -> None:
    needles = needles or [NAME, ID_NUMBER, PHONE, ID_NUMBER[-8:]]
    with central.engine.connect() as c:
        for table in inspect(c).get_table_names():
            for row in c.execute(text(f'SELECT * FROM "{table}"')):
                cell = json.dumps([str(v) for v in row], ensure_ascii=False)
                assert not any(n in cell for n in needles), table
    for path in central.data_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert not any(n.encode() in raw for n in needles), path


def station_on_platform(central: Any, root: Path, hall: str) -> Path:
    data = root / f"station-{hall}"
    cli("setup", "--hall", hall, "--terminal", "S1", "--standalone", data_dir=data)
    code = cli("serve", "enroll-code", "--hall", hall, "--terminal", "S1",
               data_dir=central.data_dir)["code"]
    cli("sync", "enroll", "--server", central.url, "--code", code, data_dir=data)
    cli("sync", "directory", data_dir=data)
    return data


@pytest.mark.parametrize("backend", ["sqlite"])
def test_cross_city_case_accepted_on_behalf_and_mailed_back(make_server, tmp_path: Path,
                                                           backend: str) -> None:
    """跨域通办: a hall of city A accepts for city B's hall (`--handled-by`), the case travels
    whole, B decides, A completes and mails the result with its tracking number."""
    from devices.emulators.id_reader import IdReaderEmulator
    from devices.emulators.people import RESIDENT

    central = make_server(role="central")
    for args in (("--hall", "P42", "--name", "某省", "--level", "province"),
                 ("--hall", "CA", "--name", "甲市政务服务中心", "--level", "city", "--parent",
                  "P42"),
                 ("--hall", "CB", "--name", "乙市政务服务中心", "--level", "city", "--parent",
                  "P42")):
        cli("serve", "directory", *args, data_dir=central.data_dir)
    b = station_on_platform(central, tmp_path, "CB")  # B first: its key is in the directory
    a = station_on_platform(central, tmp_path, "CA")
    cli("ticket", "take", "--service", "newborn", data_dir=a)
    cli("ticket", "call", "--window", "1", data_dir=a)
    with IdReaderEmulator(RESIDENT) as reader:
        out = cli("case", "accept", "--ticket", "A001", "--service", "newborn", "--id-reader",
                  reader.path, "--handled-by", "CB", *[a for i in ITEMS for a in (
                      "--material", f"{i.name}={i.status}")], data_dir=a)
    number = out["case"]["number"]
    assert {s["hall"] for s in out["case"]["steps"]} == {"CB"}
    # a hall with no key pinned for the destination refuses, and nothing is written
    cli("ticket", "take", "--service", "newborn", data_dir=a)
    cli("ticket", "call", "--window", "2", data_dir=a)
    with IdReaderEmulator(RESIDENT) as reader:
        refused = cli("case", "accept", "--ticket", "A002", "--service", "newborn",
                      "--id-reader", reader.path, "--handled-by", "NOWHERE", *[
                          a for i in ITEMS for a in ("--material", f"{i.name}={i.status}")],
                      data_dir=a, check=False)
    assert refused["error"] == "no_hall_key"
    assert count(a, "SELECT COUNT(*) FROM cases") == 1
    there = f"CA-{number}"
    # the materials go by EMS; B records their arrival; each side hears the other
    sent = cli("case", "materials-sent", "--case", number, "--via", "ems", "--tracking",
               "EA123456789CN", data_dir=a)["case"]["materials_travel"]
    assert (sent["via"], sent["tracking"], sent["arrived_at"]) == ("ems", "EA123456789CN", None)
    until(lambda: count(b, "SELECT COUNT(*) FROM cases WHERE case_number = ? AND "
                           "materials_tracking = 'EA123456789CN'", there),
          lambda: (sync(a), sync(b)))
    assert cli("case", "materials-arrived", "--case", there, data_dir=b)["case"][
        "materials_travel"]["arrived_at"]
    assert cli("case", "materials-arrived", "--case", number, data_dir=a,
               check=False)["error"] == "not_travelling"  # A sent them: B records arrival
    # B opened the parcel and sealed the applicant again under its own hall key
    def arrived(h: Hall) -> dict[str, Any]:
        row = h.core.conn.execute("SELECT payload FROM events WHERE type = 'PartArrived'")
        sealed = json.loads(row.fetchone()[0])["applicant"]["sealed"]
        return dict(h.core.sealer.open_json(sealed))

    record = with_hall(b, arrived)
    assert (record["name"], record["id_number"]) == (RESIDENT.name, RESIDENT.id_number)
    assert with_hall(b, lambda h: h.cases.get(OP, there).applicant) == with_hall(
        a, lambda h: h.cases.get(OP, number).applicant)  # masked alike
    for step in range(1, 8):
        decide(b, there, step, "received")
        decide(b, there, step, "approved")
    until(lambda: set(step_status(a, number).values()) == {"approved"},
          lambda: (sync(b), sync(a)))
    cli("case", "complete", "--case", number, data_dir=a)
    out = cli("case", "deliver", "--case", number, "--channel", "mail", "--tracking",
              "EMS1234567890CN", data_dir=a)
    assert out["case"]["status"] == "delivered"
    shown = cli("case", "show", "--case", number, data_dir=a)["case"]
    assert shown["delivery"] == {"channel": "mail", "tracking": "EMS1234567890CN"}
    assert shown["materials_travel"]["arrived_at"]  # heard from B
    assert count(a, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == 15
    assert count(b, "SELECT COUNT(*) FROM events WHERE type = 'PartArrived'") == 1
    scan_blind(central, [RESIDENT.name, RESIDENT.id_number, RESIDENT.address])


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_station_away_then_back_converges(make_server, tmp_path: Path, backend: str) -> None:
    """The platform's link down while both ends go on working (the county decides what it
    holds, the station accepts another case): back, everything converges, once. The platform
    on PostgreSQL here (the directory and the routing index on its database)."""
    central = make_server(role="central")
    with FaultProxy(central.port) as link:
        hub, desk, station = county_and_station(make_server, tmp_path, link, central)
        first = accept(station)
        until(lambda: count(desk, "SELECT COUNT(*) FROM cases"), lambda: (sync(station),
                                                                         sync(desk)))
        link.down = True
        for step in range(1, 8):
            decide(desk, f"V1-{first}", step, "received")
            decide(desk, f"V1-{first}", step, "approved")
        second = accept(station)
        for _ in range(2):
            sync(desk)
            sync(station)
        assert set(step_status(station, first).values()) == {"pending"}
        link.down = False
        until(lambda: set(step_status(station, first).values()) == {"approved"}
              and count(desk, "SELECT COUNT(*) FROM cases WHERE origin_case = ?", second),
              lambda: (sync(station), sync(desk)))
        # both ends forget how far they took their inbox (a restore, a lost file): the whole
        # inbox is taken again, and nothing is recorded twice
        (station / "travel.json").write_text(json.dumps({"central": True}))
        with hub.engine.begin() as c:
            c.execute(text("DELETE FROM server_meta WHERE key LIKE 'travel_inbox_seq:%'"))
        before = count(station, "SELECT COUNT(*) FROM events")
        for _ in range(2):
            sync(station)
        assert count(station, "SELECT COUNT(*) FROM events") == before
        until(lambda: hub_took_again(hub), lambda: time.sleep(0.1))
        sync(desk)
    assert count(desk, "SELECT COUNT(*) FROM events WHERE type = 'PartArrived'") == 2
    assert count(station, "SELECT COUNT(*) FROM events WHERE type = 'PartHeard'") == 14
    with hub.engine.connect() as c:  # two cases arrived, no update went back to the county
        assert c.execute(text("SELECT COUNT(*) FROM travel_done")).scalar() == 2
    with central.engine.connect() as c:
        ids = c.execute(select(events.c.event_id)).scalars().all()
    assert len(ids) == len(set(ids))
