"""The command-line contract of issue 27, exactly: `rate … --reason` answers the visit's window,
clerk, matter and case; `rating follow-ups` / `rating follow-up` step by step; closing without
an action and a 回访 exits 3, `follow_up_incomplete`."""

from __future__ import annotations

from pathlib import Path

from tests.hall.test_cli import cli
from tests.hall.test_cli_back_office import PASSWORD, as_, run


def test_rate_and_follow_up_through_the_cli(tmp_path: Path) -> None:
    data = tmp_path
    cli(data, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    assert run(data, "access", "user", "add", "admin1", "--role", "admin",
               stdin=PASSWORD + "\n")[0] == 0
    assert run(data, "access", "user", "add", "boss1", "--role", "supervisor", "--as", "admin1",
               stdin=f"{PASSWORD}\n{PASSWORD}\n")[0] == 0
    cli(data, "ticket", "take", "--service", "newborn")
    cli(data, "ticket", "call", "--window", "3")
    cli(data, "ticket", "done", "--ticket", "A001")
    code, out, _ = cli(data, "rate", "--ticket", "A001", "--grade", "1", "--reason", "等候时间长",
                       "--reason", "多次跑动", "--comment", "等了两个小时")
    assert code == 0
    rating = out["rating"]
    assert {"id", "grade", "window", "clerk", "service", "case"} <= set(rating)
    assert (rating["grade"], rating["window"], rating["service"], rating["case"]) == (
        1, "3", "newborn", None)
    assert rating["clerk"] is None  # the local operator served it: no account
    code, out, _ = cli(data, "rate", "--ticket", "A001", "--grade", "1", "--reason", "太慢")
    assert code == 3 and out["error"] == "bad_reason"

    code, out = as_(data, "boss1", "rating", "follow-ups", "--open")
    assert code == 0
    [f] = out["follow_ups"]
    assert set(f) >= {"id", "rating", "grade", "assignee", "due", "overdue", "state"}
    assert (f["rating"], f["grade"], f["assignee"], f["overdue"], f["state"]) == (
        rating["id"], 1, None, False, "open")
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--close")
    assert code == 3 and out["error"] == "follow_up_incomplete"
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--assign", "boss1")
    assert code == 0 and out["follow_up"]["assignee"] == "boss1"
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--action",
                    "调整叫号策略")
    assert code == 0 and out["follow_up"]["state"] == "acted"
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--revisit",
                    "unsatisfied")
    assert code == 2  # a 回访 says what the citizen said
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--revisit",
                    "unsatisfied", "--note", "仍不满意")
    assert code == 0 and out["follow_up"]["revisit"] == "unsatisfied"
    code, out = as_(data, "boss1", "rating", "follow-up", "--id", f["id"], "--close")
    assert code == 0 and out["follow_up"]["state"] == "closed"
    code, out = as_(data, "boss1", "rating", "follow-ups", "--open")
    assert code == 0 and out["follow_ups"] == []
