"""A city's view on the central platform (issue 27): two halls of city SY and one of another city
push a day of ratings, follow-ups and cases; a viewer enrolled for SY reads GET /v1/figures and
sees its two halls only, each agreeing with the hall's own count; the platform's operator reads
the same with `serve figures`; a desk credential sees nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from hall.actors import Actor
from hall.cases import MaterialItem
from tests.hall.test_cases_ratings_stats import PERSON
from tests.hall.test_cli import ROOT

BOSS = Actor.account("boss", "supervisor")


def _day(term, clerk: Actor, grades: list[int], *, close_one: bool = False,  # type: ignore[no-untyped-def]
         case: bool = False) -> None:
    hall = term.hall
    for i, grade in enumerate(grades):
        t = hall.tickets.take(clerk, "newborn").value
        hall.tickets.call_next(clerk, clerk.window)
        hall.tickets.start(clerk, t.id)
        if case and i == 0:
            items = [MaterialItem(m.name, "submitted")
                     for m in hall.catalog.get("newborn").materials]
            hall.cases.accept(clerk, "newborn", PERSON, items, ticket=t.id)
        hall.tickets.done(clerk, t.id)
        hall.rater_session(clerk.window).ratings.rate(t.id, grade)
    if close_one:
        [f, *_] = hall.follow_ups.list(BOSS)
        hall.follow_ups.act(BOSS, f.id, "整改")
        hall.follow_ups.revisit(BOSS, f.id, "satisfied", "满意")
        hall.follow_ups.close(BOSS, f.id)
    term.once()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_city_sees_its_halls_figures(make_server, make_terminal) -> None:
    central = make_server(role="central")
    one = make_terminal(central.url, central.token("SY-ZW01", "D1"), "D1", hall_id="SY-ZW01",
                        numbering="standalone", lease_series=())
    two = make_terminal(central.url, central.token("SY-ZW02", "D1"), "D1", hall_id="SY-ZW02",
                        numbering="standalone", lease_series=())
    other = make_terminal(central.url, central.token("XY-ZW01", "D1"), "D1", hall_id="XY-ZW01",
                          numbering="standalone", lease_series=())
    _day(one, Actor.account("li", "clerk", "1"), [5, 4, 1], close_one=True, case=True)
    _day(two, Actor.account("wang", "clerk", "2"), [2, 3])
    _day(other, Actor.account("zhao", "clerk", "1"), [1])
    day = one.hall.today()

    viewer = central.token("SY", "CITY", role="viewer")
    answer = httpx.get(f"{central.url}/v1/figures", params={"day": day},
                       headers={"authorization": f"Bearer {viewer}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert sorted(got["halls"]) == ["SY-ZW01", "SY-ZW02"] and got["scope"] == "SY"
    # by hand: SY-ZW01 5 4 1 (mean 3.33, one 差评, closed the same day); SY-ZW02 2 3
    first, second = got["halls"]["SY-ZW01"], got["halls"]["SY-ZW02"]
    assert (first["count"], first["mean"], first["bad"]) == (3, 3.33, 1)
    assert first["follow_ups"] == {"opened": 1, "closed": 1, "closed_on_time": 1, "overdue": 0,
                                   "escalated": 0}
    assert first["by_window"] == {"1": {"count": 3, "mean": 3.33, "bad": 1, "bad_rate": 0.3333}}
    assert first["cases"]["accepted"] == 1
    assert (second["count"], second["mean"], second["bad"]) == (2, 2.5, 1)
    assert (got["total"]["count"], got["total"]["bad"], got["total"]["halls"]) == (5, 2, 2)
    # each hall counts the same for itself
    for term, figures in ((one, first), (two, second)):
        own = term.hall.stats.day(BOSS, day).rating_figures
        assert (own["count"], own["mean"], own["bad"]) == (
            figures["count"], figures["mean"], figures["bad"])
        assert own["follow_ups"]["closed"] == figures["follow_ups"]["closed"]
    # a desk's credential sees no figures; a bad day is refused
    desk = central.token("SY-ZW01", "D9")
    assert httpx.get(f"{central.url}/v1/figures", params={"day": day},
                     headers={"authorization": f"Bearer {desk}"}, timeout=10).status_code == 403
    assert httpx.get(f"{central.url}/v1/figures", params={"day": "2026-13-45"},
                     headers={"authorization": f"Bearer {viewer}"},
                     timeout=10).status_code == 422
    # the platform's operator: the same from its database
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "figures", "--day",
                           day, "--scope", "sy", "--data-dir", str(central.data_dir), "--json"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["halls"] == got["halls"] and out["total"] == got["total"]
