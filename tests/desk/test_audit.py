"""ui.audit on every page and dialog of the desk (1920×1080, the clerk's screen) and on the call
screen (1920×1080 and 1080×1920): touch targets, text sizes and line spacing, clipped text, glyphs
missing from the font, English left on screen; the colours the stylesheet paints keep their
contrast; and no page makes its window larger than the screen it is shown on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desk.samples import desk_pages
from display.app import screenshot_pages as display_pages
from display.board import Ticker
from ui.app import Shell
from ui.audit import audit, contrast, text_color_pairs
from ui.screenshots import LANDSCAPE, PORTRAIT, settle


def _shown(page: QWidget, size: QSize, qtbot: QtBot) -> QWidget:
    qtbot.addWidget(page)
    page.resize(size)
    page.show()
    settle(page)
    return page


def _problems(page: QWidget, shell: Shell) -> list[str]:
    found = []
    for problem in audit(page, shell.theme.current):
        widget = page.findChild(Ticker)
        if (problem.widget.startswith("Ticker") and widget is not None and widget.scrolling
                and "text needs" in problem.what):
            continue  # a marquee: wider than its strip by design, it scrolls through
        found.append(str(problem))
    return found


def test_every_desk_page_and_dialog_passes_the_audit(normal_mode: Shell, qtbot: QtBot) -> None:
    pages = desk_pages(normal_mode)
    assert {"desk-work", "desk-signin", "desk-locked", "dialog-transfer", "dialog-refuse",
            "dialog-conflicts", "dialog-window-matters-supervisor",
            "dialog-window-matters-clerk"} <= set(pages)
    report = {}
    for name, make in pages.items():
        page = _shown(make(), LANDSCAPE, qtbot)
        found = _problems(page, normal_mode)
        if page.size() != LANDSCAPE:
            found.append(f"the page grew to {page.width()}×{page.height()}")
        if found:
            report[name] = found
        page.close()
    assert report == {}


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_the_call_screen_passes_the_audit_and_keeps_its_size(normal_mode: Shell, qtbot: QtBot,
                                                            size: QSize) -> None:
    report = {}
    pages = display_pages(normal_mode)
    assert set(pages) == {"display", "display-offline", "display-shared-number"}
    for name, make in pages.items():
        page = _shown(make(), size, qtbot)
        found = _problems(page, normal_mode)
        if page.size() != size:  # the waiting counts once made a portrait screen 1508 wide
            found.append(f"the page grew to {page.width()}×{page.height()}")
        board = page.waiting  # type: ignore[attr-defined]
        for cell in board.cells:  # one line each: never broken inside an item
            for part in (cell.name, cell.count):
                if part.height() > part.fontMetrics().lineSpacing() * 1.5:
                    found.append(f"{part.text()!r} takes more than one line")
        if found:
            report[name] = found
        page.close()
    assert report == {}


def test_the_desks_colours_keep_their_contrast(normal_mode: Shell) -> None:
    tokens = normal_mode.theme.current
    qss = normal_mode.app.styleSheet()  # what the desk and the screen are painted with
    assert qss
    low = [(sel, fg, bg, round(contrast(fg, bg), 2))
           for sel, fg, bg in text_color_pairs(qss, tokens)
           if contrast(fg, bg) < tokens.min_contrast]
    assert low == []
