"""`python main.py display`: the hall's call screen (叫号屏) with the voice.

    python main.py display --data-dir DIR [--fullscreen] [--last 8]
    python main.py display --screenshots DIR
    python main.py display --headless --json [--voice-dir DIR]   (cli/display_cmd.py, no Qt)

Notices for the ticker come from `display.json` in the data directory (display/config.py).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QWidget

from display.board import CallBoard
from display.config import load_display_config
from display.state import DisplayState
from display.window import DisplayWindow
from ui.app import Shell, run_face
from ui.screenshots import PageFactory

if TYPE_CHECKING:
    from devices.voice import CallSpeaker

log = logging.getLogger("tingduan.display")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py display", description="the call screen")
    p.add_argument("--data-dir", type=Path, default=None, help="the display terminal's data")
    p.add_argument("--headless", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--no-voice", action="store_true", help="show calls without speaking them")
    return p


def main(argv: list[str]) -> int:
    return run_face("display", build_window, argv, pages=screenshot_pages, parser=parser(),
                    modes=("normal",))


def make_speaker(folder: Path) -> tuple[CallSpeaker | None, str | None]:
    """The speaker, or None and why (the screen says it: calls shown, not spoken)."""
    from devices.errors import DeviceError
    from devices.voice import CallSpeaker, load_voice_config

    try:
        return CallSpeaker(load_voice_config(folder)), None
    except DeviceError as exc:
        log.warning("voice off: %s", exc.code)
        return None, exc.code


def build_window(shell: Shell) -> QWidget:
    from hall.location import data_dir
    from sync.starter import start_sync
    from ui.bridge import HallBridge
    from ui.opening import face_opener

    folder = data_dir(shell.options.data_dir)
    bridge = HallBridge(face_opener(folder, "display"))  # the screen's session: public reads
    shell.on_quit(bridge.stop)
    bridge.start()
    start_sync(folder, bridge.start_sync, kind="display")
    speaker, problem = (None, None) if shell.options.no_voice else make_speaker(folder)
    if speaker is not None:
        shell.on_quit(speaker.close)
    return DisplayWindow(bridge, speaker, config=load_display_config(folder),
                         voice_problem=problem)


def screenshot_pages(shell: Shell) -> Mapping[str, PageFactory]:
    from dataclasses import replace

    from display.samples import sample

    notices = ["办事高峰时段为上午9点至11点，可通过“鄂汇办”预约办理。",
               "老年人、残疾人、孕妇可到“帮办代办”窗口优先办理。"]

    def board(offline: bool = False, shared: bool = False) -> QWidget:
        state: DisplayState = sample()
        page = CallBoard(state.hall_name, notices)
        page.zone = ZoneInfo(state.timezone)
        page._tick()
        # a number two stations issued before they joined one hub, called at window 12
        page.show_call(replace(state.last[0], number="C001·T2", window="12") if shared
                       else state.last[0])
        page.show_last(state.last[1:])
        page.show_waiting(state.waiting)
        sync = state.sync if not offline else replace(state.sync, enrolled=True, online=False,
                                                             failing=True)
        page.show_sync(sync)
        return page

    return {"display": board, "display-offline": lambda: board(True),
            "display-shared-number": lambda: board(shared=True)}
