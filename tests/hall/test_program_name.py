"""Help and errors name the command the person actually typed: `tingduan …` where the program is
installed (the console script here; the package's frozen bundle: tests/package), `python main.py
…` in a checkout; and --help lists the window faces too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("tingduan")  # pip's console script of this venv


def _run(*cmd: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=env)


def test_installed_command_names_itself_tingduan(tmp_path: Path) -> None:
    helped = _run(SCRIPT, "--help")
    assert helped.stdout.startswith("usage: tingduan "), helped.stdout
    for face in ("kiosk", "desk", "display"):
        assert f"\n    {face} " in helped.stdout, face
    unset = _run(SCRIPT, "ticket", "take", "--service", "newborn", "--data-dir", tmp_path / "none")
    assert unset.returncode != 0
    assert "`tingduan setup --hall HALL --terminal ID`" in unset.stderr, unset.stderr
    assert "python main.py" not in unset.stderr


def test_checkout_names_python_main_py() -> None:
    helped = _run(sys.executable, ROOT / "main.py", "--help")
    assert helped.stdout.startswith("usage: python main.py "), helped.stdout
