"""`python main.py desk`: the comprehensive window (综合窗口) for a clerk.

    python main.py desk --data-dir DIR [--window 3] [--lock-after 300] [--a4-printer NAME]
                        [--export-dir DIR] [--fullscreen]
    python main.py desk --screenshots DIR      # every page and dialog, 1920×1080, offscreen
    python main.py desk … --receipt-pdf DIR    # tests and diagnosis only: the PDFs hold
                                               # personal data; by default nothing is written

The hall (with the hub deciding calls when the terminal is an enrolled member: sync.hubcall) is
opened in the bridge's worker thread; sync runs in this process on its own threads
(sync.runner through the bridge's services); the devices of devices.json on theirs.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desk.window import DeskOptions, DeskWindow
from ui.app import Shell, run_face
from ui.screenshots import LANDSCAPE, PageFactory


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py desk", description="the comprehensive window")
    p.add_argument("--data-dir", type=Path, default=None, help="the terminal's data directory")
    p.add_argument("--window", default="", help="the window number to offer at sign-in")
    p.add_argument("--lock-after", type=float, default=300.0, metavar="SECONDS",
                   help="lock the desk after this long without input (default 300)")
    p.add_argument("--receipt-pdf", type=Path, default=None, metavar="DIR",
                   help="for tests and diagnosis only: write the A4 papers as PDF files in DIR "
                        "instead of printing them. The files hold personal data in plain (the "
                        "masked applicant, the promise and reasons people typed): delete them. "
                        "Without it nothing is written; papers go to the A4 printer")
    p.add_argument("--a4-printer", default=None, metavar="NAME",
                   help="the A4 printer (default: the system's default printer)")
    p.add_argument("--export-dir", type=Path, default=None, metavar="DIR",
                   help="where figures are exported (default: DATA_DIR/exports)")
    p.add_argument("--density", choices=("auto", "normal", "compact"), default="auto",
                   help="compact: smaller text and spacing for a screen under 1000 px high "
                        "(1366×768); auto (default) chooses by the screen")
    return p


COMPACT_BELOW = 1000  # available screen height in px: 1366×768 and 1440×900 desks get compact


def density_for(choice: str, screen_height: int | None) -> str:
    """The theme mode of the desk: what the clerk asked for, or what fits the screen."""
    if choice != "auto":
        return choice
    return "compact" if screen_height is not None and screen_height < COMPACT_BELOW else "normal"


def main(argv: list[str]) -> int:
    return run_face("desk", build_window, argv, pages=screenshot_pages, parser=parser(),
                    sizes={"landscape": LANDSCAPE}, modes=("normal",))


def options_of(shell: Shell) -> DeskOptions:
    from hall.location import data_dir  # the same default data directory as the CLI

    o = shell.options
    if o.lock_after < 10:
        raise SystemExit("--lock-after must be at least 10 seconds")
    return DeskOptions(data_dir(o.data_dir), o.window, o.lock_after, o.receipt_pdf,
                       o.a4_printer, o.export_dir)


def build_window(shell: Shell, options: DeskOptions | None = None) -> QWidget:
    from sync.starter import start_sync
    from ui.bridge import HallBridge
    from ui.opening import face_opener

    options = options or options_of(shell)
    screen = shell.app.primaryScreen()
    height = screen.availableGeometry().height() if screen is not None else None
    shell.theme.set_mode(density_for(getattr(shell.options, "density", "auto"), height))
    folder = options.data_dir
    # a viewer's session until a clerk signs in through it; the hub decides calls (sync.hubcall)
    bridge = HallBridge(face_opener(folder, "desk", hub_calls=True))
    shell.on_quit(bridge.stop)
    bridge.start()
    start_sync(folder, bridge.start_sync)
    return attach_devices(shell, bridge, options)


def attach_devices(shell: Shell, bridge: object, options: DeskOptions) -> DeskWindow:
    """The devices of devices.json, each on its thread; the desk works without any of them."""
    from devices.config import load_device_config
    from hall.errors import HallError
    from ui import messages
    from ui.hardware import (
        IdCardWatch,
        ReceiptPrinter,
        SerialScannerWatch,
        SocialCardWatch,
        WedgeScanFilter,
    )

    problem = None
    try:
        config = load_device_config(options.data_dir)
    except HallError as exc:
        config, problem = {}, exc
    printer = None
    if config.get("printer"):
        printer = ReceiptPrinter(config["printer"], options.data_dir / "spool")
        printer.start()
        shell.on_quit(printer.stop)
    wedge = WedgeScanFilter()
    wedge.install()  # before the desk's keys: those see a key first
    window = DeskWindow(bridge, options, printer=printer,  # type: ignore[arg-type]
                        family=shell.theme.family)
    wedge.scanned.connect(window.code_scanned)
    shell.on_quit(window.stop)
    shell.on_quit(wedge.remove)
    if config.get("id_reader"):
        watch = IdCardWatch(config["id_reader"])
        watch.card_read.connect(window.card_presented)
        window.serving_started.connect(watch.read_again)  # a card already lying there
        watch.failed.connect(lambda e: window.work.applicant.show_warning(messages.for_error(e)))
        watch.start()
        shell.on_quit(watch.stop)
    if "sscard_reader" in config:
        cards = SocialCardWatch(config.get("sscard_reader") or None)
        cards.card_inserted.connect(lambda _reader, card: window.card_presented(card))
        cards.failed.connect(lambda e: window.work.applicant.show_warning(messages.for_error(e)))
        cards.start()
        shell.on_quit(cards.stop)
    if config.get("scanner"):
        scanner = SerialScannerWatch(config["scanner"])
        scanner.scanned.connect(window.code_scanned)
        scanner.start()
        shell.on_quit(scanner.stop)
    if problem is not None:
        window.signin.show_error(messages.for_error(problem))
    return window


def screenshot_pages(shell: Shell) -> Mapping[str, PageFactory]:
    from desk.samples import desk_pages

    return desk_pages(shell)
