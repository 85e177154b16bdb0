"""The headless CLI contract: commands, JSON keys, error objects and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT


def cli(data: Path, *args: str) -> tuple[int, Any, str]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data),
                           "--json"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout  # exactly one JSON object
    return done.returncode, json.loads(lines[0]), done.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    code, out, _ = cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    assert code == 0 and out["setup"]["hall"] == "SY-ZW01"
    assert out["setup"]["numbering"] == "standalone"
    return tmp_path


def test_a_terminal_set_up_without_standalone_is_a_member(tmp_path: Path) -> None:
    """Not enrolled yet, it issues from its own fallback series, never a plain hall number."""
    code, out, _ = cli(tmp_path, "setup", "--hall", "H1", "--terminal", "DESK01")
    assert code == 0 and out["setup"]["numbering"] == "member"
    numbers = [cli(tmp_path, "ticket", "take", "--service", "newborn")[1]["ticket"]["number"]
               for _ in range(2)]
    assert numbers == ["A-DESK01-001", "A-DESK01-002"]


def test_services(data: Path) -> None:
    code, out, _ = cli(data, "services")
    assert code == 0
    first = out["services"][0]
    assert set(first) == {"id", "name", "series", "bundle"}
    assert sum(s["bundle"] for s in out["services"]) == 15


def test_take_call_done_list_stats(data: Path) -> None:
    code, out, _ = cli(data, "ticket", "take", "--service", "newborn", "--priority", "elder")
    assert code == 0
    ticket = out["ticket"]
    assert {"id", "number", "service", "priority", "issued_at", "ahead"} <= set(ticket)
    assert (ticket["number"], ticket["priority"], ticket["ahead"]) == ("A001", "elder", 0)
    code, out, _ = cli(data, "ticket", "call", "--window", "5")
    assert code == 0 and out["ticket"]["window"] == "5" and out["ticket"]["id"] == ticket["id"]
    for action in ("recall", "done"):
        code, out, _ = cli(data, "ticket", action, "--ticket", ticket["id"])
        assert code == 0
    assert out["ticket"]["status"] == "done"
    code, out, _ = cli(data, "ticket", "list")
    assert [t["number"] for t in out["tickets"]] == ["A001"]
    code, out, _ = cli(data, "stats")
    assert code == 0 and (out["issued"], out["served"]) == (1, 1)
    assert "5" in out["by_window"] and "newborn" in out["by_service"]
    code, out, _ = cli(data, "admin", "rebuild")
    assert code == 0 and out["rebuild"]["identical"] is True


def test_transfer_and_cancel(data: Path) -> None:
    cli(data, "ticket", "take", "--service", "newborn")
    cli(data, "ticket", "call", "--window", "1")
    code, out, _ = cli(data, "ticket", "transfer", "--ticket", "A001", "--service", "retirement")
    assert code == 0 and out["ticket"]["service"] == "retirement"
    code, out, _ = cli(data, "ticket", "cancel", "--ticket", "A001")
    assert code == 0 and out["ticket"]["status"] == "cancelled"


@pytest.mark.parametrize(
    ("args", "exit_code", "error"),
    [
        (("ticket", "call", "--window", "1"), 3, "nothing_waiting"),
        (("ticket", "take", "--service", "nope"), 3, "unknown_service"),
        (("ticket", "take"), 2, "usage"),
        (("ticket", "take", "--service", "newborn", "--priority", "vip"), 2, "usage"),
        (("ticket", "done", "--ticket", "A009"), 3, "unknown_ticket"),
        (("frobnicate",), 2, "usage"),
    ],
)
def test_errors(data: Path, args: tuple[str, ...], exit_code: int, error: str) -> None:
    code, out, err = cli(data, *args)
    assert code == exit_code
    assert out["error"] == error and out["message"]
    assert err.startswith("error: ") and err.count("\n") == 1


def test_not_set_up_and_foreign_setup(tmp_path: Path) -> None:
    code, out, _ = cli(tmp_path / "empty", "ticket", "take", "--service", "newborn")
    assert code == 2 and out["error"] == "not_set_up"
    cli(tmp_path, "setup", "--hall", "H1", "--terminal", "K3")
    code, out, _ = cli(tmp_path, "setup", "--hall", "H2", "--terminal", "K3")
    assert code == 3 and out["error"] == "already_set_up"
    code, out, _ = cli(tmp_path, "setup", "--hall", "H1", "--terminal", "K3")
    assert code == 0  # setting up again is harmless


# The start budget of the headless hot path (issue 14: `ticket take` ≤ 0.3 s over `python -c
# pass`): none of these loads on it. Qt belongs to the faces; SQLAlchemy and Alembic only migrate;
# FastAPI serves the hub; pydantic validates a config file that changed (test_config_files) and
# the sync wire; httpx talks to the hub, which only a call through it needs.
HEAVY = ("PySide6", "shiboken6", "sqlalchemy", "alembic", "fastapi", "starlette", "pydantic",
         "httpx")


@pytest.mark.parametrize("terminal", ["standalone", "member enrolled with a hub"])
@pytest.mark.parametrize("command", [("ticket", "take", "--service", "newborn"),
                                     ("ticket", "list")])
def test_the_headless_hot_path_imports_nothing_heavy(tmp_path: Path, terminal: str,
                                                     command: tuple[str, ...]) -> None:
    from sync import credential

    args = ["setup", "--hall", "H1", "--terminal", "K3"]
    assert cli(tmp_path, *args, *(["--standalone"] if terminal == "standalone" else []))[0] == 0
    if terminal != "standalone":  # the hub router is attached; the take must not load its client
        credential.save(tmp_path, credential.SyncCredential(
            server="http://127.0.0.1:9", token="t", hall_id="H1", terminal_id="K3"))
    cli(tmp_path, *command)  # the first run validates the new config files (pydantic, once)
    probe = (
        "import sys; sys.argv = ['main.py', *sys.argv[1:]]; import cli; code = cli.main(); "
        f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})); "
        "print(code, bad)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command, "--data-dir", str(tmp_path),
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout + done.stderr


def test_demo_headless(tmp_path: Path) -> None:
    code, out, _ = cli(tmp_path / "demo", "demo", "--headless")
    assert code == 0
    whats = {e["what"] for e in out["day"]}
    assert {"取号", "叫号", "读卡", "受理", "评价", "同步"} <= whats
    assert out["stats"]["total"]["issued"] == 12
    assert out["printed"] == 12  # every ticket reached the printer emulator
    assert out["hub_events"] > 12  # and the day reached the local hub
    assert len(list((tmp_path / "demo" / "printed").glob("*.png"))) == 12
    plain = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "demo").rglob("*.txt"))
    assert "测试甲" not in plain and "测试甲" not in json.dumps(out, ensure_ascii=False)


def test_a_bug_still_answers_with_the_error_contract(tmp_path: Path, capsys) -> None:
    import argparse

    import cli

    try:
        raise ValueError("boom for 11010519491231002X")
    except ValueError as exc:
        code = cli.crashed(argparse.Namespace(data_dir=tmp_path), exc, True)
    out, err = capsys.readouterr()
    assert code == 1 and json.loads(out)["error"] == "internal"
    assert "11010519491231002X" not in out + err
    reports = list((tmp_path / "logs").glob("crash-*.txt"))
    assert len(reports) == 1 and "11010519491231002X" not in reports[0].read_text()
    assert "ValueError" in reports[0].read_text()


def test_demo_opens_windows_only_where_there_is_a_display(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`./dev demo` runs `demo`: the hall's windows with a display, the printed day without."""
    import sys as system

    from cli.demo_windows import has_display

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(system, "platform", "linux")
    assert has_display() is False
    monkeypatch.setenv("DISPLAY", ":0")
    assert has_display() is True
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert has_display() is False
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setattr(system, "platform", "win32")
    assert has_display() is True

