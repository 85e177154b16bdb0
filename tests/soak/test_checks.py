"""The soak run's checks can fail: a store short of a ticket, a ticket twice, a call the screen
never showed (bench/soak_checks.py, on hand-made rows: no processes)."""

from __future__ import annotations

from bench.soak_checks import calls_missing, ticket_problems


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
