"""hall settings, hall hours: the hall's settings signed by its hub, and its opening hours."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import acting_option, common_options
from cli.context import acting, open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    hall = sub.add_parser("hall", help="the hall's settings (signed by its hub) and hours")
    hsub = hall.add_subparsers(dest="hall_action", metavar="ACTION")
    p = hsub.add_parser("settings", parents=[common, who],
                        help="the settings version this terminal runs; --set changes them "
                        "(a supervisor: --as USER, password on stdin)")
    p.add_argument("--set", dest="assignments", action="append", default=[],
                   metavar="KEY=VALUE",
                   help="a hall setting (name, notices, elder_age, kiosk_idle_s, hours); VALUE "
                   "is JSON when it reads as JSON, else text (repeatable)")
    p.set_defaults(handler=settings)
    p = hsub.add_parser("hours", parents=[common],
                        help="the opening hours: the week, the lunch rule, special days, open now")
    p.add_argument("--service", metavar="SERVICE", help="a service's own hours")
    p.set_defaults(handler=hours)


def settings(args: argparse.Namespace) -> Result:
    from hall import hall_settings

    hall = open_hall(args)
    if not args.assignments:
        shown = hall.settings.view()
        return shown.to_json(), _describe(shown.to_json())
    # Checked before the password is read: a bad value is exit 2 naming the key.
    changes = dict(hall_settings.parse_assignment(a) for a in args.assignments)
    hall_settings.check_changes(changes)
    session = acting(hall, args)
    before = session.settings.current().version
    shown = session.settings.request(changes).value
    out = shown.to_json()
    if hall.config.hub_url:
        from sync.settings_round import send_and_fetch

        reached = send_and_fetch(hall, before)
        out = {**hall.settings.view().to_json(), "pending": not reached}
    else:
        out["pending"] = False
    text = _describe(out)
    if out["pending"]:
        text += ("\nthe hub has not signed this change yet: it is sent with the next sync; "
                 "this terminal runs the last version it verified")
    return out, text


def _describe(shown: dict[str, Any]) -> str:
    lines = [f"settings version {shown['version']} "
             f"({shown['signed_by'] or 'none heard from the hub yet'})"]
    for key, value in shown["settings"].items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)


def hours(args: argparse.Namespace) -> Result:
    from hall import hours as hours_mod

    hall = open_hall(args)
    own = hall.settings.hours()
    if own is not None and args.service:
        hall.catalog.get(args.service)  # an unknown service is refused, not shown as the hall's
        own = own.for_service(args.service)
    where = hall.settings.standing(args.service)
    shown = hours_mod.to_json(own)
    out: dict[str, Any] = {
        "version": hall.settings.current().version,
        "closes": own is not None,
        "week": None if shown is None else shown["week"],
        "lunch": None if shown is None else shown["lunch"],
        "special": {} if shown is None else shown["special"],
        "last_ticket_min": 0 if shown is None else shown["last_ticket_min"],
        **where.to_json(),
    }
    if args.service:
        out["service"] = args.service
    if own is None:
        return out, "open around the clock (no opening hours set)"
    state = "open now" if where.open_now else "closed now"
    text = [f"{state}" + (f", closes {where.closes_at:%H:%M}" if where.closes_at else "")
            + (f", next opening {where.next_opening:%Y-%m-%d %H:%M}" if where.next_opening
               else "")]
    for day, ranges in out["week"].items():
        text.append(f"  {day}: {', '.join(ranges) or 'closed'}")
    if out["lunch"]:
        lunch = out["lunch"]
        text.append(f"  lunch {lunch['from']}-{lunch['to']}: "
                    f"{'open (午休不关门)' if lunch['open'] else 'closed'}")
    for day, rule in out["special"].items():
        text.append(f"  {day}: {rule if isinstance(rule, str) else ', '.join(rule)}")
    return out, "\n".join(text)
