"""`case …` and `rate` through the real CLI, the applicant read from the GA 467 emulator on a pty:
the contract (JSON keys, exit codes), masking, and what a refusal keeps out of the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.emulators.id_reader import IdReaderEmulator
from devices.emulators.people import RESIDENT
from hall.app import Hall
from hall.security import audit
from tests.hall.test_cli import cli

MATERIALS = ["--material", "申请人居民身份证=exempt", "--material", "户口簿=submitted",
             "--material", "申请表(系统自动生成,当场签字)=submitted",
             "--material", "出生医学证明=submitted"]


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    assert cli(tmp_path, "ticket", "take", "--service", "newborn")[0] == 0
    cli(tmp_path, "ticket", "call", "--window", "1")
    return tmp_path


def _decide_all(folder: Path, number: str) -> None:
    """Every part approved by its department's account (the back office: tests/hall/
    test_cli_back_office.py drives it through the CLI)."""
    from hall.actors import Actor
    from hall.app import Hall

    with Hall.open(folder) as hall:
        for step in hall.cases.get(Actor.operator("t"), number).steps:
            who = Actor.account("d", "department", department=step.department)
            hall.parts.decide(who, number, step.step, "received")
            hall.parts.decide(who, number, step.step, "approved")


def test_accept_show_complete_deliver_and_rate(desk: Path) -> None:
    with IdReaderEmulator(RESIDENT) as reader:
        code, out, err = cli(desk, "case", "accept", "--ticket", "A001", "--service", "newborn",
                             "--id-reader", reader.path, *MATERIALS,
                             "--material", "父母结婚证=deferred:2099-01-31",
                             "--promise", "申请人承诺按期补交结婚证")
    assert code == 0, err
    case = out["case"]
    assert {"id", "number", "status", "materials"} <= set(case)
    assert case["status"] == "accepted" and case["number"].startswith("SY-ZW01-")
    deferred = {m["name"]: m for m in case["materials"]}["父母结婚证"]
    assert deferred["status"] == "deferred" and deferred["due"] == "2099-01-31"
    assert RESIDENT.name not in str(out) and RESIDENT.id_number not in str(out)
    code, out, _ = cli(desk, "case", "complete", "--case", case["number"])
    assert code == 3 and out["error"] == "materials_outstanding"
    cli(desk, "case", "supply", "--case", case["number"], "--material", "父母结婚证")
    code, out, _ = cli(desk, "case", "complete", "--case", case["number"])
    assert code == 3 and out["error"] == "steps_pending"  # nothing is decided silently
    _decide_all(desk, case["number"])
    code, out, _ = cli(desk, "case", "complete", "--case", case["number"])
    assert code == 0 and out["case"]["status"] == "completed"
    code, out, _ = cli(desk, "case", "deliver", "--case", case["number"], "--channel", "mail",
                       "--tracking", "EA123456789CN")
    assert code == 0 and out["case"]["delivery"] == {"channel": "mail",
                                                     "tracking": "EA123456789CN"}
    code, out, _ = cli(desk, "case", "show", "--case", case["number"])
    assert code == 0 and out["case"]["status"] == "delivered"
    code, out, _ = cli(desk, "case", "list")
    assert [c["number"] for c in out["cases"]] == [case["number"]]
    cli(desk, "ticket", "done", "--ticket", "A001")
    code, out, _ = cli(desk, "rate", "--ticket", "A001", "--grade", "2", "--comment", "等太久")
    assert code == 0 and out["rating"]["follow_up_due"] and out["rating"]["grade"] == 2
    code, out, _ = cli(desk, "rate", "--ticket", "A001", "--grade", "5")  # delivered: 出件
    assert code == 0 and out["rating"]["stage"] == "result"
    assert out["rating"]["case"] == case["number"] and out["rating"]["window"] == "1"
    code, out, _ = cli(desk, "rate", "--ticket", "A001", "--grade", "5")
    assert code == 3 and out["error"] == "rated"


def test_refuse_with_reasons_and_bad_input(desk: Path) -> None:
    with IdReaderEmulator(RESIDENT) as reader:
        code, out, err = cli(desk, "case", "refuse", "--ticket", "A001", "--service", "newborn",
                             "--id-reader", reader.path, "--reason", "不属于本中心受理范围")
        assert code == 0, err
        assert out["case"]["status"] == "refused"
        assert out["case"]["reasons"] == ["不属于本中心受理范围"]  # the operator may read them
        code, out, _ = cli(desk, "case", "accept", "--ticket", "A001", "--service", "newborn",
                           "--id-reader", reader.path, "--material", "户口簿")
        assert code == 2 and out["error"] == "usage"
        code, out, _ = cli(desk, "case", "accept", "--ticket", "A001", "--service", "newborn",
                           "--id-reader", reader.path, *MATERIALS)  # 父母结婚证 missing
        assert code == 3 and out["error"] == "material_missing"
    code, out, _ = cli(desk, "rate", "--ticket", "A001", "--grade", "9")
    assert code == 2
    code, out, _ = cli(desk, "case", "show", "--case", "nope")
    assert code == 3 and out["error"] == "unknown_case"


def test_a_ticket_with_a_case_refuses_a_second_unless_another(desk: Path) -> None:
    """A desk restarted mid-visit accepting again: exit 3 naming the case, nothing written;
    `--another` is a second matter of the same visit on purpose."""
    deferred = ["--material", "父母结婚证=deferred:2099-01-31", "--promise", "按期补交"]
    with IdReaderEmulator(RESIDENT) as reader:
        accept = ["case", "accept", "--ticket", "A001", "--service", "newborn",
                  "--id-reader", reader.path, *MATERIALS, *deferred]
        code, first, err = cli(desk, *accept)
        assert code == 0, err
        number = first["case"]["number"]
        code, out, err = cli(desk, *accept)
        assert code == 3 and out["error"] == "ticket_has_case" and out["case"] == number
        assert number in out["message"] and number in err
        assert len(cli(desk, "case", "list")[1]["cases"]) == 1  # nothing written
        code, out, err = cli(desk, *accept, "--another")
        assert code == 0, err
        assert out["case"]["number"] != number and out["case"]["ticket_id"] == \
            first["case"]["ticket_id"]


def test_typed_text_masks_id_and_phone_runs_unless_revealed(desk: Path) -> None:
    typed = "申请人420302199001011234未带户口簿，回电13812345678"
    with IdReaderEmulator(RESIDENT) as reader:
        code, out, err = cli(desk, "case", "refuse", "--ticket", "A001", "--service", "newborn",
                             "--id-reader", reader.path, "--reason", typed)
    assert code == 0, err
    number = out["case"]["number"]
    masked = ["申请人420302********1234未带户口簿，回电138****5678"]
    assert out["case"]["reasons"] == masked
    code, out, _ = cli(desk, "case", "show", "--case", number)
    assert code == 0 and out["case"]["reasons"] == masked
    assert "199001011234" not in str(out) and "12345678" not in str(out)
    code, out, _ = cli(desk, "case", "show", "--case", number, "--reveal")
    assert code == 0 and out["case"]["reasons"] == [typed]
    hall = Hall.open(desk)
    try:
        trail = audit.trail(hall.core.conn, action="data_view")
    finally:
        hall.close()
    assert [(e["target"], e["detail"]) for e in trail] == [(number, {"fields": ["typed_text"]})]
