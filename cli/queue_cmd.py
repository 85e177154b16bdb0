"""setup, services, ticket …, window, stats: the queue without a screen (a thin face over the
hall: every rule lives in hall/)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cli.common import acting_option, common_options, data_dir
from cli.context import acting, open_hall
from hall.queue import PRIORITIES

Result = tuple[dict[str, Any], str | None]
SIMPLE_ACTIONS = ("recall", "no-show", "start", "done", "park", "cancel")


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    p = sub.add_parser("setup", parents=[common], help="set this terminal up (once)")
    p.add_argument("--hall", required=True)
    p.add_argument("--terminal", required=True)
    p.add_argument("--timezone", default=None)
    p.add_argument("--hall-name", default=None, help="the hall's name on tickets and screens")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--standalone", action="store_true",
                      help="a station with no hub (a village station): it is its own hub and "
                      "issues plain numbers (A001). Without it the terminal is a member of its "
                      "hall, enrolled yet or not: numbers leased from the hub, else its own "
                      "fallback series (A-K3-001), so two terminals never issue one number")
    mode.add_argument("--hub", metavar="URL",
                      help="the hall hub this terminal will enroll with (https://HOST:PORT): "
                      "checked and kept, so `sync enroll --code CODE` needs no --server. "
                      "Setup itself contacts no hub; the terminal syncs once enrolled")
    p.set_defaults(handler=setup)

    p = sub.add_parser("services", parents=[common], help="the services and 一件事 bundles")
    p.set_defaults(handler=services)

    ticket = sub.add_parser("ticket", help="take, call and move tickets")
    tsub = ticket.add_subparsers(dest="action", metavar="ACTION")
    p = tsub.add_parser("take", parents=[common, who], help="take a queue number (取号)")
    p.add_argument("--service", required=True)
    p.add_argument("--priority", default="regular", choices=list(PRIORITIES))
    p.add_argument("--appointment", metavar="ISO_TIME", help="the slot of an appointment ticket")
    p.add_argument("--printer", metavar="URL", help="print the ticket (tcp://host:9100, …)")
    p.add_argument("--id-reader", metavar="PORT", help="identify the holder by ID card first")
    p.add_argument("--sscard-reader", metavar="NAME", help="identify the holder by 社保卡 first")
    p.add_argument("--reveal", action="store_true", help="show personal fields unmasked")
    p.set_defaults(handler=take)
    p = tsub.add_parser("call", parents=[common, who], help="call the next ticket to a window (叫号)")
    p.add_argument("--window", required=True)
    p.set_defaults(handler=call)
    helps = {"recall": "call a called ticket again (重呼); past the recall limit it becomes a "
             "no-show", "no-show": "mark a called ticket no-show (过号)",
             "start": "start serving a called ticket", "done": "mark a ticket done",
             "park": "park a ticket (挂起) to resume it later", "cancel": "cancel a ticket"}
    for action in SIMPLE_ACTIONS:
        p = tsub.add_parser(action, parents=[common, who], help=helps[action])
        p.add_argument("--ticket", required=True, help="ticket id or number (A003)")
        p.set_defaults(handler=_simple(action))
    p = tsub.add_parser("show", parents=[common], help="a ticket and its place in line")
    p.add_argument("--ticket", required=True, help="ticket id or number (A003)")
    p.set_defaults(handler=show)
    p = tsub.add_parser("resume", parents=[common, who], help="resume a parked ticket")
    p.add_argument("--ticket", required=True)
    p.add_argument("--window")
    p.set_defaults(handler=resume)
    p = tsub.add_parser("transfer", parents=[common, who], help="send a ticket to another "
                        "service or window, keeping its place")
    p.add_argument("--ticket", required=True)
    p.add_argument("--service")
    p.add_argument("--window")
    p.set_defaults(handler=transfer)
    p = tsub.add_parser("list", parents=[common], help="the day's tickets")
    p.add_argument("--day", help="YYYY-MM-DD (default: today in the hall's timezone)")
    p.add_argument("--status")
    p.set_defaults(handler=ticket_list)

    p = sub.add_parser("window", parents=[common, who], help="set the services a window serves")
    p.add_argument("window")
    p.add_argument("--services", required=True, help="comma-separated service ids, or 'all'")
    p.set_defaults(handler=window)

    p = sub.add_parser("stats", parents=[common, who], help="the day's figures")
    p.add_argument("--day")
    p.set_defaults(handler=stats)


def setup(args: argparse.Namespace) -> Result:
    from hall.terminal_setup import setup_terminal

    folder = data_dir(args.data_dir)
    new = setup_terminal(folder, args.hall, args.terminal, timezone=args.timezone,
                         hall_name=args.hall_name, standalone=args.standalone, hub_url=args.hub)
    result = {"hall": new.hall_id, "terminal": new.terminal_id, "timezone": new.timezone,
              "numbering": new.numbering, "hub": new.hub_url, "data_dir": str(folder)}
    hub = (f"\nhub {new.hub_url}: enroll with `sync enroll --code CODE` (a code from "
           "`serve enroll-code` on the hub)") if new.hub_url else ""
    return {"setup": result}, (f"terminal {new.terminal_id} of hall {new.hall_id} is set up in "
                               f"{folder} ({new.timezone}, {new.numbering} numbering){hub}")


def services(args: argparse.Namespace) -> Result:
    from hall.app import catalog_path
    from hall.catalog import load_catalog

    catalog = load_catalog(catalog_path(data_dir(args.data_dir)))
    items = [{"id": s.id, "name": s.name, "series": s.series, "bundle": s.bundle}
             for s in catalog.services]
    text = "\n".join(f"{s['series']}  {s['id']:<28} {s['name']}" for s in items)
    return {"services": items}, text


def _ticket(t: Any, extra: dict[str, Any] | None = None) -> Result:
    out = {"ticket": t.to_json(), **(extra or {})}
    where = f" → window {t.window}" if t.window and t.status in ("called", "serving") else ""
    ahead = f", {t.ahead} ahead" if t.ahead is not None else ""
    return out, f"{t.number}  {t.service}  {t.status}{where}{ahead}"


def call(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    ticket = acting(hall, args).tickets.call_next(args.window).value
    return _ticket(ticket, {"decided_by": ticket.decided_by})


def _simple(action: str) -> Callable[[argparse.Namespace], Result]:
    def handler(args: argparse.Namespace) -> Result:
        hall = open_hall(args)
        tickets = acting(hall, args).tickets
        method = {"recall": tickets.recall, "no-show": tickets.no_show,
                  "start": tickets.start, "done": tickets.done,
                  "park": tickets.park, "cancel": tickets.cancel}[action]
        ticket = method(args.ticket).value
        result, text = _ticket(ticket)
        if action == "recall" and ticket.status == "no_show":
            limit = hall.config.policy.recall_limit
            result["no_show"] = {"reason": "recall_limit", "recall_limit": limit}
            text = (f"{text}: not called again — it had been recalled {limit} times (the recall "
                    "limit), so it is now a no-show (过号)")
        return result, text

    return handler


def show(args: argparse.Namespace) -> Result:
    return _ticket(open_hall(args).tickets.get(args.ticket))


def resume(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _ticket(acting(hall, args).tickets.resume(args.ticket, args.window).value)


def transfer(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _ticket(acting(hall, args).tickets.transfer(args.ticket, service_id=args.service,
                                                       window=args.window).value)


def take(args: argparse.Namespace) -> Result:
    from cli.printing import ticket_printer

    hall = open_hall(args)
    _open_for(hall, args.service)  # a closed hall reads no card and prints nothing
    printer = ticket_printer(args.printer, hall.data_dir)  # before anything is issued
    appointment = _appointment(args.appointment)
    session = acting(hall, args)
    extra: dict[str, Any] = {}
    notes: list[str] = []
    card = None
    if args.id_reader or args.sscard_reader:
        from cli.printing import read_card

        card = session.cards.read(read_card(args.id_reader, args.sscard_reader))
        extra["holder"] = {"kind": card.kind, "card": card.card_fields(args.reveal),
                           "age": card.age, "elder": card.elder, "expired": card.expired}
        if card.expired:
            notes.append("the card has expired (accepted: this hall's accept_expired_cards)")
    ticket = session.tickets.take(args.service, args.priority, appointment_at=appointment,
                                  card=card).value
    if card is not None and card.elder and args.priority == "regular":
        notes.append(f"{ticket.priority} priority: the card shows age {card.age}")
    if printer:
        from cli.printing import print_ticket, printed_line

        extra["printed"] = print_ticket(hall, ticket, printer)
        notes.append(printed_line(extra["printed"]))
    result, text = _ticket(ticket, extra)
    return result, "\n".join([text or "", *notes])


def _open_for(hall: Any, service: str) -> None:
    """Outside the hall's hours: exit 3, `hall_closed`, the next opening in the JSON too."""
    from cli.output import EXIT_REFUSED, Failed
    from hall.errors import DomainError

    try:
        hall.settings.check_take(hall.catalog.get(service).id)
    except DomainError as exc:
        if exc.code != "hall_closed":
            raise
        raise Failed(exc.code, exc.message, {"next_opening": exc.params["next_opening"],
                                             "reason": exc.params["reason"]},
                     EXIT_REFUSED) from exc


