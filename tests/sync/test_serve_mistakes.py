"""A hall technician's mistakes with `serve`, as found trying the README by hand: each gives a
sentence with the exit code of its kind and a `code`, never a crash report, and writes nothing.

- a `--database` that cannot be opened (PostgreSQL down, a mistyped URL, a SQLite file in a
  folder that is not there);
- a command that only reads or removes (`serve directory` printing, `retention`, `revoke`)
  pointed at a data dir with no server database: no empty database made there;
- a second `serve` on the data dir a hub already serves (one process decides a hall's calls),
  and a port another program holds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.sync.hallnet import ROOT, free_port


def _run(*args: str) -> tuple[int, dict[str, Any]]:
    """The CLI in this process: exit code and its one JSON answer."""
    from cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([*args, "--json"])
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, lines
    return code, json.loads(lines[0])


def _closed_port() -> int:
    """A loopback port nothing listens on: a PostgreSQL that is down."""
    return free_port()


@pytest.mark.parametrize(("command", "url", "exit_code", "code"), [
    (["serve", "retention", "--keep-days", "3"], "postgresql+psycopg://td:pw@127.0.0.1:{port}/x",
     5, "database_unreachable"),
    (["serve", "enroll-code", "--hall", "C1", "--terminal", "K1"],
     "postgresql+psycopg://td:pw@127.0.0.1:{port}/x", 5, "database_unreachable"),
    (["serve", "status"], "postgresql+psycopg://td:pw@127.0.0.1:{port}/x", 5,
     "database_unreachable"),
    (["serve", "directory"], "mysql://td@127.0.0.1/x", 2, "database_url"),
    (["serve", "directory"], "not a url", 2, "database_url"),
    (["serve", "enroll-code", "--hall", "C1", "--terminal", "K1"],
     "sqlite:///{tmp}/no/such/folder/x.db", 1, "database_open"),
])
def test_a_database_that_cannot_be_opened_is_said_plainly(
        tmp_path: Path, command: list[str], url: str, exit_code: int, code: str) -> None:
    data = tmp_path / "platform"
    data.mkdir()
    database = url.format(port=_closed_port(), tmp=tmp_path)
    got_code, got = _run(*command, "--database", database, "--data-dir", str(data))
    assert (got_code, got["error"]) == (exit_code, code), got
    assert "pw" not in got["message"].replace("password", "")  # the URL's password is hidden
    assert not list(data.rglob("crash-*")), "a crash report for a typo"


@pytest.mark.parametrize("command", [
    ["serve", "directory"],
    ["serve", "retention", "--keep-days", "30"],
    ["serve", "revoke", "--hall", "C1", "--terminal", "K1"],
])
def test_reading_a_data_dir_with_no_server_database_makes_none(
        tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "centrl"
    code, got = _run(*command, "--data-dir", str(typo))
    assert (code, got["error"]) == (2, "no_server_database"), got
    assert not typo.exists()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def test_a_second_server_on_one_data_dir_and_a_busy_port_are_refused(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    port = free_port()
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", "--role", "hub", "--port", str(port),
         "--data-dir", str(hub_dir), "--hall", "C1"], cwd=ROOT, env=_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lock = hub_dir / "server.db.serving.lock"
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text() == str(first.pid)):
            assert first.poll() is None, first.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the first hub holds no lock on its database"
            time.sleep(0.05)
        # the same data dir, another port: refused at once, the first one untouched
        second = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "serve", "--role", "hub", "--port",
             str(free_port()), "--data-dir", str(hub_dir), "--json"], cwd=ROOT, env=_env(),
            capture_output=True, text=True, timeout=60)
        assert second.returncode == 3, second.stderr[-2000:]
        answer = json.loads(second.stdout)
        assert answer["error"] == "server_running" and str(first.pid) in answer["message"]
        assert first.poll() is None
        # another data dir on the port the first one holds: a sentence, not uvicorn's log line
        code, got = _run("serve", "--role", "hub", "--port", str(port), "--data-dir",
                         str(tmp_path / "other"))
        assert (code, got["error"]) == (2, "port_in_use"), got
    finally:
        first.terminate()
        first.communicate(timeout=30)
    # stopped, its data dir serves again (the lock went with the process)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        busy = held.getsockname()[1]
        code, got = _run("serve", "--role", "hub", "--port", str(busy), "--data-dir",
                         str(hub_dir))
        assert (code, got["error"]) == (2, "port_in_use"), got  # past the lock: it was free
