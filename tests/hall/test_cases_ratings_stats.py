"""Cases (受理 / 容缺 / 免提交 / 不予受理 / 办结 / 出件), 好差评 and the day's figures."""

from __future__ import annotations

import pytest

from hall import cases, ratings
from hall.cases import MaterialItem
from hall.errors import DomainError
from hall.identity import Applicant
from hall.service import HallService
from hall.stats import day_stats

PERSON = Applicant.from_id(b"k" * 32, "王小明", "11010519491231002X", verified=True)


def newborn_items(**override: MaterialItem) -> list[MaterialItem]:
    items = {
        "申请人居民身份证": MaterialItem("申请人居民身份证", "exempt"),
        "户口簿": MaterialItem("户口簿", "submitted"),
        "申请表(系统自动生成,当场签字)": MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
        "出生医学证明": MaterialItem("出生医学证明", "submitted"),
        "父母结婚证": MaterialItem("父母结婚证", "deferred", promise="五日内补交", due="2026-11-28"),
    }
    items.update(override)
    return list(items.values())


def test_accept_with_deferred_and_exempt_materials(hall: HallService) -> None:
    case = cases.accept(hall, "newborn", PERSON, newborn_items())
    assert case["status"] == "accepted"
    assert case["case_number"] == "H1-20261123-K3-0001"
    status = {m["name"]: m["status"] for m in case["materials"]}
    assert status["父母结婚证"] == "deferred" and status["申请人居民身份证"] == "exempt"
    assert "11010519491231002X" not in str(case) and "王小明" not in str(case)
    with pytest.raises(DomainError, match="still waits for deferred"):
        cases.complete(hall, case["case_number"])
    cases.supply(hall, case["case_number"], "父母结婚证")
    assert cases.complete(hall, case["case_id"])["status"] == "completed"
    assert cases.deliver(hall, case["case_id"], "window")["status"] == "delivered"
    with pytest.raises(DomainError, match="is delivered, not completed"):
        cases.deliver(hall, case["case_id"])
    assert cases.accept(hall, "newborn", PERSON, newborn_items())["case_number"].endswith("0002")


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"户口簿": MaterialItem("户口簿", "deferred", promise="p", due="2026-12-01")},
         "not_deferrable"),
        ({"申请表(系统自动生成,当场签字)": MaterialItem("申请表(系统自动生成,当场签字)", "exempt")},
         "no_e_licence"),
        ({"父母结婚证": MaterialItem("父母结婚证", "deferred")}, "promise_missing"),
        ({"护照": MaterialItem("护照", "submitted")}, "unknown_material"),
    ],
)
def test_checklist_rules(hall: HallService, override: dict, code: str) -> None:
    with pytest.raises(DomainError) as err:
        cases.accept(hall, "newborn", PERSON, newborn_items(**override))
    assert err.value.code == code
    assert hall.store.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0


def test_missing_material_and_unverified_identity(hall: HallService) -> None:
    with pytest.raises(DomainError) as err:
        cases.accept(hall, "newborn", PERSON, newborn_items()[:-1])
    assert err.value.code == "material_missing"
    stranger = Applicant.from_id(b"k" * 32, "李四", "110105194912310021", verified=False)
    with pytest.raises(DomainError, match="verified identity"):
        cases.accept(hall, "newborn", stranger, newborn_items())


def test_refuse_needs_reasons(hall: HallService) -> None:
    with pytest.raises(DomainError, match="reason"):
        cases.refuse(hall, "newborn", PERSON, ["  "])
    case = cases.refuse(hall, "newborn", PERSON, ["不属于本中心受理范围"])
    assert case["status"] == "refused" and case["reasons"] == ["不属于本中心受理范围"]


def test_one_rating_per_visit_and_bad_ones_need_follow_up(hall: HallService, clock) -> None:
    t = hall.take_ticket("newborn")
    with pytest.raises(DomainError, match="not been served"):
        ratings.rate(hall, t.id, 5)
    hall.call_next("1")
    hall.done(t.id)
    r = ratings.rate(hall, t.id, 2, "等太久")
    assert r["grade_name"] == "不满意" and r["follow_up_due"] == "2026-11-26"
    with pytest.raises(DomainError, match="already been rated"):
        ratings.rate(hall, t.id, 5)
    with pytest.raises(DomainError):
        ratings.rate(hall, t.id, 6)
    assert [f["ticket"] for f in ratings.follow_ups(hall)] == ["A001"]


def test_day_figures(hall: HallService, clock) -> None:
    for _ in range(11):
        hall.take_ticket("newborn")
    for i in range(10):
        clock.advance(60)
        t = hall.call_next("1" if i % 2 else "2")
        clock.advance(120)
        if i == 9:
            hall.no_show(t.id)
        else:
            hall.start(t.id)
            clock.advance(300)
            hall.done(t.id)
    figures = day_stats(hall)
    total = figures["total"]
    assert (total["issued"], total["served"], total["no_show"], total["waiting"]) == (11, 9, 1, 1)
    assert total["service_avg_s"] == 300.0
    assert total["wait_avg_s"] is not None and total["wait_p90_s"] >= total["wait_avg_s"]
    assert set(figures["by_window"]) == {"1", "2"}
    assert figures["by_service"]["newborn"]["issued"] == 11
