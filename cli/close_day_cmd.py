"""admin close-day: the end of a day (日结), a thin handler over hall.closing (registered by
cli.admin_cmd)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.context import acting, open_hall

Result = tuple[dict[str, Any], str | None]


def register(asub: Any, common: argparse.ArgumentParser, who: argparse.ArgumentParser) -> None:
    p = asub.add_parser(
        "close-day", parents=[common, who],
        help="end a day: its unserved tickets become no-shows (reason day_closed) and its "
        "figures are frozen; by default every unclosed day before today, and today once the "
        "hall has closed by its opening hours")
    p.add_argument("--day", metavar="YYYY-MM-DD", type=_day,
                   help="close this day only (closing it again changes nothing and says so)")
    p.add_argument("--force", action="store_true",
                   help="allow --day to be today before the hall's closing time (the hall "
                   "closes early); after it, today needs no --force")
    p.set_defaults(handler=close_day)


def _day(text: str) -> str:
    """A malformed day is a usage error (exit 2), caught before the store is opened."""
    from hall.close_day import checked_day
    from hall.errors import DomainError

    try:
        return checked_day(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def close_day(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    if args.force and args.day is None:
        from cli import UsageError

        raise UsageError("--force closes today only when --day names it")
    done = acting(hall, args).admin.close_day(args.day, force=args.force).value
    lines = []
    for d in done:
        t = d.stats.total
        close = d.stats.closed
        assert close is not None
        what = ("closed" if d.closed_now else
                f"already closed by {close.terminal} at {close.closed_at}; figures unchanged")
        extra = f", {d.no_shows} unserved ticket(s) ended as no-shows" if d.no_shows else ""
        serving = f", {d.serving} still being served" if d.serving else ""
        lines.append(f"{d.day}: {what}{extra}{serving} (issued {t.issued}, served {t.served}, "
                     f"no-show {t.no_show}, cancelled {t.cancelled})")
    text = "\n".join(lines) if lines else "no day to close (every day before today is closed)"
    return {"days": [d.to_json() for d in done]}, text
