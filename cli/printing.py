"""What `ticket take` does with devices: identify the holder first, print the ticket after."""

from __future__ import annotations

from typing import Any

from hall.service import HallService
from hall.tickets import TicketView

QUEUE_URL = "https://zwfw.example.gov.cn/q/{hall}/{day}/{number}"  # no personal data in the QR


def print_ticket(hall: HallService, ticket: TicketView, url: str) -> dict[str, Any]:
    """Queue the ticket durably in the data dir's spool and try the printer once: a printer
    that is out of paper or unplugged leaves the job waiting, reported, never lost."""
    from devices.escpos import print_ticket as send
    from devices.escpos import ticket_layout

    service = hall.catalog.get(ticket.service)
    layout = ticket_layout(
        ticket.number,
        service.name,
        ticket.issued_at[:16].replace("T", " "),
        ticket.ahead or 0,
        QUEUE_URL.format(hall=hall.config.hall_id, day=ticket.day, number=ticket.number),
        hall.config.display_name,
        ["请留意叫号屏与语音提示", "过号请重新取号,谢谢配合!"],
    )
    return send(url, layout, spool_dir=hall.store.path.parent / "spool")


def identify(hall: HallService, id_reader: str | None, sscard_reader: str | None, *,
             reveal: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the holder's card: (what the CLI shows — masked unless the clerk asks to reveal —,
    the ticket's holder record — only a keyed hash of the number). The read is audited."""
    from hall.identity import blind_index, mask_id_number
    from hall.security import audit

    if id_reader:
        from devices.ga467 import read_id_card

        kind, card = "id_card", read_id_card(id_reader)
        number = card.id_number
    else:
        from devices.sscard import read_social_card

        kind, social = "sscard", read_social_card(sscard_reader)
        card, number = social, social.ssn  # type: ignore[assignment]
    audit.record(hall, actor=hall.config.terminal_id, role="terminal", action="card_read",
                 target=mask_id_number(number), detail={"kind": kind, "revealed": reveal})
    shown = {"kind": kind, "card": card.public(reveal)}
    return shown, {"kind": kind, "verified": True, "key": blind_index(hall.index_key, number)}
