"""The back office through the hall API on the encrypted store: each move of a part, each
refusal (nothing written), who sees what, 办结 only when every part is decided, 不予许可, 待出件,
working-day due dates across 国庆 and 春节 with their 调休, and a hall's override file."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError, DomainError
from tests.conftest import SHANGHAI, FakeClock
from tests.hall.test_cases_ratings_stats import PERSON, newborn_items

CLERK = Actor.account("clerk1", "clerk", "1")
BOSS = Actor.account("boss", "supervisor")
HEALTH = Actor.account("wjw", "department", department="市卫健委")  # the lead (牵头部门)
POLICE = Actor.account("gaj", "department", department="市公安局")
SOCIAL = Actor.account("rsj", "department", department="市人社局")
INSURANCE = Actor.account("ybj", "department", department="市医保局")
BY_DEPT = {a.department: a for a in (HEALTH, POLICE, SOCIAL, INSURANCE)}


def _accept(hall: Hall) -> str:
    items = newborn_items()[:-1]  # every material submitted or exempt but the optional one…
    from hall.cases import MaterialItem

    items.append(MaterialItem("父母结婚证", "submitted"))
    return hall.cases.accept(CLERK, "newborn", PERSON, items).value.number


def _events(hall: Hall) -> int:
    return int(hall.core.conn.execute(
        "SELECT COUNT(*) FROM events WHERE type LIKE 'CaseStep%'").fetchone()[0])


def test_a_part_s_life_and_every_refusal(hall: Hall) -> None:
    number = _accept(hall)
    # a clerk, a supervisor and another department cannot decide; nothing is written
    for who, code in ((CLERK, "forbidden"), (BOSS, "forbidden"), (HEALTH, "forbidden")):
        with pytest.raises(AccessError) as err:
            hall.parts.decide(who, number, 3, "received")
        assert err.value.code == code
    assert _events(hall) == 0
    with pytest.raises(DomainError) as err:  # 签收 first
        hall.parts.decide(POLICE, number, 3, "approved")
    assert err.value.code == "illegal_transition"
    case = hall.parts.decide(POLICE, number, 3, "received").value
    step = case.steps[0]  # a non-lead department sees only its own part
    assert [s.step for s in case.steps] == [3] and step.status == "received"
    assert step.received_at and step.decided_at is None
    with pytest.raises(DomainError) as err:
        hall.parts.decide(POLICE, number, 3, "received")
    assert err.value.code == "illegal_transition"
    for outcome, code in (("rejected", "reason_missing"), ("correction", "correction_missing"),
                          ("maybe", "bad_outcome")):
        with pytest.raises(DomainError) as err:
            hall.parts.decide(POLICE, number, 3, outcome)
        assert err.value.code == code
    with pytest.raises(DomainError) as err:
        hall.parts.decide(POLICE, number, 3, "correction", "x", bring=["护照"])
    assert err.value.code == "unknown_material"
    assert _events(hall) == 1
    # 补正: the clock stops; the window hands it in; back with the department
    owed = hall.parts.decide(POLICE, number, 3, "correction", "户口簿页需加盖公章",
                             bring=["户口簿"]).value.steps[0]
    assert owed.status == "correction" and owed.bring == ("户口簿",)
    assert owed.note == "户口簿页需加盖公章"  # plain for a role allowed free text…
    raw = hall.core.conn.execute("SELECT note FROM case_steps WHERE step = 3").fetchone()[0]
    assert "公章" not in raw  # …sealed in the store
    assert [p.step for p in hall.parts.queue(POLICE)] == []  # waiting on the applicant
    with pytest.raises(AccessError):
        hall.parts.correct(POLICE, number, 3)  # the window records it, not the department
    with pytest.raises(DomainError) as err:
        hall.parts.correct(CLERK, number, 4)
    assert err.value.code == "no_correction"
    back = hall.parts.correct(CLERK, number, 3).value
    assert {s.step: s.status for s in back.steps}[3] == "corrected"
    assert [p.step for p in hall.parts.queue(POLICE)] == [3]
    hall.parts.decide(POLICE, number, 3, "approved")
    # a supervisor hands a part to another department, with the reason
    with pytest.raises(DomainError) as err:
        hall.parts.reassign(BOSS, number, 4, "市医保局", " ")
    assert err.value.code == "reason_missing"
    with pytest.raises(AccessError):
        hall.parts.reassign(CLERK, number, 4, "市医保局", "错派")
    hall.parts.reassign(BOSS, number, 4, "市医保局", "社保卡由医保局代办")
    with pytest.raises(AccessError):
        hall.parts.decide(SOCIAL, number, 4, "received")
    assert [p.step for p in hall.parts.queue(INSURANCE)] == [4, 5, 6]
    # a department's list is its own; asking for another's is refused
    with pytest.raises(AccessError) as err:
        hall.parts.queue(POLICE, "市卫健委")
    assert err.value.code == "forbidden"
    assert {p.department for p in hall.parts.queue(HEALTH)} == {"市卫健委"}
    assert len(hall.parts.queue(BOSS)) == 6
    with pytest.raises(AccessError):
        hall.parts.queue(CLERK)
    # the lead department sees the whole case; another with no part does not see it at all
    assert len(hall.cases.get(HEALTH, number).steps) == 7
    with pytest.raises(DomainError):
        hall.cases.get(Actor.account("x", "department", department="市税务局"), number)


def test_complete_only_when_every_part_is_decided_and_ready_list(hall: Hall,
                                                                  clock: FakeClock) -> None:
    first, second = _accept(hall), _accept(hall)
    with pytest.raises(DomainError) as err:
        hall.cases.complete(CLERK, first)
    assert err.value.code == "steps_pending"
    for number, outcome in ((second, "approved"), (first, "rejected")):
        clock.advance(minutes=5)
        for step in hall.cases.get(CLERK, number).steps:
            who = BY_DEPT[step.department]
            hall.parts.decide(who, number, step.step, "received")
            hall.parts.decide(who, number, step.step, outcome, "不符合条件")
    assert [c.number for c in hall.parts.ready(CLERK)] == [second, first]  # oldest first
    refused = hall.cases.complete(CLERK, first).value
    assert refused.status == "not_permitted"  # every part rejected: 不予许可
    notice = hall.not_permitted_notice(refused)  # printed like the 回执 (A4 and thermal)
    assert notice.title == "不予许可决定告知书" and ("理由", "不符合条件") in notice.rows
    assert sum(1 for r in notice.rows if r[1] == "不予许可") == 7
    from devices.escpos.layout import receipt_slip_layout

    assert receipt_slip_layout(notice)  # the thermal layout takes it (masked applicant)
    with pytest.raises(DomainError):
        hall.parts.decide(POLICE, first, 3, "received")
    done = hall.cases.complete(CLERK, second).value
    assert done.status == "completed" and all(s.decided_at for s in done.steps)
    hall.cases.deliver(CLERK, first)
    assert [c.number for c in hall.parts.ready(CLERK)] == [second]


def test_overdue_and_due_soon_per_department(hall: Hall, clock: FakeClock) -> None:
    number = _accept(hall)
    due = hall.cases.get(CLERK, number).steps[0].due
    assert due == "2026-12-07"
    clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI)  # Friday: due next working day
    watch = hall.parts.supervision(BOSS)
    assert {d: len(v["due_soon"]) for d, v in watch.items()} == {
        "市卫健委": 3, "市公安局": 1, "市人社局": 1, "市医保局": 2}
    clock.now = datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)
    parts = hall.parts.queue(POLICE)
    assert parts[0].overdue and parts[0].to_json() == {
        "case": number, "step": 3, "matter": parts[0].matter, "department": "市公安局",
        "status": "pending", "due": "2026-12-07", "overdue": True}
    assert len(hall.parts.supervision(BOSS)["市卫健委"]["overdue"]) == 3
    with pytest.raises(AccessError):
        hall.parts.supervision(CLERK)


@pytest.mark.parametrize(("accepted", "days", "due"), [
    # 国庆 2026: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 worked (调休)
    ((2026, 9, 30), 5, "2026-10-13"),
    ((2026, 9, 18), 1, "2026-09-20"),
    # 春节 2026: 02-16..02-23 off, Saturdays 02-14 and 02-28 worked
    ((2026, 2, 13), 10, "2026-03-05"),
    ((2026, 2, 13), 1, "2026-02-14"),
])
def test_due_dates_across_holidays_with_make_up_days(make_hall: object, clock: FakeClock,
                                                      accepted: tuple[int, int, int], days: int,
                                                      due: str) -> None:
    from dataclasses import replace

    clock.now = datetime(*accepted, 10, 0, tzinfo=SHANGHAI)
    hall: Hall = make_hall()  # type: ignore[operator]
    service = replace(hall.catalog.get("newborn"), time_limit_days=days)
    assert hall.cases._dues(service)[0] == due
    number = _accept(hall) if days == 10 else None
    if number:  # the case, its receipt and `case show` give the same date
        case = hall.cases.get(CLERK, number)
        assert {s.due for s in case.steps} == {due} and case.promised == due
        assert ("承诺办结时间", due) in hall.case_receipt(case).rows


def test_a_hall_override_file_moves_a_day(make_hall: object, clock: FakeClock,
                                          tmp_path: object) -> None:
    clock.now = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    hall: Hall = make_hall()  # type: ignore[operator]
    (hall.data_dir / "workdays.json").write_text(json.dumps(
        {"holidays": ["2026-10-09"], "workdays": ["2026-10-11"],
         "note": "本厅 2026 年国庆安排"}), encoding="utf-8")
    from dataclasses import replace

    service = replace(hall.catalog.get("newborn"), time_limit_days=5)
    # 10-08 (1), 10-09 now off, 10-10 (2), 10-11 now worked (3), 10-12 (4), 10-13 (5)
    assert hall.cases._dues(service)[0] == "2026-10-13"
    service = replace(service, time_limit_days=3)
    assert hall.cases._dues(service)[0] == "2026-10-11"


def test_a_bad_override_file_is_refused_clearly(tmp_path: object) -> None:
    from pathlib import Path

    from hall import workdays
    from hall.errors import ConfigError

    folder = Path(str(tmp_path))
    for body, words in (('{"holidays": ["2026-13-01"]}', "not a YYYY-MM-DD"),
                        ('{"days": []}', "an object with"),
                        ('{"holidays": ["2026-10-09"], "workdays": ["2026-10-09"]}', "both")):
        (folder / "workdays.json").write_text(body)
        with pytest.raises(ConfigError, match=words):
            workdays.load(folder)


def test_the_day_s_figures_count_cases(hall: Hall, clock: FakeClock) -> None:
    number = _accept(hall)
    _accept(hall)
    hall.parts.decide(POLICE, number, 3, "received")
    hall.parts.decide(POLICE, number, 3, "correction", "缺页")
    hall.parts.decide(HEALTH, number, 1, "received")
    hall.parts.decide(HEALTH, number, 1, "approved")
    assert hall.stats.day(BOSS).cases == {"accepted": 2, "decided_on_time": 1, "overdue": 0,
                                          "corrections": 1}
    assert hall.stats.day(CLERK).cases == {"accepted": 2}
    clock.now = datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)
    assert hall.stats.day(BOSS).cases["overdue"] == 12  # 13 parts open; the 补正 does not count


def test_deferred_materials_past_due_are_listed_to_chase(hall: Hall, clock: FakeClock) -> None:
    case = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), promise="按期补交").value
    assert hall.parts.owed_materials(CLERK) == []
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # the due date 11-28 has passed
    [owed] = hall.parts.owed_materials(CLERK)
    assert (owed.case, owed.material, owed.due) == (case.number, "父母结婚证", "2026-11-28")
    hall.cases.supply(CLERK, case.number, "父母结婚证")
    assert hall.parts.owed_materials(CLERK) == []
