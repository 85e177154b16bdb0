"""setup, services, ticket …, window, stats, case …, rate: the queue without a screen."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from cli.common import common_options, data_dir
from cli.context import catalog_path, open_hall
from hall.errors import ConfigError, DomainError
from hall.tickets import TicketView

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
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
    mode.add_argument("--hub", metavar="URL", help="the hall hub this terminal will sync with")
    p.set_defaults(handler=setup)

    p = sub.add_parser("services", parents=[common], help="the services and 一件事 bundles")
    p.set_defaults(handler=services)

    ticket = sub.add_parser("ticket", help="take, call and move tickets")
    tsub = ticket.add_subparsers(dest="action", metavar="ACTION")
    p = tsub.add_parser("take", parents=[common], help="take a queue number (取号)")
    p.add_argument("--service", required=True)
    p.add_argument("--priority", default="regular",
                   choices=["regular", "elder", "disabled", "military", "pregnant", "appointment"])
    p.add_argument("--appointment", metavar="ISO_TIME", help="the slot of an appointment ticket")
    p.add_argument("--printer", metavar="URL", help="print the ticket (tcp://host:9100, …)")
    p.add_argument("--id-reader", metavar="PORT", help="identify the holder by ID card first")
    p.add_argument("--sscard-reader", metavar="NAME", help="identify the holder by 社保卡 first")
    p.add_argument("--reveal", action="store_true", help="show personal fields unmasked")
    p.set_defaults(handler=take)
    p = tsub.add_parser("call", parents=[common], help="call the next ticket to a window (叫号)")
    p.add_argument("--window", required=True)
    p.set_defaults(handler=call)
    for action in ("recall", "no-show", "start", "done", "park", "cancel", "show"):
        p = tsub.add_parser(action, parents=[common], help=f"{action} a ticket")
        p.add_argument("--ticket", required=True, help="ticket id or number (A003)")
        p.set_defaults(handler=_simple(action))
    p = tsub.add_parser("resume", parents=[common], help="resume a parked ticket")
    p.add_argument("--ticket", required=True)
    p.add_argument("--window")
    p.set_defaults(handler=lambda a: _ticket(open_hall(a).resume(a.ticket, a.window)))
    p = tsub.add_parser("transfer", parents=[common], help="send a ticket to another service "
                        "or window, keeping its place")
    p.add_argument("--ticket", required=True)
    p.add_argument("--service")
    p.add_argument("--window")
    p.set_defaults(handler=lambda a: _ticket(
        open_hall(a).transfer(a.ticket, service_id=a.service, window=a.window)))
    p = tsub.add_parser("list", parents=[common], help="the day's tickets")
    p.add_argument("--day", help="YYYY-MM-DD (default: today in the hall's timezone)")
    p.add_argument("--status")
    p.set_defaults(handler=ticket_list)

    p = sub.add_parser("window", parents=[common], help="set the services a window serves")
    p.add_argument("window")
    p.add_argument("--services", required=True, help="comma-separated service ids, or 'all'")
    p.set_defaults(handler=window)

    p = sub.add_parser("stats", parents=[common], help="the day's figures")
    p.add_argument("--day")
    p.set_defaults(handler=stats)


def setup(args: argparse.Namespace) -> Result:
    from hall import config as config_file
    from hall.security.keys import load_or_create
    from hall.store import Store

    folder = data_dir(args.data_dir)
    try:
        old = config_file.load(folder)
    except ConfigError as exc:
        if exc.code != "not_set_up":
            raise
        old = None
    if old is not None and (old.hall_id, old.terminal_id) != (args.hall, args.terminal):
        raise DomainError(
            f"{folder} already belongs to hall {old.hall_id}, terminal {old.terminal_id}; "
            "use another --data-dir for another terminal", code="already_set_up")
    new = config_file.TerminalConfig(
        hall_id=args.hall,
        terminal_id=args.terminal,
        timezone=args.timezone or (old.timezone if old else config_file.DEFAULT_TIMEZONE),
        numbering="standalone" if args.standalone else "member",
        hub_url=args.hub or (old.hub_url if old else None),
        short_code=config_file.default_short_code(args.terminal),
        policy=old.policy if old else config_file.CallPolicy(),
        hall_name=args.hall_name if args.hall_name is not None else (old.hall_name if old else ""),
    )
    new.validate()
    store = Store.open(folder)
    with store.write() as conn:
        for key, value in (("hall_id", new.hall_id), ("terminal_id", new.terminal_id)):
            conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) "
                         "DO UPDATE SET value = excluded.value", (key, value))
    store.close()
    load_or_create(folder, "index")
    config_file.save(folder, new)
    result = {"hall": new.hall_id, "terminal": new.terminal_id, "timezone": new.timezone,
              "numbering": new.numbering, "data_dir": str(folder)}
    return {"setup": result}, (f"terminal {new.terminal_id} of hall {new.hall_id} is set up in "
                               f"{folder} ({new.timezone}, {new.numbering} numbering)")


def services(args: argparse.Namespace) -> Result:
    from hall.catalog import load_catalog

    catalog = load_catalog(catalog_path(data_dir(args.data_dir)))
    items = [{"id": s.id, "name": s.name, "series": s.series, "bundle": s.bundle}
             for s in catalog.services]
    text = "\n".join(f"{s['series']}  {s['id']:<28} {s['name']}" for s in items)
    return {"services": items}, text


def _ticket(t: TicketView, extra: dict[str, Any] | None = None) -> Result:
    out = {"ticket": t.to_json(), **(extra or {})}
    where = f" → window {t.window}" if t.window and t.status in ("called", "serving") else ""
    ahead = f", {t.ahead} ahead" if t.ahead is not None else ""
    return out, f"{t.number}  {t.service}  {t.status}{where}{ahead}"


def call(args: argparse.Namespace) -> Result:
    """A member desk asks the hub (so two windows never get one ticket); with the hub out of
    reach it calls from what it knows, and sync reports any clash later."""
    hall = open_hall(args)
    if hall.config.numbering == "member":
        from sync.hubcall import call_through_hub

        ticket = call_through_hub(hall, data_dir(args.data_dir), args.window)
        if ticket is not None:
            return _ticket(ticket, {"decided_by": "hub"})
    return _ticket(hall.call_next(args.window), {"decided_by": "local"})


def _simple(action: str) -> Any:
    def handler(args: argparse.Namespace) -> Result:
        hall = open_hall(args)
        method = {"recall": hall.recall, "no-show": hall.no_show, "start": hall.start,
                  "done": hall.done, "park": hall.park, "cancel": hall.cancel,
                  "show": hall.ticket}[action]
        return _ticket(method(args.ticket))

    return handler


def take(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    extra: dict[str, Any] = {}
    holder = None
    if args.id_reader or args.sscard_reader:
        from cli.printing import identify

        extra["holder"], holder = identify(hall, args.id_reader, args.sscard_reader,
                                           reveal=args.reveal)
    appointment = datetime.fromisoformat(args.appointment) if args.appointment else None
    if appointment is not None and appointment.tzinfo is None:
        appointment = appointment.replace(tzinfo=hall.zone)
    ticket = hall.take_ticket(args.service, args.priority, appointment_at=appointment,
                              holder=holder)
    if args.printer:
        from cli.printing import print_ticket

        extra["printed"] = print_ticket(hall, ticket, args.printer)
    return _ticket(ticket, extra)


def ticket_list(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    tickets = hall.list_tickets(args.day, args.status)
    text = "\n".join(f"{t.number:<10} {t.service:<28} {t.status:<9} {t.window or ''}"
                     for t in tickets) or "no tickets"
    return {"day": args.day or hall.today(), "tickets": [t.to_json() for t in tickets]}, text


def window(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    chosen = None if args.services == "all" else [s for s in args.services.split(",") if s]
    hall.configure_window(args.window, chosen)
    return {"window": args.window, "services": chosen}, (
        f"window {args.window} serves {'every service' if chosen is None else ', '.join(chosen)}")


def stats(args: argparse.Namespace) -> Result:
    from hall.stats import day_stats

    figures = day_stats(open_hall(args), args.day)
    t = figures["total"]
    text = (f"{figures['day']}: issued {t['issued']}, served {t['served']}, no-show "
            f"{t['no_show']}, waiting {t['waiting']}; wait avg {t['wait_avg_s']} s "
            f"p90 {t['wait_p90_s']} s; service avg {t['service_avg_s']} s")
    return {**t, "day": figures["day"], "hall": figures["hall"],
            "by_service": figures["by_service"], "by_window": figures["by_window"]}, text
