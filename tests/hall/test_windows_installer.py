"""The Windows installer script compiles with Debian's makensis (it cannot be run here: no
Windows). The payload is a stand-in folder; the real one is the PyInstaller build on Windows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian: nsis) missing")
def test_nsis_script_compiles(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "_internal").mkdir(parents=True)
    (dist / "tingduan.exe").write_bytes(b"MZ stand-in")
    (dist / "_internal" / "python311.dll").write_bytes(b"stand-in")
    winsw = tmp_path / "WinSW-x64.exe"
    winsw.write_bytes(b"MZ stand-in")
    out = tmp_path / "setup.exe"
    done = subprocess.run(
        ["makensis", "-V2", "-DCHECK_ONLY", f"-DDIST={dist}", f"-DWINSW={winsw}",
         f"-DOUTFILE={out}", "tingduan.nsi"],
        cwd=ROOT / "packaging" / "windows", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.stat().st_size > 50_000 and out.read_bytes()[:2] == b"MZ"
