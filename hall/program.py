"""The command a person types to run this program, for the help and the errors that tell them
what to run next: `tingduan` where it is installed (the package's frozen bundle, pip's console
script), `python main.py` in a checkout."""

from __future__ import annotations

import sys
from pathlib import Path


def name() -> str:
    if getattr(sys, "frozen", False) or Path(sys.argv[0] if sys.argv else "").name == "tingduan":
        return "tingduan"
    return "python main.py"


def command(rest: str) -> str:
    """`rest` as a whole command line in backquotes: "`tingduan services`"."""
    return f"`{name()} {rest}`"
