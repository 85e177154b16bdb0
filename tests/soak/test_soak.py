"""The soak run in CI (issue 29): `bench/soak.py --hours 0.5 --speed 10`, a whole hall as real
processes (central, hub behind the fault proxy, kiosk, two desks, call screen, printer and ID
reader emulators) for half a hall hour with faults, and its checks at the end.

THE ONE LONG TEST OF THE SUITE: ~3 minutes of hall running plus its start and end (~4–5 min on
2 shared cores). Marked `slow`; the long runs (8+ hall hours) are by hand (README "Soak")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_half_a_hall_hour_with_faults_loses_nothing() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "soak.py"), "--hours", "0.5",
                           "--speed", "10", "--json"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=1100)
    assert done.stdout, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    failed = {name: c for name, c in result["checks"].items() if not c["ok"]}
    assert not failed, json.dumps(failed, ensure_ascii=False)
    assert done.returncode == 0
    assert result["visits"]["taken"] > 0 and result["visits"]["called"] > 0
    assert result["faults"], "no fault was injected"
    assert result["checks"]["every_ticket_once_everywhere"]["issued"] >= result["visits"][
        "taken"]
    faces = {row["process"] for row in result["figures"] if "rss_mb" in row}
    assert faces == {"central", "hub", "kiosk", "desk1", "desk2", "screen"}
