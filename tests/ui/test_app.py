"""The app start as a face uses it: `--screenshots DIR` renders offscreen and exits."""

from __future__ import annotations

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
