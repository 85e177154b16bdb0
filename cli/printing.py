"""The devices a headless command drives: read a card before, print a ticket after. The hall
decides what a card read means and what a ticket says; this only moves bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.cards import Card
    from hall.tickets import TicketView


def print_ticket(hall: Hall, ticket: TicketView, url: str) -> dict[str, Any]:
    """Queue the ticket durably in the data dir's spool and try the printer once: a printer
    that is out of paper or unplugged leaves the job waiting, reported, never lost."""
    from devices.escpos import print_ticket as send
    from devices.escpos import slip_layout

    return send(url, slip_layout(hall.ticket_slip(ticket)), spool_dir=hall.data_dir / "spool")


def read_card(id_reader: str | None, sscard_reader: str | None) -> Card:
    """One card from the ID reader (GA 467, serial) or the 社保卡 reader (PC/SC)."""
    if id_reader:
        from devices.ga467 import read_id_card

        return read_id_card(id_reader)
    from devices.sscard import read_social_card

    return read_social_card(sscard_reader)
