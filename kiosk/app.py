"""`python main.py kiosk [--fullscreen] [--elder] [--data-dir DIR] [--screenshots DIR]`: the
self-service kiosk (自助终端). Restart from the maintenance panel re-executes the program."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ui.app import Shell, run_face
from ui.screenshots import PageFactory

RESTART = 75  # the exit code of a restart asked for in the maintenance panel


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(prog="main.py kiosk",
                                  description="the self-service kiosk (自助终端)")
    out.add_argument("--data-dir", type=Path, help="the terminal's data directory (default: "
                     "$TINGDUAN_DATA_DIR or the per-user data directory)")
    return out


def build_window(shell: Shell) -> QWidget:
    from hall.location import data_dir as resolve
    from kiosk.context import open_context
    from kiosk.window import KioskWindow

    data_dir = resolve(shell.options.data_dir)
    ctx = open_context(data_dir, shell=shell)
    window = KioskWindow(ctx, shell.theme,
                         default_mode="elder" if shell.options.elder else "normal")
    window.restart_requested.connect(lambda: shell.app.exit(RESTART))
    return window


def screenshot_pages(shell: Shell) -> Mapping[str, PageFactory]:
    from kiosk.preview import Preview

    return Preview(shell).pages()


def main(argv: list[str]) -> int:
    code = run_face("kiosk", build_window, argv, pages=screenshot_pages, parser=parser())
    if code == RESTART:
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, *sys.argv])
    return code
