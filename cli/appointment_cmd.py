"""appointment slots/book/cancel/reschedule/list/check-in: 预约 without a screen (a thin face
over hall/appointments.py)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import acting_option, common_options
from cli.context import acting, open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    group = sub.add_parser("appointment", help="预约: slots, booking, cancel, check-in")
    asub = group.add_subparsers(dest="action", metavar="ACTION")
    p = asub.add_parser("slots", parents=[common], help="a service's slots of a day")
    p.add_argument("--service", required=True)
    p.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    p.set_defaults(handler=slots)
    p = asub.add_parser("book", parents=[common, who], help="book a slot for a card's holder")
    p.add_argument("--service", required=True)
    p.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--time", required=True, metavar="HH:MM", help="the slot's start")
    _card_options(p)
    p.set_defaults(handler=book)
    p = asub.add_parser("cancel", parents=[common, who], help="cancel a booking")
    p.add_argument("--appointment", required=True, metavar="ID")
    p.set_defaults(handler=cancel)
    p = asub.add_parser("reschedule", parents=[common, who], help="move a booking to a slot")
    p.add_argument("--appointment", required=True, metavar="ID")
    p.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--time", required=True, metavar="HH:MM")
    p.set_defaults(handler=reschedule)
    p = asub.add_parser("list", parents=[common, who], help="the bookings of a day")
    p.add_argument("--day", default=None, metavar="YYYY-MM-DD")
    p.set_defaults(handler=appointment_list)
    p = asub.add_parser("check-in", parents=[common, who],
                        help="预约签到 by card: an appointment ticket")
    _card_options(p)
    p.set_defaults(handler=check_in)


def _card_options(p: argparse.ArgumentParser) -> None:
    card = p.add_mutually_exclusive_group(required=True)
    card.add_argument("--id-reader", metavar="PORT", help="the holder's ID card (GA 467 reader)")
    card.add_argument("--sscard-reader", metavar="NAME", help="the holder's 社保卡 (PC/SC)")


def _holder(session: Any, args: argparse.Namespace, purpose: str) -> Any:
    from cli.printing import read_card

    return session.cards.read(read_card(args.id_reader, args.sscard_reader), purpose=purpose)


def slots(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    found = hall.display_session().appointments.slots(args.service, args.day)
    text = "\n".join(f"{s.start}-{s.end}  {s.booked}/{s.capacity}" for s in found) or "no slots"
    return {"slots": [s.to_json() for s in found]}, text


def book(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    session.appointments.slots(args.service, args.day)  # bad service or day: before the card
    read = _holder(session, args, "appointment")
    done = session.appointments.book_slot(args.service, args.day, args.time,
                                          read.holder.key).value
    return {"appointment": _short(done)}, (
        f"booked {done.service} {done.day} {done.time} ({done.id})")


def cancel(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    done = acting(hall, args).appointments.cancel(args.appointment).value
    return {"appointment": _short(done)}, f"cancelled {done.id}"


def reschedule(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    done = acting(hall, args).appointments.reschedule(args.appointment, args.day,
                                                      args.time).value
    return {"appointment": _short(done)}, f"moved {done.id} to {done.day} {done.time}"


def appointment_list(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    session.appointments.record_no_shows()  # slots whose check-in has closed: no-shows
    found = session.appointments.on_day(args.day)
    text = "\n".join(f"{a.time} {a.service:<28} {a.status:<10} {a.id}" for a in found) or (
        "no appointments")
    return {"day": args.day or hall.today(), "appointments": [_short(a) for a in found]}, text


def check_in(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    read = _holder(session, args, "check_in")
    done = session.appointments.check_in_at(read).value
    ticket = done.ticket.to_json()
    result: dict[str, Any] = {"ticket": ticket, "appointment": _short(done.appointment)}
    if done.note:
        result["note"] = done.note
    text = f"ticket {ticket.get('number')} ({ticket.get('priority')})"
    return result, text + (f"\n{done.note}" if done.note else "")


def _short(a: Any) -> dict[str, Any]:
    return {"id": a.id, "service": a.service, "day": a.day, "time": a.time,
            "status": a.status}
