"""Benchmarks that cannot rot: every bench/*.py runs in a tiny size (`--smoke`) and must
complete. Figures are not judged here (they are printed by `./dev bench`); only that each bench
still runs against today's code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# bench/soak.py runs in CI longer than its smoke size, with its checks: tests/soak/test_soak.py
COVERED_ELSEWHERE = {"soak"}
BENCHES = sorted(p.stem for p in (ROOT / "bench").glob("*.py")
                 if 'if __name__ == "__main__":' in p.read_text(encoding="utf-8")
                 and p.stem not in COVERED_ELSEWHERE)


def test_every_bench_is_here() -> None:
    assert {"crypto", "backup", "sync", "queue", "kiosk", "desk"} <= set(BENCHES)


@pytest.mark.parametrize("name", BENCHES)
def test_bench_completes_in_its_smoke_size(name: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{name}.py"), "--smoke"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-4000:])
    assert done.stdout.strip(), "a bench prints its figures"
