"""The devices a headless command drives: read a card before, print a ticket after. The hall
decides what a card read means and what a ticket says; this only moves bytes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.cards import Card
    from hall.ticket_views import TicketView


def ticket_printer(url: str | None, data_dir: Path) -> str | None:
    """The printer a ticket goes to: `--printer URL`, else the one devices.json names; checked
    before the ticket is issued, so a mistyped URL issues nothing (PrinterUrlError, exit 2)."""
    from devices.escpos.transport import PrinterUrlError, check_url

    if url is not None:
        check_url(url)
        return url
    from devices.config import DEVICES_FILE, load_device_config

    url = load_device_config(data_dir).get("printer")
    if not url:
        return None
    try:
        check_url(url)
    except PrinterUrlError as exc:
        raise PrinterUrlError(f"{data_dir / DEVICES_FILE}: printer: {exc.message}") from exc
    return url


def print_ticket(hall: Hall, ticket: TicketView, url: str) -> dict[str, Any]:
    """Queue the ticket durably in the data dir's spool and try the printer once: a printer
    that is out of paper or unplugged leaves the job waiting, reported, never lost. Never
    raises: the ticket is issued by now, and its answer must still reach the person."""
    from devices.escpos import print_ticket as send
    from devices.escpos import slip_layout

    try:
        return send(url, slip_layout(hall.ticket_slip(ticket)),
                    spool_dir=hall.data_dir / "spool")
    except Exception as exc:  # a device, the spool's disk, a bug: reported beside the ticket
        from hall.errors import HallError

        reason = exc.message if isinstance(exc, HallError) else f"{type(exc).__name__}: {exc}"
        return {"printed": False, "job": None, "state": "error", "paper": "unknown",
                "reason": reason, "waiting": None}


def printed_line(printed: dict[str, Any]) -> str:
    """What a person reads about the print: printed, waiting in the spool, or not printed."""
    if printed.get("printed"):
        return "printed"
    reason = printed.get("reason") or printed.get("state") or "unknown"
    if printed.get("job") is not None:
        return (f"NOT PRINTED yet ({reason}): the job waits in the print spool and goes out "
                "with the next ticket once the printer answers; give the holder this number")
    return f"NOT PRINTED ({reason}): give the holder this number"


def read_card(id_reader: str | None, sscard_reader: str | None) -> Card:
    """One card from the ID reader (GA 467, serial) or the 社保卡 reader (PC/SC)."""
    if id_reader:
        from devices.ga467 import read_id_card

        return read_id_card(id_reader)
    from devices.sscard import read_social_card

    return read_social_card(sscard_reader)
