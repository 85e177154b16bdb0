"""Cases (受理 / 容缺 / 免提交 / 不予受理 / department steps / 办结 / 出件), 好差评 and the day's
figures, through the one entry."""

from __future__ import annotations

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.cases import MaterialItem
from hall.errors import DomainError
from hall.identity import Applicant
from tests.conftest import OP

PERSON = Applicant.from_id(b"k" * 32, "王小明", "11010519491231002X", verified=True)
CLERK = Actor.account("clerk1", "clerk", "1")
KIOSK = Actor.kiosk("K3")


def newborn_items(**override: MaterialItem) -> list[MaterialItem]:
    items = {
        "申请人居民身份证": MaterialItem("申请人居民身份证", "exempt"),
        "户口簿": MaterialItem("户口簿", "submitted"),
        "申请表(系统自动生成,当场签字)": MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
        "出生医学证明": MaterialItem("出生医学证明", "submitted"),
        "父母结婚证": MaterialItem("父母结婚证", "deferred", due="2026-11-28"),
    }
    items.update(override)
    return list(items.values())


def test_accept_with_deferred_and_exempt_materials(hall: Hall) -> None:
    case = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), promise="五日内补交").value
    assert case.status == "accepted"
    assert case.number == "H1-20261123-K3-0001"
    status = {m.name: m.status for m in case.materials}
    assert status["父母结婚证"] == "deferred" and status["申请人居民身份证"] == "exempt"
    assert case.outstanding == ["父母结婚证"]
    assert {m.name: m.promise for m in case.materials}["父母结婚证"] == "五日内补交"
    assert "11010519491231002X" not in str(case) and "王小明" not in str(case)
    # 承诺时限 and one step per department of the bundle's matters
    assert case.promised == "2026-12-07"  # 10 working days after Monday 23 November
    assert len(case.steps) == len(hall.catalog.get("newborn").steps) > 1
    assert {s.status for s in case.steps} == {"pending"}
    with pytest.raises(DomainError, match="still waits for deferred"):
        hall.cases.complete(CLERK, case.number)
    hall.cases.supply(CLERK, case.number, "父母结婚证")
    with pytest.raises(DomainError) as pending:  # nothing is decided silently
        hall.cases.complete(CLERK, case.number)
    assert pending.value.code == "steps_pending"
    for step in case.steps:
        who = Actor.account("d", "department", department=step.department)
        hall.parts.decide(who, case.number, step.step, "received")
        hall.parts.decide(who, case.number, step.step, "approved")
    done = hall.cases.complete(CLERK, case.id).value
    assert done.status == "completed" and {s.status for s in done.steps} == {"approved"}
    with pytest.raises(DomainError, match="tracking number"):
        hall.cases.deliver(CLERK, case.id, "mail")
    out = hall.cases.deliver(CLERK, case.id, "mail", "ea123456789cn").value
    assert out.status == "delivered" and out.delivery_tracking == "EA123456789CN"
    with pytest.raises(DomainError, match="is delivered, not completed or not_permitted"):
        hall.cases.deliver(CLERK, case.id)
    again = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), promise="p")
    assert again.value.number.endswith("0002")


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"户口簿": MaterialItem("户口簿", "deferred", due="2026-12-01")}, "not_deferrable"),
        ({"申请表(系统自动生成,当场签字)": MaterialItem("申请表(系统自动生成,当场签字)", "exempt")},
         "no_e_licence"),
        ({"父母结婚证": MaterialItem("父母结婚证", "deferred", due="2026-11-01")}, "due_past"),
        ({"父母结婚证": MaterialItem("父母结婚证", "deferred", due="soon")}, "bad_date"),
        ({"护照": MaterialItem("护照", "submitted")}, "unknown_material"),
    ],
)
def test_checklist_rules(hall: Hall, override: dict, code: str) -> None:
    with pytest.raises(DomainError) as err:
        hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(**override), promise="p")
    assert err.value.code == code
    assert err.value.params.get("material")  # the face names the material in its sentence
    assert hall.core.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0


