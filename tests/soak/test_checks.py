"""The soak run's checks can fail: a store short of a ticket, a ticket twice, a call the screen
never showed (bench/soak_checks.py, on hand-made rows: no processes)."""

from __future__ import annotations

from bench.soak_checks import calls_missing, calls_per_hour, state_mismatches, ticket_problems


def issued(event_id: str) -> tuple[str, str, str, dict[str, object]]:
    return (event_id, "TicketIssued", "K1", {})


def test_a_store_short_of_a_ticket_or_holding_one_twice_is_named() -> None:
    stores = {"kiosk": [issued("e1"), issued("e2")], "hub": [issued("e1"), issued("e2")],
              "central": [issued("e1")], "desk1": [issued("e1"), issued("e2"), issued("e2")]}
    everyone, problems = ticket_problems(stores)
    assert everyone == {"e1", "e2"}
    assert problems == ["central: 1 missing, 0 doubled", "desk1: 0 missing, 1 doubled"]
    assert ticket_problems({"kiosk": [issued("e1")], "hub": [issued("e1")]})[1] == []


def test_a_call_made_while_the_screen_was_up_must_be_on_it() -> None:
    calls = [("desk1", "A001", 100.0), ("desk2", "A002", 203.0), ("desk1", "A003", 400.0)]
    ups = [(0.0, 200.0), (300.0, float("inf"))]  # down from 200 to 300: A002 is excused
    expected, missing = calls_missing(calls, {"A001"}, ups)
    assert [n for _, n, _ in expected] == ["A001", "A003"]
    assert missing == ["A003 at desk1"]


def test_a_desk_that_stops_calling_for_a_hall_hour_is_named() -> None:
    t0, speed = 1000.0, 20.0  # a hall hour is 180 s of wall time
    calls = [("desk1", "A001", t0 + 10), ("desk2", "A002", t0 + 20),
             ("desk1", "A003", t0 + 200), ("desk1", "A004", t0 + 380)]
    table, idle = calls_per_hour(calls, ["desk1", "desk2"], t0, speed, 2.5)
    assert table == {"desk1": [1, 1, 1], "desk2": [1, 0, 0]}
    assert idle == ["desk2 made no call in hall hour 1", "desk2 made no call in hall hour 2"]
    assert calls_per_hour(calls, ["desk1"], t0, speed, 2.1)[1] == []  # 0.1 h: not judged


def test_stores_that_heard_the_same_events_of_a_ticket_must_show_it_alike() -> None:
    """Issue 29's long runs: the hub's projection kept a ticket served at desk 1 waiting (it
    heard the call and done before the issue) while every terminal showed it done. A store
    that has not heard every event yet is not judged."""
    states = {"hub": {"t1": "waiting", "t2": "done", "t3": "waiting"},
              "desk1": {"t1": "done", "t2": "done", "t3": "done"}}
    heard = {"hub": {"t1": frozenset({"i1", "c1", "d1"}), "t2": frozenset({"i2", "d2"}),
                     "t3": frozenset({"i3"})},
             "desk1": {"t1": frozenset({"i1", "c1", "d1"}), "t2": frozenset({"i2", "d2"}),
                       "t3": frozenset({"i3", "c3", "d3"})}}
    assert state_mismatches(states, heard) == ["t1: done at desk1, waiting at hub"]
    states["hub"]["t1"] = "done"
    assert state_mismatches(states, heard) == []


def test_memory_growth_is_read_from_a_face_s_second_sample_in_one_life() -> None:
    """A face restarted late in a hall hour warms up by the next sample: that is no growth
    (the first long run of this round read 8–18 MB an hour so); a life's later hours are."""
    from bench.soak_figures import targets

    def row(hour: float, starts: int, rss: float) -> dict[str, object]:
        return {"process": "screen", "hour": hour, "starts": starts, "rss_mb": rss}

    rows = [row(0, 1, 120), row(1, 2, 118), row(2, 2, 136), row(3, 2, 137), row(4, 2, 139)]
    assert targets(rows, ["screen"])["screen"]["rss_growth_mb_per_hour"] == 2.0
    rows.append(row(5, 2, 149))
    assert targets(rows, ["screen"])["screen"]["rss_ok"] is False
