"""后台分类审批 across a real hub: a 新生儿出生 case accepted on a desk is decided by department
accounts signed in on two other terminals of the hall, one part after a 补正 handed in at the
window; the window completes and delivers it, and 办件查询 shows every part with its dates."""

from __future__ import annotations

import pytest

from hall.actors import Actor
from hall.cases import MaterialItem
from tests.hall.test_cases_ratings_stats import PERSON

CLERK = Actor.account("li", "clerk", "1")
PASSWORD = "pw-Strong-1"


def _department(client, user: str, department: str) -> Actor:  # type: ignore[no-untyped-def]
    """A department account on that terminal, signed in as the workbench would."""
    hall = client.hall
    hall.accounts.add(None, "admin1", "admin", PASSWORD)
    admin = hall.accounts.sign_in("admin1", PASSWORD)
    hall.accounts.add(admin, user, "department", PASSWORD, department=department)
    return hall.accounts.sign_in(user, PASSWORD)


def _hall_keys(first, *others) -> None:  # type: ignore[no-untyped-def]
    """The hall's sealing key on every terminal, as enrollment hands it out (sync enroll)."""
    import shutil

    from hall.security import keys

    first.hall.core.sealer  # noqa: B018 - made on first use
    source = keys.key_path(first.hall.data_dir, keys.DATA)
    for other in others:
        target = keys.key_path(other.hall.data_dir, keys.DATA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_newborn_decided_on_two_department_terminals_through_the_hub(
        make_server, make_terminal) -> None:
    srv = make_server()
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    health_t = make_terminal(srv.url, srv.token("H1", "W1"), "W1", lease_series=())
    police_t = make_terminal(srv.url, srv.token("H1", "P1"), "P1", lease_series=())
    _hall_keys(desk, health_t, police_t)
    health = _department(health_t, "wjw1", "市卫健委")
    police = _department(police_t, "gaj1", "市公安局")
    social = Actor.account("rsj1", "department", department="市人社局")
    insurance = Actor.account("ybj1", "department", department="市医保局")
    assert health.department == "市卫健委" and police.role == "department"

    items = [MaterialItem(m.name, "submitted") for m in desk.hall.catalog.get("newborn").materials]
    number = desk.hall.cases.accept(CLERK, "newborn", PERSON, items).value.number
    desk.once()
    police_t.pull()
    health_t.pull()
    assert [(p.case, p.step) for p in police_t.hall.parts.queue(police)] == [(number, 3)]
    assert [p.step for p in health_t.hall.parts.queue(health)] == [1, 2, 7]

    # 公安: signs for it, asks for a 补正; the window records it; then approves
    police_t.hall.parts.decide(police, number, 3, "received")
    police_t.hall.parts.decide(police, number, 3, "correction", "户口簿缺页", bring=["户口簿"])
    police_t.once()
    desk.pull()
    owed = desk.hall.views.progress(number).owed
    assert [(p.step, p.bring) for p in owed] == [(3, ("户口簿",))]
    assert {s.step: s.note for s in desk.hall.cases.get(CLERK, number).steps}[3] == "户口簿缺页"
    desk.hall.parts.correct(CLERK, number, 3)
    desk.once()
    police_t.pull()
    assert [p.status for p in police_t.hall.parts.queue(police)] == ["corrected"]
    police_t.hall.parts.decide(police, number, 3, "approved", "准予登记")
    for step, who in ((4, social), (5, insurance), (6, insurance)):  # on the police terminal too
        police_t.hall.parts.decide(who, number, step, "received")
        police_t.hall.parts.decide(who, number, step, "approved", "同意")
    police_t.once()
    # 卫健委 (the lead) on its own terminal
    for step in (1, 2, 7):
        health_t.hall.parts.decide(health, number, step, "received")
        health_t.hall.parts.decide(health, number, step, "approved", "同意")
    health_t.once()

    desk.pull()
    assert [c.number for c in desk.hall.parts.ready(CLERK)] == [number]
    progress = desk.hall.views.progress(number)
    assert progress.ready and progress.steps_done == progress.steps_total == 7
    assert all(p.due and p.decided_at and p.matter for p in progress.steps)
    done = desk.hall.cases.complete(CLERK, number).value
    assert done.status == "completed"
    desk.hall.cases.deliver(CLERK, number)
    desk.once()
    assert desk.hall.views.progress(number).status == "delivered"
    # every move is an event with its actor
    actors = {row[0] for row in desk.hall.core.conn.execute(
        "SELECT json_extract(payload, '$.by.name') FROM events WHERE type LIKE 'CaseStep%'")}
    assert actors == {"wjw1", "gaj1", "rsj1", "ybj1", "li"}
