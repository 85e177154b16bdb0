"""Where a terminal's data lives: `--data-dir`, else $TINGDUAN_DATA_DIR, else the per-user data
directory (platformdirs). The one rule for the CLI and every face."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "TINGDUAN_DATA_DIR"


def data_dir(arg: Path | None = None) -> Path:
    if arg is not None:
        return arg
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("tingduan", appauthor=False))
