"""Opening a terminal's hall core from command-line arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import data_dir
from hall import config as config_file
from hall.catalog import DEFAULT_CATALOG, load_catalog
from hall.keys import load_or_create
from hall.service import HallService
from hall.store import Store

CATALOG_OVERRIDE = "catalog.json"  # a hall's own catalog in its data dir wins over the default


def catalog_path(folder: Path) -> Path:
    own = folder / CATALOG_OVERRIDE
    return own if own.exists() else DEFAULT_CATALOG


def open_hall(args: argparse.Namespace) -> HallService:
    folder = data_dir(args.data_dir)
    config = config_file.load(folder)
    catalog = load_catalog(catalog_path(folder))
    store = Store.open(folder)
    return HallService(store, config, catalog, index_key=load_or_create(folder, "index"))
