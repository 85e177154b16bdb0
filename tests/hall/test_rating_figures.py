"""The 好差评 figures of a simulated day, checked by hand and against the log: per window, clerk
and matter (count, mean, 差评, 差评 rate) and the follow-ups (closed, on time, overdue)."""

from __future__ import annotations

import json
from collections import Counter

from hall.actors import Actor
from hall.app import Hall

KIOSK = Actor.kiosk("K3")
BOSS = Actor.account("boss", "supervisor")
ONE = Actor.account("clerk1", "clerk", "1")
TWO = Actor.account("clerk2", "clerk", "2")
# (service, clerk, grade): window 1 is clerk1's, window 2 clerk2's
DAY = [("newborn", ONE, 5), ("newborn", ONE, 4), ("retirement", ONE, 1),
       ("newborn", TWO, 5), ("retirement", TWO, 2), ("retirement", TWO, 3), ("newborn", TWO, None)]


def test_the_figures_of_a_day_by_hand_and_by_the_log(hall: Hall, clock) -> None:
    hall.windows.configure(BOSS, "1", None)
    hall.windows.configure(BOSS, "2", None)
    tickets = []
    for service, clerk, grade in DAY:
        t = hall.tickets.take(KIOSK, service).value
        called = hall.tickets.call_next(clerk, clerk.window).value
        assert called.id == t.id
        hall.tickets.done(clerk, t.id)
        if grade is not None:
            tickets.append(hall.rater_session(clerk.window).ratings.rate(t.id, grade).value)
    bad = [r for r in tickets if r.grade <= 2]
    first, _ = (hall.follow_ups.get(BOSS, r.id) for r in bad)
    hall.follow_ups.act(BOSS, first.id, "整改")
    hall.follow_ups.revisit(BOSS, first.id, "satisfied", "满意")
    hall.follow_ups.close(BOSS, first.id)
    clock.advance(days=4)  # Friday 27th: the second 差评 (due Thursday 26th) is overdue
    day = "2026-11-23"
    figures = hall.stats.day(BOSS, day).rating_figures

    # by hand: 6 ratings, grades 5 4 1 5 2 3 (mean 20/6), 2 差评
    assert (figures["count"], figures["mean"], figures["bad"]) == (6, 3.33, 2)
    assert figures["bad_rate"] == round(2 / 6, 4)
    assert figures["grades"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 2}
    assert figures["by_window"] == {
        "1": {"count": 3, "mean": 3.33, "bad": 1, "bad_rate": 0.3333},
        "2": {"count": 3, "mean": 3.33, "bad": 1, "bad_rate": 0.3333}}
    assert figures["by_clerk"]["clerk1"]["count"] == 3 and figures["by_clerk"]["clerk2"]["bad"] == 1
    assert figures["by_service"] == {
        "newborn": {"count": 3, "mean": 4.67, "bad": 0, "bad_rate": 0.0},
        "retirement": {"count": 3, "mean": 2.0, "bad": 2, "bad_rate": 0.6667}}
    assert figures["follow_ups"] == {"opened": 2, "closed": 1, "closed_on_time": 1,
                                     "overdue": 1, "escalated": 0}
    # and by the log: the RatingGiven events of the day, counted per window
    given = [json.loads(p) for (p,) in hall.core.conn.execute(
        "SELECT payload FROM events WHERE type = 'RatingGiven'")]
    per_window = Counter(p["window"] for p in given)
    assert {w: v["count"] for w, v in figures["by_window"].items()} == dict(per_window)
    assert sum(p["grade"] <= 2 for p in given) == figures["bad"]
    # a clerk sees their own
    own = hall.stats.day(ONE, day).rating_figures
    assert (own["count"], own["bad"], list(own["by_clerk"])) == (3, 1, ["clerk1"])
    # no citizen data, no typed text
    text = json.dumps(figures, ensure_ascii=False)
    assert "整改" not in text and "满意" not in text


def test_the_figures_per_department_by_hand(hall: Hall) -> None:
    """A rating counts for each department that decides its matter: its case's parts where a
    case exists (as they stand: a part handed on counts for the department that has it), else
    its matter's parts in the catalog. newborn's parts: 卫健委, 公安局, 人社局, 医保局;
    retirement's: 人社局, 医保局, 公积金中心, 卫健委, 公安局."""
    from tests.hall.test_cases_ratings_stats import PERSON, newborn_items

    hall.windows.configure(BOSS, "1", None)
    pad = hall.rater_session("1")
    grades = []
    for service, grade, case in (("newborn", 5, False), ("retirement", 1, False),
                                 ("newborn", 3, True)):
        t = hall.tickets.take(KIOSK, service).value
        hall.tickets.call_next(ONE, "1")
        hall.tickets.start(ONE, t.id)
        if case:
            number = hall.cases.accept(ONE, service, PERSON, newborn_items(), ticket=t.id,
                                       promise="五日内补交").value.number
            # its first part (市卫健委's) is handed to 市民政局
            hall.parts.reassign(BOSS, number, 1, "市民政局", "职责调整")
        hall.tickets.done(ONE, t.id)
        grades.append(pad.ratings.rate(t.id, grade).value.grade)
    per = hall.stats.day(BOSS, "2026-11-23").rating_figures["per_department"]
    # by hand: 卫健委, 公安局, 人社局, 医保局 all three (卫健委 keeps newborn's other two parts);
    # 公积金中心 only retirement's 1; 民政局 only the case's 3 (a bundle counts once per department)
    assert per == {
        "市人社局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
        "市住房公积金中心": {"count": 1, "mean": 1.0, "bad": 1, "bad_rate": 1.0},
        "市公安局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
        "市医保局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
        "市卫健委": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
        "市民政局": {"count": 1, "mean": 3.0, "bad": 0, "bad_rate": 0.0}}
    assert grades == [5, 1, 3]
    # the export's 评价分布 sheet has them, as 部门 rows
    from hall.export import stats_tables

    _, rows = stats_tables(hall.core, hall.stats.day(BOSS, "2026-11-23"), [])["评价分布"]
    assert ["部门", "市民政局", 1, 3.0, 0, 0.0] in rows
    assert len([r for r in rows if r[0] == "部门"]) == 6
