"""The theme from its tokens: contrast of every colour pair the stylesheet paints, sizes and
targets per mode, the font, elder mode switched for the whole application at runtime; and the
sample page audited and rendered in both modes at both screen sizes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo, QFontMetricsF
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from ui.app import Shell
from ui.audit import audit, contrast, text_color_pairs
from ui.sample import SamplePage
from ui.screenshots import SIZES, render, render_pages
from ui.theme import FACE_MODES, MODES, Mode, Tokens, render_qss

TOKENS = Tokens.load()


def test_contrast_formula() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # WCAG's example


@pytest.mark.parametrize("mode", MODES)
def test_every_painted_colour_pair_reaches_4_5(mode: Mode) -> None:
    tokens = TOKENS.for_mode(mode)
    pairs = text_color_pairs(render_qss(tokens), tokens)
    assert len(pairs) > 20  # the parse found the rules
    low = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs
           if contrast(fg, bg) < tokens.min_contrast]
    assert not low, f"under {tokens.min_contrast}:1: {low}"
    worst = min(pairs, key=lambda p: contrast(p[1], p[2]))
    print(f"\n{mode}: lowest contrast {contrast(worst[1], worst[2]):.2f}:1 ({worst[0]})")


@pytest.mark.parametrize("mode", MODES)
def test_sizes_meet_the_limits(mode: Mode) -> None:
    tokens = TOKENS.for_mode(mode)
    for name in ("text", "small", "button", "heading", "title"):
        assert tokens.size(name) >= tokens.min_text, name
    assert tokens.size("target") >= tokens.min_target
    assert tokens.line_spacing >= tokens.min_line_spacing


def test_elder_mode_is_larger_and_meets_the_elder_rules() -> None:
    normal, elder = TOKENS.for_mode("normal"), TOKENS.for_mode("elder")
    assert all(elder.size(k) > normal.size(k) for k in ("text", "button", "title", "target"))
    assert elder.size("small") >= 24  # 18 pt at 96 dpi: the smallest elder text
    assert elder.size("target") >= 60 and elder.min_line_spacing >= 1.3


def test_the_font_is_cjk_with_room_between_lines(shell: Shell) -> None:
    assert shell.theme.family in TOKENS.raw["font"]["families"]
    font = shell.app.font()
    assert QFontInfo(font).family() == shell.theme.family
    metrics = QFontMetricsF(font)
    assert all(metrics.inFontUcs4(ord(c)) for c in "取号请到窗口办理身份证适老化")
    assert metrics.lineSpacing() / font.pixelSize() >= 1.3


def test_an_unknown_token_in_the_template_is_an_error() -> None:
    with pytest.raises(KeyError):
        render_qss(TOKENS.for_mode("normal"), "QLabel { color: ${c_no_such_colour}; }")


def test_elder_mode_switches_the_whole_app_at_runtime(normal_mode: Shell, qtbot: QtBot) -> None:
    page = SamplePage(normal_mode.theme)
    other = QPushButton("另一个按钮")  # not on the page: elder mode reaches it too
    qtbot.addWidget(page)
    qtbot.addWidget(other)
    page.resize(SIZES["portrait"])
    page.show()
    other.show()
    qtbot.waitExposed(page)
    before = (page.start.height(), other.sizeHint().height(), page.title.font().pixelSize())
    started = time.perf_counter()
    with qtbot.waitSignal(normal_mode.theme.mode_changed):
        page.elder_switch.click()  # the one large button every screen has
    QApplication.processEvents()  # the relayout
    page.repaint()  # and a paint: what a person waits for
    switched_ms = (time.perf_counter() - started) * 1000
    qtbot.wait(50)
    after = (page.start.height(), other.sizeHint().height(), page.title.font().pixelSize())
    print(f"\nelder switch: {switched_ms:.0f} ms; hero button {before[0]}→{after[0]} px, "
          f"other button {before[1]}→{after[1]} px, title {before[2]}→{after[2]} px")
    assert all(a > b for a, b in zip(after, before, strict=True))
    assert page.elder_switch.text() == "标准字体"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_sample_page_passes_the_audit(shell: Shell, qtbot: QtBot, mode: Mode,
                                          size: str) -> None:
    shell.theme.set_mode(mode)
    try:
        page = SamplePage(shell.theme)
        qtbot.addWidget(page)
        render(page, SIZES[size], _shot_dir() / f"sample-{mode}-{size}.png")
        problems = audit(page, shell.theme.current)
        assert not problems, "\n".join(map(str, problems))
        assert page.start.height() >= shell.theme.current.min_target
    finally:
        shell.theme.set_mode("normal")


def _shot_dir() -> Path:
    """Where the test's renders go: $UI_SHOTS_DIR to keep them for a look, else a temp dir."""
    import tempfile

    folder = Path(os.environ.get("UI_SHOTS_DIR") or tempfile.gettempdir()) / "ui-shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_audit_finds_what_it_should(normal_mode: Shell, qtbot: QtBot) -> None:
    """A tiny button, English text and a clipped label are found (the audit can fail)."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    page = QWidget()
    layout = QVBoxLayout(page)
    tiny = QPushButton("小")
    tiny.setStyleSheet("min-height: 20px; max-height: 20px; min-width: 20px; max-width: 20px;")
    english = QLabel("Please wait")
    clipped = QLabel("这是一段很长很长很长很长很长很长很长的文字")
    clipped.setMaximumWidth(80)
    for w in (tiny, english, clipped):
        layout.addWidget(w)
    qtbot.addWidget(page)
    page.resize(400, 300)
    page.show()
    qtbot.waitExposed(page)
    found = "\n".join(map(str, audit(page, normal_mode.theme.current)))
    assert "touch target" in found and "English on screen" in found and "text needs" in found


def test_render_pages_writes_every_mode_and_size(shell: Shell, tmp_path: Path) -> None:
    written = render_pages({"sample": lambda: SamplePage(shell.theme)}, tmp_path, shell.theme)
    assert sorted(p.name for p in written) == sorted(
        f"sample-{m}-{w}x{h}.png" for m in FACE_MODES for w, h in ((1920, 1080), (1080, 1920)))
    assert all(p.stat().st_size > 10_000 for p in written)
    assert shell.theme.mode == "normal"
