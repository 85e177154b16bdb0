"""`python main.py rater --window N`: a window's rating pad (窗口评价器).

    python main.py rater --window 3 [--data-dir DIR] [--fullscreen] [--elder]
    python main.py rater --screenshots DIR

A small touch screen (800×480 or 1280×800) facing the citizen at one window. It is a terminal
of its own (enrolled with `--role rater`: it may only rate), its store kept in sync with the
hub, and it follows the desk of its window through the hall's events (rater/window.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from rater.pad import RatingPad
from rater.window import RaterWindow
from ui.app import Shell, run_face
from ui.screenshots import PageFactory
from ui.theme import Mode

SIZES = {"small": QSize(800, 480), "large": QSize(1280, 800)}
MODES: tuple[Mode, ...] = ("normal", "elder")  # a citizen's screen: no compact desk mode


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py rater", description="a window's rating pad")
    p.add_argument("--window", help="the window this pad faces (as the desk names it); "
                   "default: the window its enrolment bound it to")
    p.add_argument("--data-dir", type=Path, default=None, help="the pad terminal's data")
    return p


def main(argv: list[str]) -> int:
    return run_face("rater", build_window, argv, pages=screenshot_pages, parser=parser(),
                    sizes=SIZES, modes=MODES)


def build_window(shell: Shell) -> QWidget:
    from hall.app import Hall
    from hall.location import data_dir
    from hall.windows import check_window_name
    from sync.starter import start_sync
    from ui.bridge import HallBridge

    folder = data_dir(shell.options.data_dir)
    window = check_window_name(pad_window(shell.options.window, folder))
    bridge = HallBridge(lambda: Hall.open(folder))
    shell.on_quit(bridge.stop)
    bridge.start()
    start_sync(folder, bridge.start_sync)
    return RaterWindow(bridge, window)


def pad_window(asked: str | None, folder: Path) -> str:
    """The window this pad faces: the one its enrolment bound it to (`serve enroll-code --role
    rater --window N`), which `--window` may repeat but not contradict (the hub would refuse
    every rating of another window); `--window` alone for a pad not enrolled yet."""
    from sync import credential

    bound = credential.load(folder).window if credential.exists(folder) else None
    if bound is not None and asked is not None and asked.strip() != bound:
        raise SystemExit(f"main.py rater: this pad is enrolled for window {bound}, not "
                         f"{asked.strip()}: start it with --window {bound}, or enroll it again "
                         "for the other window")
    window = asked or bound
    if not window:
        raise SystemExit("main.py rater: --window N is required (the window this pad faces)")
    return window


def screenshot_pages(shell: Shell) -> Mapping[str, PageFactory]:
    def pad(page: str) -> QWidget:
        p = RatingPad()
        p.show_window("3")
        p.show_clerk("li.na", "A012", name="李娜", staff_no="0312")
        if page == "grades":
            p.ask("A012")
        elif page == "reasons":
            p.ask("A012")
            p._grade(1)
            p.reason_buttons["等候时间长"].setChecked(True)
        elif page == "thanks":
            p.show_thanks()
        elif page == "closed":
            p.show_clerk(None)
        return p

    def factory(name: str) -> PageFactory:
        return lambda: pad(name)

    return {f"rater-{name}": factory(name)
            for name in ("clerk", "grades", "reasons", "thanks", "closed")}