def _appointment(text: str | None) -> datetime | None:
    """The slot as typed: a date and time (hall time unless it names its offset). Whether it is
    a slot the hall can take is the hall's to say (Tickets.take)."""
    if text is None:
        return None
    from cli import UsageError

    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"--appointment: not a date and time (YYYY-MM-DDTHH:MM): {text!r}"
                         ) from exc


def ticket_list(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    tickets = hall.tickets.list(args.day, args.status)
    text = "\n".join(f"{t.number:<10} {t.service:<28} {t.status:<9} {t.window or ''}"
                     for t in tickets) or "no tickets"
    return {"day": args.day or hall.today(), "tickets": [t.to_json() for t in tickets]}, text


def window(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    chosen = None if args.services == "all" else [s for s in args.services.split(",") if s]
    done = acting(hall, args).windows.configure(args.window, chosen).value
    return {"window": done.window, "services": chosen}, (
        f"window {done.window} serves {'every service' if chosen is None else ', '.join(chosen)}")


def stats(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    figures = acting(hall, args).stats(args.day)
    t = figures.total

    def seconds(value: float | None) -> str:
        return "—" if value is None else f"{value:g} s"

    text = (f"{figures.day}: issued {t.issued}, served {t.served}, no-show {t.no_show}, "
            f"waiting {t.waiting}; wait avg {seconds(t.wait_avg_s)}, p90 "
            f"{seconds(t.wait_p90_s)}; service avg {seconds(t.service_avg_s)}")
    out = figures.to_json()
    if figures.closed is not None:
        c = figures.closed
        text += (f"; {'frozen: ' if figures.frozen else ''}closed by {c.terminal} at "
                 f"{c.closed_at}" + (f", {c.late_tickets} ticket(s) arrived after the close"
                                     if c.late_tickets else ""))
    return {**t.to_json(), "day": figures.day, "hall": figures.hall, "scope": figures.scope,
            "by_service": out["by_service"], "by_window": out["by_window"],
            "ratings": {**out["rating_figures"], "grades": out["ratings"]},
            "follow_ups": figures.follow_ups, "cases": out["cases"],
            "frozen": out["frozen"], "closed": out["closed"]}, text
