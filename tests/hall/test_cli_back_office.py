"""The back office's command-line contract (issue 23), exactly: department accounts, `case
queue/decide/correct`, `case complete` refused `steps_pending`, `case list --ready`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from devices.emulators.id_reader import IdReaderEmulator
from devices.emulators.people import RESIDENT
from tests.hall.test_cli import ROOT, cli
from tests.hall.test_cli_cases import MATERIALS

PASSWORD = "pw-Strong-1"


def run(data: Path, *args: str, stdin: str = "") -> tuple[int, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data),
                           "--json"], input=stdin, capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, (done.stdout, done.stderr)
    return done.returncode, json.loads(lines[0])


def as_(data: Path, user: str, *args: str) -> tuple[int, Any]:
    return run(data, *args, "--as", user, stdin=PASSWORD + "\n")


def test_departments_decide_their_own_parts_through_the_cli(tmp_path: Path) -> None:
    data = tmp_path
    cli(data, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    assert run(data, "access", "user", "add", "admin1", "--role", "admin",
               stdin=PASSWORD + "\n")[0] == 0
    for user, role, dept in (("gaj1", "department", "市公安局"), ("wjw1", "department", "市卫健委"),
                             ("clerk1", "clerk", None)):
        code, out = run(data, "access", "user", "add", user, "--role", role,
                        *(["--department", dept] if dept else []), "--as", "admin1",
                        stdin=f"{PASSWORD}\n{PASSWORD}\n")
        assert code == 0, out
        assert out["user"].get("department") == dept
    code, out = run(data, "access", "user", "add", "x1", "--role", "department", "--department",
                    "火星局", "--as", "admin1", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert code == 3 and out["error"] == "unknown_department"
    cli(data, "ticket", "take", "--service", "newborn")
    cli(data, "ticket", "call", "--window", "1")
    with IdReaderEmulator(RESIDENT) as reader:
        code, out, _ = cli(data, "case", "accept", "--ticket", "A001", "--service", "newborn",
                           "--id-reader", reader.path, *MATERIALS,
                           "--material", "父母结婚证=submitted")
    number = out["case"]["number"]

    code, out = as_(data, "gaj1", "case", "queue", "--json")
    assert code == 0 and [set(p) for p in out["parts"]] == [
        {"case", "step", "matter", "department", "status", "due", "overdue"}]
    assert out["parts"][0]["department"] == "市公安局" and out["parts"][0]["step"] == 3
    code, out = as_(data, "gaj1", "case", "queue", "--department", "市卫健委")
    assert code == 3 and out["error"] == "forbidden"
    # another department's part: exit 3 forbidden, nothing written
    code, out = as_(data, "gaj1", "case", "decide", "--case", number, "--step", "1",
                    "--outcome", "received", "--note", "x")
    assert code == 3 and out["error"] == "forbidden"
    code, out = as_(data, "clerk1", "case", "decide", "--case", number, "--step", "3",
                    "--outcome", "received", "--note", "x")
    assert code == 3 and out["error"] == "forbidden"
    code, out = as_(data, "wjw1", "case", "show", "--case", number)
    assert {s["status"] for s in out["case"]["steps"]} == {"pending"}  # the lead sees all 7
    assert len(out["case"]["steps"]) == 7

    code, out = as_(data, "gaj1", "case", "decide", "--case", number, "--step", "3",
                    "--outcome", "received", "--note", "已签收")
    assert code == 0, out
    code, out = as_(data, "gaj1", "case", "decide", "--case", number, "--step", "3",
                    "--outcome", "correction", "--note", "户口簿需本人签字")
    assert code == 0 and out["case"]["steps"][0]["status"] == "correction"
    assert {"step", "matter", "department", "status", "due", "decided_at"} <= set(
        out["case"]["steps"][0])
    code, out = run(data, "case", "complete", "--case", number)
    assert code == 3 and out["error"] == "steps_pending"
    code, out = as_(data, "clerk1", "case", "correct", "--case", number, "--step", "3")
    assert code == 0, out
    code, out = as_(data, "gaj1", "case", "decide", "--case", number, "--step", "3",
                    "--outcome", "approved", "--note", "准予登记")
    assert code == 0 and out["case"]["steps"][0]["decided_at"]
    code, out = run(data, "case", "list", "--ready")
    assert code == 0 and out["cases"] == []
    code, out = run(data, "case", "decide", "--case", number, "--step", "9",
                    "--outcome", "sure")
    assert code == 2  # bad input
