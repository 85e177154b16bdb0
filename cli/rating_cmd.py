"""rating follow-ups | follow-up: 差评整改 without a screen (the rules live in hall/follow_ups.py).

    rating follow-ups [--open] --as USER --json
    rating follow-up --id ID (--assign USER | --action TEXT | --revisit satisfied|unsatisfied
                     --note TEXT | --close | --redo K) --as USER --json
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import acting_option, common_options, positive_int
from cli.context import acting, open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    rating = sub.add_parser("rating", help="差评整改: the follow-ups of poor ratings")
    rsub = rating.add_subparsers(dest="rating_action", metavar="ACTION")
    p = rsub.add_parser("follow-ups", parents=[common, who],
                        help="the follow-ups you may see, overdue first (overdue ones are "
                        "escalated to the hall's admin)")
    p.add_argument("--open", action="store_true", help="only those not closed")
    p.set_defaults(handler=follow_ups)
    p = rsub.add_parser("follow-up", parents=[common, who],
                        help="one step of a follow-up: assign, 整改 action, 回访, close, 重办")
    p.add_argument("--id", required=True, help="the follow-up's id (or its rating's)")
    step = p.add_mutually_exclusive_group(required=True)
    step.add_argument("--assign", metavar="USER", help="an account or a department")
    step.add_argument("--action", metavar="TEXT", help="the 整改 action taken")
    step.add_argument("--revisit", choices=["satisfied", "unsatisfied"],
                      help="the 回访 result (with --note)")
    step.add_argument("--close", action="store_true",
                      help="close it (needs its action and its 回访: else exit 3, "
                      "follow_up_incomplete)")
    step.add_argument("--redo", type=positive_int, metavar="K",
                      help="差评重办: part K of the rated case goes back to its department")
    p.add_argument("--note", metavar="TEXT", help="what the citizen said at the 回访")
    p.set_defaults(handler=follow_up)


def follow_ups(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    hall.follow_ups.escalate()
    found = session.ratings.follow_up_list(open_only=args.open)
    text = "\n".join(f"{f.id}  {f.ticket}  {f.grade}  {f.assignee or '-'}  due {f.due}  "
                     f"{f.state}{'  逾期' if f.overdue else ''}" for f in found) or "no follow-ups"
    return {"follow_ups": [f.to_json() for f in found]}, text


def follow_up(args: argparse.Namespace) -> Result:
    from cli import UsageError

    if args.revisit is not None and not (args.note or "").strip():
        raise UsageError("--revisit needs --note TEXT (what the citizen said)")
    if args.note is not None and args.revisit is None:
        raise UsageError("--note goes with --revisit")
    hall = open_hall(args)
    r = acting(hall, args).ratings
    if args.assign is not None:
        done = r.assign(args.id, args.assign).value
    elif args.action is not None:
        done = r.act(args.id, args.action).value
    elif args.revisit is not None:
        done = r.revisit(args.id, args.revisit, args.note).value
    elif args.redo is not None:
        done = r.redo(args.id, args.redo).value
    else:
        done = r.close(args.id).value
    return {"follow_up": done.to_json()}, f"{done.id}: {done.state}"
