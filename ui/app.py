"""Starting a face: the QApplication (high-DPI, the CJK font), Chinese, the theme; full screen
or windowed; or `--screenshots DIR`, which renders the face's pages offscreen and exits.

A face's entry (what `python main.py kiosk …` calls) is a few lines:

    def main(argv: list[str]) -> int:
        return run_face("kiosk", build_window, argv, pages=screenshot_pages)

`build_window(shell)` returns the main window; `pages(shell)` the page factories to render.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QMessageLogContext,
    QSize,
    Qt,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from hall import program
from ui import i18n
from ui.screenshots import SIZES, PageFactory, render_pages
from ui.theme import FACE_MODES, Mode, Theme

APP_NAME = "tingduan"
WINDOWED_SIZE = (1280, 800)


@dataclass
class Shell:
    """What a face gets from the shell: the application, its theme, and a place to register
    what must stop at quit (the bridge, device threads, the voice)."""

    app: QApplication
    theme: Theme
    translators: list[QTranslator]
    options: argparse.Namespace = field(default_factory=argparse.Namespace)
    _on_quit: list[Callable[[], object]] = field(default_factory=list)

    def on_quit(self, stop: Callable[[], object]) -> None:
        """Run `stop` when the application quits (last registered, first stopped)."""
        self._on_quit.append(stop)

    def shutdown(self) -> None:
        while self._on_quit:
            self._on_quit.pop()()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fullscreen", action="store_true", help="full screen (the hall's "
                        "screens); windowed otherwise")
    parser.add_argument("--elder", action="store_true", help="start in elder mode (适老化)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="render every page offscreen to DIR as PNG and exit")
    parser.add_argument("--page", action="append", dest="pages", metavar="NAME",
                        help="with --screenshots: only this page (repeatable)")
    parser.add_argument("--texts", action="store_true",
                        help="with --screenshots: also write each page's visible texts beside "
                        "its PNG (NAME.txt), for checks that read what a screen says")
    parser.add_argument("--locale", default=i18n.DEFAULT_LOCALE,
                        help="translation to load (default zh_CN; en shows the source strings)")


def create_application(argv: Sequence[str] | None = None, *,
                       offscreen: bool = False) -> QApplication:
    """The QApplication, made once; high-DPI rounding is set before it exists."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    input_method(os.environ)
    # Fractional scale factors (1.25, 1.5) as they are, not rounded: sizes stay true to tokens.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    return QApplication(list(argv if argv is not None else sys.argv[:1]))


def input_method(env: MutableMapping[str, str], plugins: Path | None = None) -> None:
    """Where the session asks for fcitx (UOS and Kylin set QT_IM_MODULE=fcitx) but this Qt has
    no fcitx plugin (PySide6 ships Qt's ibus and compose ones only: fcitx builds its plugin
    against each Qt release itself), use the ibus plugin: fcitx5 answers on IBus's D-Bus
    interface too, so Chinese can still be typed at the desk. Must run before QApplication.
    Through IBus's portal interface: Qt's ibus plugin calls itself invalid (and Qt falls back to
    no input method) unless an `ibus-daemon` is on PATH, which a fcitx-only PC (UOS, Kylin) does
    not have; with IBUS_USE_PORTAL it talks to org.freedesktop.portal.IBus, which fcitx5 serves
    (tried in Xvfb with fcitx5 pinyin: "nihao" + space commits 你好 only with it)."""
    if not env.get("QT_IM_MODULE", "").startswith("fcitx"):
        return
    folder = plugins or Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    if any((folder / "platforminputcontexts").glob("*fcitx*")):
        return
    env["QT_IM_MODULE"] = "ibus"
    env.setdefault("IBUS_USE_PORTAL", "1")


# Said by the offscreen platform for every top-level window shown: noise in screenshot runs.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _quiet_offscreen_noise() -> None:
    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message != _OFFSCREEN_NOISE:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def configure(app: QApplication, *, elder: bool = False,
              locale: str = i18n.DEFAULT_LOCALE) -> Shell:
    """Translations first (so the first painted strings are Chinese), then font and theme."""
    translators = i18n.install(app, locale)
    theme = Theme(app, mode="elder" if elder else "normal")
    shell = Shell(app, theme, translators)
    app.aboutToQuit.connect(shell.shutdown)
    return shell


def show(window: QWidget, *, fullscreen: bool) -> None:
    if fullscreen:
        from ui.fullscreen import show_fullscreen

        show_fullscreen(window)  # says so, and covers the screen, when no window manager does
    elif fits_windowed(window):
        window.resize(*WINDOWED_SIZE)
        window.show()
    else:
        # a 1366×768 desk: a 1280×800 window would hide its bottom row of buttons under the
        # taskbar; maximized, the window manager fits it, title bar and taskbar included
        window.showMaximized()


def fits_windowed(window: QWidget) -> bool:
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return True
    free = screen.availableGeometry()
    return free.width() >= WINDOWED_SIZE[0] + 80 and free.height() >= WINDOWED_SIZE[1] + 80


def run_face(name: str, build: Callable[[Shell], QWidget], argv: Sequence[str], *,
             pages: Callable[[Shell], Mapping[str, PageFactory]] | None = None,
             parser: argparse.ArgumentParser | None = None,
             sizes: Mapping[str, QSize] = SIZES, modes: Sequence[Mode] = FACE_MODES) -> int:
    """Parse the shell's options (and the face's, given a `parser`), then run or render.
    `sizes` and `modes`: what `--screenshots` renders (a clerk's desk has no portrait screen
    and no elder mode)."""
    parser = parser or argparse.ArgumentParser()
    parser.prog = f"{program.name()} {name}"  # `tingduan kiosk` where installed
    add_arguments(parser)
    options = parser.parse_args(list(argv))
    app = create_application([sys.argv[0]], offscreen=options.screenshots is not None)
    shell = configure(app, elder=options.elder, locale=options.locale)
    shell.options = options
    if options.screenshots is not None:
        _quiet_offscreen_noise()
        if pages is None:
            parser.error(f"{name} has no pages to render")
        chosen = pages(shell)
        if options.pages:
            unknown = sorted(set(options.pages) - set(chosen))
            if unknown:
                parser.error(f"no page {', '.join(unknown)} (pages: {', '.join(chosen)})")
            chosen = {n: f for n, f in chosen.items() if n in options.pages}
        written = render_pages(chosen, options.screenshots, shell.theme, sizes=sizes,
                               modes=modes, texts=options.texts)
        for path in written:
            print(path)
        shell.shutdown()
        return 0
    from ui.stopping import quit_on_signals

    quit_on_signals(app)  # SIGTERM and Ctrl-C run the on_quit stops (the voice's folder too)
    window = build(shell)
    show(window, fullscreen=options.fullscreen)
    return int(app.exec())
