"""Options every headless command takes, and where its data lives."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def common_options() -> argparse.ArgumentParser:
    """--json and --data-dir, for `parents=[…]` of every leaf command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the terminal's data directory (default: the per-user data directory; "
        "or $TINGDUAN_DATA_DIR)",
    )
    return common


def acting_option() -> argparse.ArgumentParser:
    """--as USER, for `parents=[…]` of commands a signed-in account may run."""
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument("--as", dest="acting", metavar="USER",
                        help="act as this account (its password is read from stdin first); "
                        "default: the local operator, the OS user holding the data directory")
    return acting


def data_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    env = os.environ.get("TINGDUAN_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("tingduan", appauthor=False))
