"""The app start as a face uses it: `--screenshots DIR` renders offscreen and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.conftest import ROOT


def test_screenshots_from_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ui", "--screenshots", str(tmp_path / "shots")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "xcb"})
    assert done.returncode == 0, done.stderr
    assert "propagateSizeHints" not in done.stderr
    written = sorted(Path(line) for line in done.stdout.split())
    assert [p.name for p in written] == sorted(
        f"sample-{mode}-{size}.png" for mode in ("normal", "elder")
        for size in ("1920x1080", "1080x1920"))
    for path in written:
        with Image.open(path) as image:
            assert image.size in ((1920, 1080), (1080, 1920))
            assert len(image.getcolors(1 << 16) or []) > 50  # drawn text, not a blank page


def test_screenshots_of_one_page_with_its_texts(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, "-m", "ui", "--screenshots", str(out), "--page",
                           "sample", "--texts"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    for shot in (Path(line) for line in done.stdout.split()):
        said = shot.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
        assert len(said) > 3 and all(line.strip() for line in said), said
    wrong = subprocess.run([sys.executable, "-m", "ui", "--screenshots", str(out), "--page",
                            "nowhere"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert wrong.returncode == 2 and "no page nowhere" in wrong.stderr


def test_fcitx_sessions_reach_fcitx5_through_the_ibus_plugin(tmp_path: Path) -> None:
    from ui.app import input_method

    env = {"QT_IM_MODULE": "fcitx"}
    input_method(env)  # this PySide6's plugins: ibus and compose, no fcitx
    assert env["QT_IM_MODULE"] == "ibus"
    assert env["IBUS_USE_PORTAL"] == "1"  # no ibus-daemon on a fcitx-only PC: the portal
    (tmp_path / "platforminputcontexts").mkdir()
    (tmp_path / "platforminputcontexts" / "libfcitx5platforminputcontextplugin.so").touch()
    kept = {"QT_IM_MODULE": "fcitx"}
    input_method(kept, tmp_path)  # a Qt that has the fcitx plugin keeps it
    assert kept == {"QT_IM_MODULE": "fcitx"}
    other = {"QT_IM_MODULE": "ibus"}
    input_method(other)
    assert other == {"QT_IM_MODULE": "ibus"}
