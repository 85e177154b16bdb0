"""Issue 24, departments in their own systems: the hub's department API over HTTP, with a
department's credential limited to its department (another's part: 403, audited), each read of
the applicant audited, a decision heard by the hall's desks."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from sync.server.tables import events
from tests.sync.hallnet import cli
from tests.sync.test_travel_cases import NAME, OP, accept, step_status, with_hall


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_department_reads_and_decides_only_its_own_parts(make_server, tmp_path: Path,
                                                          backend: str) -> None:
    hub = make_server(role="hub", hall="C1")
    desk = tmp_path / "desk"
    cli("setup", "--hall", "C1", "--terminal", "D1", data_dir=desk)
    code = cli("serve", "enroll-code", "--hall", "C1", "--terminal", "D1",
               data_dir=hub.data_dir)["code"]
    cli("sync", "enroll", "--server", hub.url, "--code", code, data_dir=desk)
    number = accept(desk)
    case_id = with_hall(desk, lambda h: h.cases.get(OP, number).id)
    cli("sync", "--once", data_dir=desk)

    made = cli("serve", "enroll-code", "--hall", "C1", "--terminal", "GA-SYS", "--role",
               "department", "--department", "市公安局", data_dir=hub.data_dir)
    assert made["role"] == "department" and made["department"] == "市公安局"
    token = httpx.post(f"{hub.url}/v1/enroll", json={"code": made["code"]}).json()["token"]
    with httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {token}"}) as api:
        listed = api.get("/v1/department/parts").json()
        assert [(p["case"], p["step"], p["status"]) for p in listed["parts"]] == [
            (number, 3, "pending")]
        assert NAME not in json.dumps(listed, ensure_ascii=False)  # the list is masked
        part = api.get(f"/v1/department/parts/{case_id}/3").json()
        assert part["applicant"]["name"] == NAME  # a read in plain, audited below
        other = api.get(f"/v1/department/parts/{case_id}/1")  # 市卫健委's
        assert other.status_code == 403
        refused = api.post(f"/v1/department/parts/{case_id}/1/decision",
                           json={"outcome": "received"})
        assert refused.status_code == 403
        # the department's credential opens nothing of the hall's sync
        assert api.get("/v1/sync/pull").status_code == 403
        assert api.post("/v1/sync/push", json={"events": []}).status_code == 403
        assert api.post(f"/v1/department/parts/{case_id}/3/decision",
                        json={"outcome": "approved"}).status_code == 409  # 签收 first
        assert api.post(f"/v1/department/parts/{case_id}/3/decision",
                        json={"outcome": "sure"}).status_code == 422
        for outcome in ("received", "approved"):
            done = api.post(f"/v1/department/parts/{case_id}/3/decision",
                            json={"outcome": outcome, "note": "准予登记"})
            assert done.status_code == 200, done.text
        assert api.get("/v1/department/parts").json()["parts"] == []
    with hub.engine.connect() as c:
        audits = [json.loads(p) for p in c.execute(select(events.c.payload).where(
            events.c.type == "AuditRecorded")).scalars()]
    assert [(a["action"], a["outcome"], a["target"]) for a in audits] == [
        ("data_view", "ok", f"{number}#3"), ("command_refused", "forbidden", f"{number}#1"),
        ("command_refused", "forbidden", f"{number}#1")]
    assert all(a["by"] == {"kind": "account", "name": "GA-SYS", "role": "department",
                           "department": "市公安局"} for a in audits)
    cli("sync", "--once", data_dir=desk)  # the hall's desk hears the department's decision
    assert step_status(desk, number)[3] == "approved"
