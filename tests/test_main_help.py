"""`python main.py --help` lists every command, the Qt faces included, one line each (a
technician finds the kiosk and the desk there)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

from cli import build_parser
from tests.conftest import ROOT


def _commands() -> list[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    raise AssertionError("no commands")


def test_help_lists_every_command_faces_included_one_line_each() -> None:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    commands = _commands()
    assert {"kiosk", "desk", "display"} <= set(commands)
    lines = done.stdout.splitlines()
    listed = {m.group(1): i for i, line in enumerate(lines)
              if (m := re.match(r"^    ([a-z-]+)\s{2,}\S", line))}
    assert set(commands) <= set(listed), set(commands) - set(listed)
    for name in commands:  # the line after a command's is the next command's (or the end)
        following = lines[listed[name] + 1]
        assert not following.startswith("      "), (name, following)
