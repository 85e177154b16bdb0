"""The central platform's figures per department (issue 27): the same breakdown, by the same rule,
as the hall's own (hall/rating_figures.py). A hall's desk serves three visits and a pad rates
them (newborn 5 without a case, retirement 1 without a case, newborn 3 with a case whose first
part is handed from 市卫健委 to 市民政局), pushes to the real central server over HTTP, and a
viewer reads GET /v1/figures: per hall and in the city's total, the departments count what the
hall counts for itself, checked by hand."""

from __future__ import annotations

import argparse

import httpx
import pytest

from cli import figures_cmd
from hall.actors import Actor
from hall.cases import MaterialItem
from tests.hall.test_cases_ratings_stats import PERSON

CLERK = Actor.account("li", "clerk", "1")
BOSS = Actor.account("boss", "supervisor")
# by hand (tests/hall/test_rating_figures.py): newborn's parts 卫健委, 公安局, 人社局, 医保局;
# retirement's 人社局, 医保局, 公积金中心, 卫健委, 公安局; the case's part 1 now 民政局's
BY_HAND = {
    "市人社局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
    "市住房公积金中心": {"count": 1, "mean": 1.0, "bad": 1, "bad_rate": 1.0},
    "市公安局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
    "市医保局": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
    "市卫健委": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333},
    "市民政局": {"count": 1, "mean": 3.0, "bad": 0, "bad_rate": 0.0}}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_platform_counts_per_department_as_the_hall_does(make_server, make_terminal) -> None:
    central = make_server(role="central")
    desk = make_terminal(central.url, central.token("SY-ZW01", "D1"), "D1", hall_id="SY-ZW01",
                         numbering="standalone", lease_series=())
    hall = desk.hall
    hall.windows.configure(BOSS, "1", None)
    pad = hall.rater_session("1")
    for service, grade, case in (("newborn", 5, False), ("retirement", 1, False),
                                 ("newborn", 3, True)):
        t = hall.tickets.take(CLERK, service).value
        hall.tickets.call_next(CLERK, "1")
        hall.tickets.start(CLERK, t.id)
        if case:
            items = [MaterialItem(m.name, "submitted") for m in hall.catalog.get(service).materials]
            number = hall.cases.accept(CLERK, service, PERSON, items, ticket=t.id).value.number
            hall.parts.reassign(BOSS, number, 1, "市民政局", "职责调整")
        hall.tickets.done(CLERK, t.id)
        pad.ratings.rate(t.id, grade)
    desk.once()
    day = hall.today()

    viewer = central.token("SY", "CITY", role="viewer")
    answer = httpx.get(f"{central.url}/v1/figures", params={"day": day},
                       headers={"authorization": f"Bearer {viewer}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    mine = got["halls"]["SY-ZW01"]
    assert mine["per_department"] == BY_HAND
    assert got["total"]["per_department"] == BY_HAND  # one hall: the city's total is the same
    own = hall.stats.day(BOSS, day).rating_figures
    assert own["per_department"] == BY_HAND
    # the same shape: every figure the hall gives of its ratings, the platform gives alike
    for key in ("count", "mean", "bad", "bad_rate", "grades", "results", "by_window",
                "by_clerk", "by_service", "per_department"):
        assert mine[key] == own[key], key
    assert set(own["follow_ups"]) == set(mine["follow_ups"])
    assert mine["by_clerk"] == {"li": {"count": 3, "mean": 3.0, "bad": 1, "bad_rate": 0.3333}}
    # `serve figures` on the platform's host: the same, and a line per department
    out, text = figures_cmd.figures(argparse.Namespace(
        day=day, today=None, scope="SY", hall=None, data_dir=central.data_dir, database=None))
    assert out["total"]["per_department"] == BY_HAND
    assert "市民政局: 1 ratings, mean 3.0, 差评 0" in text.splitlines()
