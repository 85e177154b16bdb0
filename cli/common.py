"""Options every headless command takes, and where its data lives."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hall.location import data_dir as data_dir  # the one data-dir rule (faces use it too)


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




# -- argument types: a value out of range is a usage error (exit 2) at parse time, never a
# crash deep inside a socket, a timer or a database column.
MAX_SECONDS = 366 * 86400.0  # a duration beyond a year is a typo (timers overflow near 2**63 ns)


def port(text: str) -> int:
    """A TCP port: 1-65535, or 0 for any free port."""
    value = _integer(text, "a port")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0: any free one), not {text}")
    return value


def positive_int(text: str) -> int:
    return bounded_int(1, 2**31 - 1)(text)


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _integer(text, "a whole number")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low}-{high}, not {text}")
        return value

    parse.__name__ = "number"  # argparse names the type in its message
    return parse


def positive_float(text: str) -> float:
    """A rate or an amount: above 0, finite."""
    value = _number(text)
    if not 0 < value <= 1e9:
        raise argparse.ArgumentTypeError(f"expected a number above 0, not {text}")
    return value


def seconds(text: str) -> float:
    """A duration in seconds: 0 up to a year."""
    value = _number(text)
    if not 0 <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"expected 0-{MAX_SECONDS:g} seconds, not {text}")
    return value


def _integer(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, not {text!r}") from None


def _number(text: str) -> float:
    import math

    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, not {text!r}")
    return value
