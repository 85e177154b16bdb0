"""The hub's CLI as an operator runs it: a hub code on the central platform, `serve enroll` on the
hub, `serve --role hub --upstream URL` as a process, a terminal's ticket reaching the central."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from sync.server.tables import events

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("backend", ["sqlite"])  # the CLI opens its data dir's database
def test_serve_enroll_and_forward(make_server, tmp_path: Path) -> None:
    central = make_server(role="central")
    hub_dir = tmp_path / "hub"
    plain = json.loads(_cli("serve", "enroll-code", "--data-dir", str(central.data_dir),
                            "--hall", "H1", "--terminal", "HUB").stdout)["code"]
    refused = _cli("serve", "enroll", "--data-dir", str(hub_dir), "--upstream", central.url,
                   "--code", plain)
    assert refused.returncode == 3 and "not_a_hub_code" in refused.stdout
    made = json.loads(_cli("serve", "enroll-code", "--data-dir", str(central.data_dir), "--hall",
                           "H1", "--terminal", "HUB", "--hub").stdout)
    assert made["scope"] == "hub"
    done = _cli("serve", "enroll", "--data-dir", str(hub_dir), "--upstream", central.url,
                "--code", made["code"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"enrolled": True, "upstream": central.url, "hall": "H1",
                                       "hub": "HUB"}
    assert (hub_dir / "upstream.json").stat().st_mode & 0o777 == 0o600

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hub_url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "serve", "--role", "hub",
                             "--port", str(port), "--data-dir", str(hub_dir), "--upstream",
                             central.url], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        with httpx.Client(base_url=hub_url, timeout=2.0) as http:
            for _ in range(150):
                try:
                    if http.get("/v1/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise AssertionError("the hub did not start")
            term = tmp_path / "k1"
            assert _cli("setup", "--hall", "H1", "--terminal", "K1", "--hub", hub_url,
                        "--data-dir", str(term)).returncode == 0
            code = json.loads(_cli("serve", "enroll-code", "--data-dir", str(hub_dir), "--hall",
                                   "H1", "--terminal", "K1").stdout)["code"]
            assert _cli("sync", "enroll", "--server", hub_url, "--code", code, "--data-dir",
                        str(term)).returncode == 0
            assert _cli("ticket", "take", "--service", "newborn", "--data-dir",
                        str(term)).returncode == 0
            synced = _cli("sync", "--once", "--data-dir", str(term))
            assert synced.returncode == 0, synced.stderr
            deadline = time.monotonic() + 30
            while True:
                with central.engine.connect() as c:
                    held = c.execute(select(events.c.terminal_id, events.c.type)).all()
                if ("K1", "TicketIssued") in held:
                    break
                assert time.monotonic() < deadline, held
                time.sleep(0.1)
            link = http.get("/v1/health").json()["upstream"]
            assert link["hall"] == "H1" and link["hub"] == "HUB"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert proc.returncode in (0, -signal.SIGTERM) and "Traceback" not in err, err
