"""A face as a real window on an X server (Xvfb), not offscreen: `--fullscreen` with no window
manager, and a face asked to stop by SIGTERM running its stops (the voice's temporary folder)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb")

FACE = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel
from ui.app import run_face

def build(shell):
    folder = Path(tempfile.mkdtemp(prefix="tingduan-voice-test-", dir=sys.argv[1]))
    shell.on_quit(lambda: folder.rmdir())  # what the voice registers for its folder
    print("started", flush=True)
    label = QLabel("窗口")
    def where():
        g = label.frameGeometry()
        print(f"geometry {g.width()}x{g.height()}+{g.x()}+{g.y()}", flush=True)
    QTimer.singleShot(2500, where)  # after the full-screen check (1.5 s)
    return label

sys.exit(run_face("probe", build, sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """An X server of its own: Xvfb picks a free display number and writes it to a pipe."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def _face(display: str, folder: Path, *argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", FACE, str(folder), *argv], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_fullscreen_without_a_window_manager_says_so_and_covers_the_screen(
        display: str, tmp_path: Path) -> None:
    face = _face(display, tmp_path, "--fullscreen")
    try:
        assert face.stderr is not None
        line = face.stderr.readline()  # waits for the check, 1.5 s after the window shows
        assert "no window manager" in line
        assert face.stdout is not None
        assert face.stdout.readline().strip() == "started"
        assert face.stdout.readline().strip() == "geometry 1920x1080+0+0"
    finally:
        face.send_signal(signal.SIGTERM)
        face.communicate(timeout=30)
    assert face.returncode == 0


def test_sigterm_runs_the_faces_stops(display: str, tmp_path: Path) -> None:
    """systemd and the session wrapper stop a face with SIGTERM: the stops registered with
    on_quit run (the voice removes its temporary folder), and the exit is clean."""
    face = _face(display, tmp_path)
    assert face.stdout is not None
    assert face.stdout.readline().strip() == "started"
    assert len(list(tmp_path.glob("tingduan-voice-test-*"))) == 1
    face.send_signal(signal.SIGTERM)
    face.communicate(timeout=30)
    assert face.returncode == 0
    assert list(tmp_path.glob("tingduan-voice-test-*")) == []
