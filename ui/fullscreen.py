"""Full screen that works with or without a window manager.

`showFullScreen()` asks the window manager; on a kiosk or call-screen PC started without one
(a bare X session, `xinit tingduan display --fullscreen`) nobody answers and the window stays at
its default size, silently. So: ask, look a moment later, and if the window does not cover its
screen, lay it frameless over the whole screen ourselves and say so on stderr and in the log.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger("tingduan.ui")

CHECK_AFTER_MS = 1500  # a window manager maps and resizes within a frame or two
NO_WM = ("--fullscreen: no window manager made the window full screen; it is laid over the "
         "whole screen instead (start a window manager such as openbox for a managed full "
         "screen)")


def show_fullscreen(window: QWidget, *, check_after_ms: int = CHECK_AFTER_MS) -> None:
    window.showFullScreen()
    QTimer.singleShot(check_after_ms, lambda: _cover_if_unmanaged(window))


def covers_screen(window: QWidget) -> bool:
    screen = window.screen()
    return screen is None or window.frameGeometry().contains(screen.geometry())


def _cover_if_unmanaged(window: QWidget) -> None:
    if not window.isVisible() or covers_screen(window):
        return
    screen = window.screen()
    assert screen is not None
    sys.stderr.write(NO_WM + "\n")
    log.warning("fullscreen: no window manager; covering %s by geometry", screen.name())
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    window.setGeometry(screen.geometry())
    window.show()
    window.raise_()
    window.activateWindow()
