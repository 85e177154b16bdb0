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
