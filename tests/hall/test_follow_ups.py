"""好差评 closed (issue 27): a rating knows its visit, a case is rated again at 出件, and a 差评 is
followed to its end (assigned, acted on, 回访, closed; overdue flagged and escalated; 重办)."""

from __future__ import annotations

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError, DomainError
from tests.conftest import OP
from tests.hall.test_cases_ratings_stats import PERSON, newborn_items

CLERK = Actor.account("clerk1", "clerk", "1")
BOSS = Actor.account("boss", "supervisor")
ADMIN = Actor.account("root", "admin")
KIOSK = Actor.kiosk("K3")


def served(hall: Hall, *, case: bool = False) -> tuple[str, str | None]:
    """A ticket served at window 1 by clerk1 (with an accepted case): its id and case number."""
    t = hall.tickets.take(KIOSK, "newborn").value
    hall.tickets.call_next(CLERK, "1")
    hall.tickets.start(CLERK, t.id)
    number = None
    if case:
        number = hall.cases.accept(CLERK, "newborn", PERSON, newborn_items(), ticket=t.id,
                                   promise="五日内补交").value.number
    hall.tickets.done(CLERK, t.id)
    return t.id, number


def test_a_rating_knows_its_visit_and_a_case_is_rated_again_at_delivery(hall: Hall) -> None:
    ticket, number = served(hall, case=True)
    pad = hall.rater_session("1")
    r = pad.ratings.rate(ticket, 4).value
    assert (r.window, r.clerk, r.service, r.case, r.stage) == ("1", "clerk1", "newborn", number,
                                                                "visit")
    assert r.to_json()["id"] == r.id and r.follow_up_due is None
    with pytest.raises(DomainError) as again:  # the result is judged once it is handed out
        pad.ratings.rate(ticket, 5)
    assert again.value.code == "rated"
    hall.cases.supply(CLERK, number, "父母结婚证")
    for step in hall.cases.get(CLERK, number).steps:
        dept = Actor.account("d", "department", department=step.department)
        hall.parts.decide(dept, number, step.step, "received")
        hall.parts.decide(dept, number, step.step, "approved")
    hall.cases.complete(CLERK, number)
    hall.cases.deliver(CLERK, number)
    result = hall.kiosk_session().ratings.rate(ticket, 1, reasons=["多次跑动"]).value
    assert (result.stage, result.case, result.reasons) == ("result", number, ("多次跑动",))
    with pytest.raises(DomainError, match="already been rated"):
        hall.kiosk_session().ratings.rate(ticket, 3)


def test_a_pad_rates_only_its_own_windows_visits_and_reasons_are_the_fixed_list(
        hall: Hall) -> None:
    ticket, _ = served(hall)
    with pytest.raises(DomainError) as other:
        hall.rater_session("2").ratings.rate(ticket, 5)
    assert other.value.code == "other_window"
    with pytest.raises(DomainError) as bad:
        hall.rater_session("1").ratings.rate(ticket, 1, reasons=["张三 11010519491231002X"])
    assert bad.value.code == "bad_reason"
    with pytest.raises(AccessError):  # a pad does nothing but rate
        hall.rater_session("1").tickets.take("newborn")


def test_a_bad_rating_is_followed_to_its_end(hall: Hall, clock) -> None:
    ticket, _ = served(hall)
    r = hall.rater_session("1").ratings.rate(ticket, 1, "窗口人员态度差 电话13800138000",
                                             ["工作人员态度"]).value
    assert r.follow_up_due == "2026-11-26"  # 3 working days after Monday 23 November
    s = hall.operator_session().ratings  # an operator may follow up like a supervisor
    [f] = hall.follow_ups.list(BOSS)
    assert (f.rating, f.grade, f.state, f.assignee, f.overdue) == (r.id, 1, "open", None, False)
    with pytest.raises(AccessError):
        hall.follow_ups.list(CLERK)
    with pytest.raises(DomainError) as unknown:
        hall.follow_ups.assign(BOSS, f.id, "nobody-here")
    assert unknown.value.code == "unknown_assignee"
    with pytest.raises(DomainError) as early:
        hall.follow_ups.close(BOSS, f.id)
    assert early.value.code == "follow_up_incomplete"
    assert early.value.params["missing"] == "action,revisit"
    dept = hall.catalog.get("newborn").steps[0].department
    assert hall.follow_ups.assign(BOSS, f.id, dept).value.state == "assigned"
    # the department sees and acts on its own follow-ups, not the others', and does not close
    officer = Actor.account("d1", "department", department=dept)
    assert [x.id for x in hall.follow_ups.list(officer)] == [f.id]
    assert hall.follow_ups.list(Actor.account("d2", "department", department="别的局")) == []
    acted = hall.follow_ups.act(officer, f.id, "约谈窗口人员，服务规范再培训").value
    assert acted.state == "acted" and acted.action == "约谈窗口人员，服务规范再培训"
    with pytest.raises(AccessError):
        hall.follow_ups.close(officer, f.id)
    with pytest.raises(DomainError) as no_revisit:
        s.close(f.id)
    assert no_revisit.value.params["missing"] == "revisit"
    done = s.revisit(f.id, "satisfied", "电话回访 群众表示满意").value
    assert (done.state, done.revisit) == ("revisited", "satisfied")
    closed = hall.follow_ups.close(BOSS, f.id).value
    assert closed.state == "closed" and not closed.overdue
    assert hall.follow_ups.list(BOSS, open_only=True) == []
    with pytest.raises(DomainError) as shut:
        hall.follow_ups.act(BOSS, f.id, "again")
    assert shut.value.code == "follow_up_closed"
    # free text sealed at rest, in the projection and in the log
    raw = " ".join(str(row) for row in hall.core.conn.execute(
        "SELECT action, note FROM follow_ups UNION ALL SELECT payload, '' FROM events"))
    for plain in ("约谈", "回访 群众", "13800138000", "态度差"):
        assert plain not in raw
    steps = [row[0] for row in hall.core.conn.execute(
        "SELECT json_extract(payload, '$.step') || ':' || json_extract(payload, '$.by.name') "
        "FROM events WHERE type = 'FollowUpStep' ORDER BY terminal_seq")]
    assert steps == ["assign:boss", "action:d1", f"revisit:{s_name(hall)}", "close:boss"]


