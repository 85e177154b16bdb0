"""`serve status`: a real hub over HTTP, a terminal that synced with it, the CLI as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sync import credential
from tests.conftest import OP

ROOT = Path(__file__).resolve().parents[2]


def _status(data_dir: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "serve", "status",
                           "--data-dir", str(data_dir), *extra], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    body = json.loads(done.stdout) if "--json" in extra else {}
    return done.returncode, body, done.stdout + done.stderr


@pytest.mark.parametrize("backend", ["sqlite"])  # the CLI reads its data dir's database
def test_status_of_a_hub_up_then_down(make_server: Any, make_terminal: Any) -> None:
    hub = make_server(role="hub")
    client = make_terminal(hub.url, hub.token("H1", "K3"), "K3")
    for _ in range(3):
        client.hall.tickets.take(OP, "newborn")
    got = client.once()
    assert got["pending"] == 0
    make_terminal(hub.url, hub.token("H1", "K4"), "K4")  # enrolled, never synced
    hub.token("H1", "K5")
    from sync.server.db import revoke

    revoke(hub.engine, "H1", "K5")

    code, body, _ = _status(hub.data_dir, "--url", hub.url, "--json")
    assert code == 0
    assert body["up"] is True and body["role"] == "hub" and body["error"] is None
    by_id = {t["terminal"]: t for t in body["terminals"]}
    held = client.hall.core.store.conn.execute(
        "SELECT COUNT(*), MAX(terminal_seq) FROM events WHERE terminal_id = 'K3'").fetchone()
    assert by_id["K3"]["events"] == held[0] and by_id["K3"]["last_seq"] == held[1]
    assert by_id["K3"]["last_sync_ms"] is not None and by_id["K3"]["revoked"] is False
    assert by_id["K3"]["pending_upstream"] is None  # no upstream: nothing to forward
    assert by_id["K4"]["events"] == 0 and by_id["K4"]["last_sync_ms"] is None
    assert by_id["K5"]["revoked"] is True
    assert body["upstream"] is None

    # enrolled with a central platform it has not yet reached: every event is still to forward
    credential.save(hub.data_dir, credential.SyncCredential(
        "https://central.invalid:8480", "t0ken", "H1", "HUB"), "upstream.json")
    hub.stop()
    code, body, _ = _status(hub.data_dir, "--url", hub.url, "--json")
    assert code == 0 and body["up"] is False and body["error"]
    assert {t["terminal"] for t in body["terminals"]} == {"K3", "K4", "K5"}
    assert body["upstream"]["pending"] == held[0]
    assert body["upstream"]["running"] is False
    k3 = next(t for t in body["terminals"] if t["terminal"] == "K3")
    assert k3["pending_upstream"] == held[0]
    code, _, text = _status(hub.data_dir, "--url", hub.url)
    assert code == 0 and "DOWN" in text and "H1/K3" in text and "to forward" in text
    # hall time, not the machine's UTC: the last sync as the hall's clock read it
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    synced = datetime.fromtimestamp(k3["last_sync_ms"] / 1000, UTC)
    assert k3["last_sync"] == synced.astimezone(ZoneInfo("Asia/Shanghai")).isoformat(
        timespec="milliseconds") and body["timezone"] == "Asia/Shanghai"
    assert "times in Asia/Shanghai" in text
    assert synced.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M:%S") in text
    code, body, _ = _status(hub.data_dir, "--url", hub.url, "--timezone", "Europe/Paris",
                            "--json")
    assert code == 0 and body["timezone"] == "Europe/Paris"
    code, body, _ = _status(hub.data_dir, "--url", hub.url, "--timezone", "Mars/Base",
                            "--json")
    assert code == 2 and body["error"] == "usage"


def test_status_of_a_folder_that_is_no_hub(tmp_path: Path) -> None:
    code, body, _ = _status(tmp_path / "nothing", "--port", "9", "--json")
    assert code == 0 and body["up"] is False and body["database"] is False
    assert body["terminals"] == [] and not (tmp_path / "nothing" / "server.db").exists()
