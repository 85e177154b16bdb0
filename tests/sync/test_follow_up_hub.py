"""差评整改 across a real hub: a visit served at window 1 is rated 1 on that window's rating pad
(its own terminal, enrolled as a rater); the supervisor's terminal assigns the follow-up, a
department's terminal records the 整改 action, the supervisor records the 回访 and closes it;
every terminal ends with the same follow-up, and the server took the pad's rating but nothing
else from it."""

from __future__ import annotations

import pytest

from hall.actors import Actor
from hall.errors import DomainError
from tests.sync.test_back_office_hub import PASSWORD, _department, _hall_keys

CLERK = Actor.account("li", "clerk", "1")
BOSS = Actor.account("boss", "supervisor")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_pad_rating_is_followed_up_on_other_terminals_through_the_hub(
        make_server, make_terminal) -> None:
    srv = make_server()
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    pad = make_terminal(srv.url, srv.token("H1", "R1", role="rater", window="1"), "R1", lease_series=())
    boss_t = make_terminal(srv.url, srv.token("H1", "S1"), "S1", lease_series=())
    dept_t = make_terminal(srv.url, srv.token("H1", "P1"), "P1", lease_series=())
    _hall_keys(desk, pad, boss_t, dept_t)
    police = _department(dept_t, "gaj1", "市公安局")

    t = desk.hall.tickets.take(CLERK, "newborn").value
    desk.hall.tickets.call_next(CLERK, "1")
    desk.hall.tickets.start(CLERK, t.id)
    desk.hall.tickets.done(CLERK, t.id)
    desk.once()
    pad.pull()
    with pytest.raises(DomainError):  # the pad of window 2 cannot rate window 1's visit
        pad.hall.rater_session("2").ratings.rate(t.id, 5)
    r = pad.hall.rater_session("1").ratings.rate(t.id, 1, reasons=["等候时间长"]).value
    assert (r.window, r.clerk, r.service) == ("1", "li", "newborn")
    pad.once()

    boss_t.pull()
    [f] = boss_t.hall.follow_ups.list(BOSS)
    assert (f.rating, f.grade, f.state, f.window, f.clerk) == (r.id, 1, "open", "1", "li")
    boss_t.hall.follow_ups.assign(BOSS, f.id, "市公安局")
    boss_t.once()
    dept_t.pull()
    [mine] = dept_t.hall.follow_ups.list(police)
    dept_t.hall.follow_ups.act(police, mine.id, "增开窗口，高峰时段分流")
    dept_t.once()
    boss_t.pull()
    with pytest.raises(DomainError) as early:
        boss_t.hall.follow_ups.close(BOSS, f.id)
    assert early.value.code == "follow_up_incomplete"
    boss_t.hall.follow_ups.revisit(BOSS, f.id, "satisfied", "回访：已理解并认可")
    closed = boss_t.hall.follow_ups.close(BOSS, f.id).value
    assert closed.state == "closed" and closed.action == "增开窗口，高峰时段分流"
    boss_t.once()
    for term in (desk, pad, dept_t):
        term.pull()
    [seen] = desk.hall.follow_ups.list(BOSS)
    assert (seen.state, seen.revisit, seen.assignee, seen.action) == (
        "closed", "satisfied", "市公安局", "增开窗口，高峰时段分流")
    assert dept_t.hall.follow_ups.list(police, open_only=True) == []
    assert PASSWORD
