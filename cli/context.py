"""Opening a terminal's hall core from command-line arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import data_dir
from hall import config as config_file
from hall.catalog import DEFAULT_CATALOG, load_catalog
from hall.security.keys import load_or_create
from hall.service import HallService
from hall.store import Store

CATALOG_OVERRIDE = "catalog.json"  # a hall's own catalog in its data dir wins over the default


def catalog_path(folder: Path) -> Path:
    own = folder / CATALOG_OVERRIDE
    return own if own.exists() else DEFAULT_CATALOG


def open_hall(args: argparse.Namespace) -> HallService:
    folder = data_dir(args.data_dir)
    config = config_file.load(folder)
    start_logging(folder)
    catalog = load_catalog(catalog_path(folder))
    store = Store.open(folder)
    return HallService(store, config, catalog, index_key=load_or_create(folder, "index"))


def start_logging(folder: Path) -> None:
    """Crash reports through hall.logs (redacted), loaded only if something crashes: importing
    `logging` costs ~10 ms of the start budget, so modules that log set hall.logs up themselves
    (`hall.logs.setup(data_dir)`) when they first log."""
    import sys
    import threading
    from types import TracebackType

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        from hall import logs

        logs.setup(folder)
        logs.crash_hook(folder)(exc_type, exc, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