def test_missing_material_promise_and_unverified_identity(hall: Hall) -> None:
    with pytest.raises(DomainError) as err:
        hall.cases.accept(CLERK, "newborn", PERSON, newborn_items()[:-1])
    assert err.value.code == "material_missing"
    with pytest.raises(DomainError) as err:
        hall.cases.accept(CLERK, "newborn", PERSON, newborn_items())  # 容缺 with no promise
    assert err.value.code == "promise_missing"
    stranger = Applicant.from_id(b"k" * 32, "李四", "110105194912310021", verified=False)
    with pytest.raises(DomainError, match="verified identity"):
        hall.cases.accept(CLERK, "newborn", stranger, newborn_items(), promise="p")


def test_refuse_needs_reasons_and_they_are_sealed(hall: Hall) -> None:
    with pytest.raises(DomainError, match="reason"):
        hall.cases.refuse(CLERK, "newborn", PERSON, ["  "])
    case = hall.cases.refuse(CLERK, "newborn", PERSON, ["不属于本中心受理范围"]).value
    assert case.status == "refused" and case.reasons == ("不属于本中心受理范围",)
    raw = hall.core.conn.execute("SELECT reasons FROM cases").fetchone()[0]
    assert "不属于" not in raw and "ts1:" in raw  # sealed at rest
    # a role without free text sees that there are reasons, not what they say
    assert hall.cases.get(KIOSK, case.number).reasons is None


def test_one_rating_per_visit_and_bad_ones_need_follow_up(hall: Hall) -> None:
    t = hall.tickets.take(KIOSK, "newborn").value
    with pytest.raises(DomainError, match="not been served"):
        hall.ratings.rate(KIOSK, t.id, 5)
    hall.tickets.call_next(CLERK, "1")
    hall.tickets.done(CLERK, t.id)
    r = hall.ratings.rate(KIOSK, t.id, 2, "等太久").value
    assert r.grade_name == "不满意" and r.follow_up_due == "2026-11-26"
    assert r.comment is None  # the kiosk does not read comments back
    with pytest.raises(DomainError, match="already been rated"):
        hall.ratings.rate(KIOSK, t.id, 5)
    with pytest.raises(DomainError):
        hall.ratings.rate(KIOSK, t.id, 6)
    supervisor = Actor.account("boss", "supervisor")
    follow = hall.ratings.follow_ups(supervisor)
    assert [(f.ticket, f.comment) for f in follow] == [("A001", "等太久")]
    assert "等太久" not in hall.core.conn.execute("SELECT text FROM ratings").fetchone()[0]


def test_day_figures_hall_wide_and_a_clerks_own(hall: Hall, clock) -> None:
    other = Actor.account("clerk2", "clerk", "2")
    for _ in range(11):
        hall.tickets.take(OP, "newborn")
    for i in range(10):
        clock.advance(60)
        by = CLERK if i % 2 else other
        t = hall.tickets.call_next(by, "1" if i % 2 else "2").value
        clock.advance(120)
        if i == 9:
            hall.tickets.no_show(by, t.id)
        else:
            hall.tickets.start(by, t.id)
            clock.advance(300)
            hall.tickets.done(by, t.id)
    figures = hall.stats.day(OP)
    total = figures.total
    assert (total.issued, total.served, total.no_show, total.waiting) == (11, 9, 1, 1)
    assert total.service_avg_s == 300.0
    assert total.wait_avg_s is not None and total.wait_p90_s is not None
    assert total.wait_p90_s >= total.wait_avg_s
    assert set(figures.by_window) == {"1", "2"}
    assert figures.by_service["newborn"].issued == 11
    own = hall.stats.day(CLERK)
    assert own.scope == "clerk1" and own.total.issued == 5 and set(own.by_window) == {"1"}
