"""Every kiosk screen, reached through its real flow (kiosk/preview.py), in normal and elder
mode on a portrait (1080×1920) and a landscape (1920×1080) screen: it fits the screen, and the
shell's audit finds nothing (touch targets, text sizes, line spacing, clipping, tofu, English).
In elder mode the contrast of text is measured on the rendered pixels; and
`python main.py kiosk --screenshots DIR` writes every PNG."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QLabel,
    QScrollArea,
    QWidget,
)

from kiosk.preview import Preview
from tests.conftest import ROOT
from ui.app import Shell
from ui.audit import audit, contrast
from ui.screenshots import SIZES, render
from ui.theme import FACE_MODES, Mode


@pytest.fixture(scope="module")
def preview(shell: Shell) -> Iterator[Preview]:
    made = Preview(shell)
    yield made
    made.close()
    shell.theme.set_mode("normal")


def _shots() -> Path:
    folder = Path(os.environ.get("UI_SHOTS_DIR") or tempfile.gettempdir()) / "kiosk-shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("mode", FACE_MODES)
def test_every_screen_fits_and_passes_the_audit(preview: Preview, shell: Shell,
                                                mode: Mode) -> None:
    shell.theme.set_mode(mode)
    problems: list[str] = []
    try:
        for name, factory in preview.pages().items():
            for size_name, size in SIZES.items():
                window = factory()
                try:
                    render(window, size, _shots() / f"{name}-{mode}-{size_name}.png")
                    if window.size() != size:
                        problems.append(f"{name} {size_name}: needs {window.width()}×"
                                        f"{window.height()}, the screen is {size.width()}×"
                                        f"{size.height()}")
                    problems += [f"{name} {size_name}: {p}"
                                 for p in audit(window, shell.theme.current)]
                    problems += [f"{name} {size_name}: {p}" for p in overlaps(window)]
                finally:
                    window.close()
                    window.deleteLater()
    finally:
        shell.theme.set_mode("normal")
    assert not problems, "\n".join(problems)


def overlaps(root: QWidget) -> list[str]:
    """Shown widgets drawn over each other or out of their parent: what the audit's per-widget
    checks cannot see (a layout squeezed below what it needs)."""
    found = []
    shown = [w for w in root.findChildren(QWidget)
             if w.isVisibleTo(root) and not w.isWindow() and w.parentWidget() is not None]
    by_parent: dict[int, list[QWidget]] = {}
    for w in shown:
        by_parent.setdefault(id(w.parentWidget()), []).append(w)
    for siblings in by_parent.values():
        parent = siblings[0].parentWidget()
        assert parent is not None
        if isinstance(parent, QScrollArea | QAbstractScrollArea) or parent.objectName() in (
                "qt_scrollarea_viewport",):
            continue
        for n, a in enumerate(siblings):
            if not parent.rect().contains(a.geometry()) and not isinstance(
                    parent, QAbstractScrollArea) and parent.objectName() != "qt_scrollarea_viewport":
                found.append(f"{_named(a)} sticks out of {_named(parent)}")
            for b in siblings[n + 1:]:
                if a.geometry().intersects(b.geometry()):
                    found.append(f"{_named(a)} overlaps {_named(b)}")
    return found


def _named(w: QWidget) -> str:
    text = w.text() if isinstance(w, QLabel | QAbstractButton) else ""
    return f"{type(w).__name__}{' ' + repr(text[:16]) if text else ''}"


def _measured(image: QImage, widget: QWidget, window: QWidget, inset: int = 6) -> float:
    """The contrast of the text drawn in `widget`, from the pixels: its fill is the commonest
    colour inside it (borders left out), its text the colour farthest from that."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size()).adjusted(inset, inset, -inset, -inset)
    colours: Counter[str] = Counter()
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            colours[image.pixelColor(x, y).name()] += 1
    if not colours:
        return 21.0
    fill = colours.most_common(1)[0][0]
    return max(contrast(c, fill) for c in colours)


@pytest.mark.parametrize("screen", ["home", "home-offline", "services-search",
                                    "confirm-paper-out", "ticket", "rate-reasons", "help-sent"])
def test_elder_text_contrast_measured_on_the_widgets(preview: Preview, shell: Shell,
                                                     screen: str) -> None:
    shell.theme.set_mode("elder")
    try:
        window = preview.pages()[screen]()
        try:
            render(window, SIZES["portrait"], _shots() / f"contrast-{screen}.png")
            image = window.grab().toImage()
            tokens = shell.theme.current
            measured = 0
            for widget in window.findChildren(QWidget):
                shows_text = (isinstance(widget, QLabel | QAbstractButton) and widget.text())
                if not shows_text or not widget.isVisibleTo(window) or widget.height() < 20:
                    continue
                found = _measured(image, widget, window)
                measured += 1
                assert found >= tokens.min_contrast, (
                    f"{type(widget).__name__} {widget.text()[:20]!r}: {found:.2f}:1")
                font = widget.font()
                assert font.pixelSize() >= tokens.min_text, widget.text()
                if isinstance(widget, QAbstractButton):
                    assert min(widget.width(), widget.height()) >= 60
            assert measured >= 3
        finally:
            window.close()
            window.deleteLater()
    finally:
        shell.theme.set_mode("normal")


def test_screenshots_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, "main.py", "kiosk", "--screenshots", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=280,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    written = sorted(Path(line) for line in done.stdout.split())
    names = {p.name for p in written}
    for screen in ("home", "services", "confirm-paper-out", "ticket", "notice", "progress",
                   "rate-reasons", "check-in", "help-sent", "maintenance", "countdown"):
        for mode in FACE_MODES:
            assert f"{screen}-{mode}-1080x1920.png" in names
            assert f"{screen}-{mode}-1920x1080.png" in names
    for path in written:
        with Image.open(path) as image:
            assert image.size in ((1920, 1080), (1080, 1920)), path.name
            assert len(image.getcolors(1 << 16) or []) > 20, path.name  # drawn, not blank