def s_name(hall: Hall) -> str:
    return hall.operator_session().actor.name


def test_an_overdue_follow_up_is_flagged_and_escalated_once(hall: Hall, clock) -> None:
    ticket, _ = served(hall)
    hall.kiosk_session().ratings.rate(ticket, 2)
    [f] = hall.follow_ups.list(BOSS)
    assert (f.due, f.days_left) == ("2026-11-26", 3)  # three working days to go
    clock.advance(days=3)  # Thursday 26th: due today, not yet overdue
    [f] = hall.follow_ups.list(BOSS)
    assert not f.overdue and f.days_left == 0
    assert hall.follow_ups.escalate_overdue(Actor.system("t")) == 0
    clock.advance(days=1)
    [f] = hall.follow_ups.list(ADMIN)
    assert f.overdue and not f.escalated and f.days_left == -1
    assert hall.follow_ups.escalate_overdue(Actor.system("t")) == 1
    assert hall.follow_ups.escalate_overdue(Actor.system("t")) == 0
    [f] = hall.follow_ups.list(ADMIN, open_only=True)
    assert f.escalated and f.assignee == "admin" and f.overdue
    clock.advance(days=3)  # Monday 30th: the weekend is no working day late
    assert hall.follow_ups.list(ADMIN)[0].days_left == -2


def test_redo_sends_the_rated_case_part_back_to_its_department(hall: Hall) -> None:
    ticket, number = served(hall, case=True)
    hall.cases.supply(CLERK, number, "父母结婚证")
    steps = hall.cases.get(CLERK, number).steps
    for step in steps:
        dept = Actor.account("d", "department", department=step.department)
        hall.parts.decide(dept, number, step.step, "received")
        hall.parts.decide(dept, number, step.step, "approved")
    hall.cases.complete(CLERK, number)
    r = hall.kiosk_session().ratings.rate(ticket, 1, reasons=["材料要求不清楚"]).value
    with pytest.raises(DomainError) as none:
        hall.follow_ups.redo(BOSS, r.id, 99)
    assert none.value.code == "no_part"
    assert hall.follow_ups.redo(BOSS, r.id, 1).value.redone
    case = hall.cases.get(CLERK, number)
    assert case.status == "accepted"
    assert case.steps[0].status == "received"
    assert {s.status for s in case.steps[1:]} == {"approved"}
    with pytest.raises(DomainError) as twice:
        hall.follow_ups.redo(BOSS, r.id, 1)
    assert twice.value.code == "illegal_transition"


def test_a_rebuild_gives_the_same_ratings_and_follow_ups(hall: Hall) -> None:
    ticket, _ = served(hall, case=True)
    r = hall.kiosk_session().ratings.rate(ticket, 2, reasons=["其他"]).value
    hall.follow_ups.act(BOSS, r.id, "整改")
    before = [list(hall.core.conn.execute(f"SELECT * FROM {t} ORDER BY 1"))
              for t in ("ratings", "follow_ups")]
    hall.operator_session().admin.rebuild()
    after = [list(hall.core.conn.execute(f"SELECT * FROM {t} ORDER BY 1"))
             for t in ("ratings", "follow_ups")]
    assert before == after and OP
