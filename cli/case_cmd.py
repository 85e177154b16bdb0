"""case accept | refuse | complete | deliver | show | list, and rate: cases and 好差评 without a
screen, for hall IT and our checks (a thin face: the rules live in hall/cases.py, hall/ratings.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cli.common import acting_option, common_options, positive_int
from cli.context import acting, open_hall
from cli.output import EXIT_REFUSED, Failed
from hall.errors import DomainError

if TYPE_CHECKING:
    from hall.session import Session

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    case = sub.add_parser("case", help="cases: 受理, 不予受理, 办结, 出件")
    csub = case.add_subparsers(dest="case_action", metavar="ACTION")

    identity = argparse.ArgumentParser(add_help=False)
    card = identity.add_mutually_exclusive_group(required=True)
    card.add_argument("--id-reader", metavar="PORT", help="the applicant's ID card (GA 467)")
    card.add_argument("--sscard-reader", metavar="NAME", help="the applicant's 社保卡 (PC/SC)")

    p = csub.add_parser("accept", parents=[common, who, identity], help="受理 a case")
    p.add_argument("--ticket", required=True, help="the visit's ticket (id or number)")
    p.add_argument("--service", required=True)
    p.add_argument("--material", action="append", default=[], metavar="SPEC",
                   help='"NAME=submitted" | "NAME=deferred:YYYY-MM-DD" (容缺) | "NAME=exempt" '
                   "(免提交); repeat for each material")
    p.add_argument("--promise", metavar="TEXT", help="告知承诺: the applicant's written promise "
                   "for the deferred materials")
    p.add_argument("--assisted", action="store_true", help="帮办代办: staff helped the applicant")
    p.add_argument("--handled-by", metavar="HALL",
                   help="异地代收: the hall that decides the whole case (it travels there, "
                   "sealed for that hall; its decisions come back here)")
    p.add_argument("--another", action="store_true", help="a second matter of the same visit: "
                   "accept although the ticket already has a case (else exit 3, "
                   "ticket_has_case)")
    p.set_defaults(handler=accept)

    p = csub.add_parser("refuse", parents=[common, who, identity], help="不予受理, with reasons")
    p.add_argument("--ticket", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--reason", action="append", required=True, metavar="TEXT")
    p.set_defaults(handler=refuse)

    p = csub.add_parser("complete", parents=[common, who], help="办结")
    p.add_argument("--case", required=True, help="case number or id")
    p.set_defaults(handler=complete)
    p = csub.add_parser("deliver", parents=[common, who], help="出件, at the window or by mail")
    p.add_argument("--case", required=True)
    p.add_argument("--channel", choices=["window", "mail"], default="window")
    p.add_argument("--tracking", metavar="EMS", help="the tracking number, by mail")
    p.set_defaults(handler=deliver)
    p = csub.add_parser("materials-sent", parents=[common, who],
                        help="跨域通办: how the materials went to the hall deciding the case")
    p.add_argument("--case", required=True)
    p.add_argument("--via", required=True, choices=["ems", "electronic"])
    p.add_argument("--tracking", metavar="EMS", help="the EMS tracking number")
    p.set_defaults(handler=materials_sent)
    p = csub.add_parser("materials-arrived", parents=[common, who],
                        help="跨域通办: the materials of a case that travelled here arrived")
    p.add_argument("--case", required=True)
    p.set_defaults(handler=materials_arrived)
    p = csub.add_parser("supply", parents=[common, who], help="补交 a deferred material")
    p.add_argument("--case", required=True)
    p.add_argument("--material", required=True)
    p.set_defaults(handler=supply)
    p = csub.add_parser("show", parents=[common, who], help="a case (masked)")
    p.add_argument("--case", required=True)
    p.add_argument("--reveal", action="store_true", help="typed text (reasons, promises, notes) "
                   "with ID and phone numbers unmasked: permission data_view, audited")
    p.set_defaults(handler=show)
    p = csub.add_parser("list", parents=[common, who],
                        help="cases, newest first; --ready: 待出件, oldest first")
    p.add_argument("--day", help="YYYY-MM-DD")
    p.add_argument("--status", choices=["accepted", "refused", "completed", "not_permitted",
                                        "delivered"])
    p.add_argument("--ready", action="store_true",
                   help="the cases whose every part is decided, not yet handed out (待出件)")
    p.set_defaults(handler=case_list)

    p = csub.add_parser("queue", parents=[common, who],
                        help="待审批: open parts, overdue first, then by due date")
    p.add_argument("--department", metavar="DEPT")
    p.set_defaults(handler=queue)
    p = csub.add_parser("decide", parents=[common, who],
                        help="签收 or decide a part (a department account, its own parts)")
    p.add_argument("--case", required=True)
    p.add_argument("--step", required=True, type=positive_int, metavar="K")
    p.add_argument("--outcome", required=True,
                   choices=["received", "approved", "rejected", "correction"])
    p.add_argument("--note", metavar="TEXT", help="不予许可: the reasons; 补正: what to correct")
    p.add_argument("--bring", action="append", default=[], metavar="MATERIAL",
                   help="补正: a material of the catalog the applicant must bring (repeat)")
    p.set_defaults(handler=decide)
    p = csub.add_parser("correct", parents=[common, who],
                        help="the window records a 补正 the applicant handed in")
    p.add_argument("--case", required=True)
    p.add_argument("--step", required=True, type=positive_int, metavar="K")
    p.set_defaults(handler=correct)
    p = csub.add_parser("reassign", parents=[common, who],
                        help="a supervisor hands a part to another department, with the reason")
    p.add_argument("--case", required=True)
    p.add_argument("--step", required=True, type=positive_int, metavar="K")
    p.add_argument("--department", required=True, metavar="DEPT")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(handler=reassign)
    p = csub.add_parser("overdue", parents=[common, who],
                        help="per department: parts overdue and due within one working day; "
                        "容缺 materials past their due date")
    p.set_defaults(handler=overdue)

    p = sub.add_parser("rate", parents=[common, who], help="好差评 of a finished visit")
    p.add_argument("--ticket", required=True)
    p.add_argument("--grade", required=True, type=int, choices=range(1, 6), metavar="1..5")
    p.add_argument("--reason", action="append", default=[], metavar="R",
                   help="a 差评 reason (repeat): 等候时间长 | 工作人员态度 | 材料要求不清楚 | "
                   "多次跑动 | 系统或设备故障 | 其他")
    p.add_argument("--comment", default="", metavar="TEXT")
    p.set_defaults(handler=rate)


def _material(spec: str) -> Any:
    """NAME=submitted | NAME=deferred:YYYY-MM-DD | NAME=exempt (syntax only; the hall checks)."""
    from cli import UsageError
    from hall.cases import MaterialItem

    name, sep, state = spec.rpartition("=")
    if not sep or not name.strip():
        raise UsageError(f"--material {spec!r}: expected NAME=submitted, NAME=deferred:DATE "
                         "or NAME=exempt")
    kind, _, due = state.partition(":")
    if kind == "deferred":
        if not due:
            raise UsageError(f"--material {spec!r}: a deferred material needs its due date "
                             "(NAME=deferred:YYYY-MM-DD)")
        return MaterialItem(name.strip(), "deferred", due=due)
    if kind in ("submitted", "exempt") and not due:
        return MaterialItem(name.strip(), kind)  # type: ignore[arg-type]
    raise UsageError(f"--material {spec!r}: the state is submitted, deferred:DATE or exempt")


def _case(case: Any) -> Result:
    text = (f"{case.number}  {case.service_name}  {case.status}  {case.applicant}"
            + (f"  承诺 {case.promised}" if case.promised else ""))
    if case.outstanding:
        text += f"\n容缺 to supply: {', '.join(case.outstanding)}"
    return {"case": case.to_json()}, text


def _applicant(session: Session, args: argparse.Namespace) -> Any:
    from cli.printing import read_card

    read = session.cards.read(read_card(args.id_reader, args.sscard_reader), purpose="case")
    return session.cards.applicant(read)


def accept(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    items = [_material(m) for m in args.material]
    session.require("case", "accept_case")  # before the card is read and audited
    applicant = _applicant(session, args)
    try:
        done = session.cases.accept(args.service, applicant, items, ticket=args.ticket,
                                    promise=args.promise, assisted=args.assisted,
                                    another=args.another, handled_by=args.handled_by)
    except DomainError as exc:
        if exc.code != "ticket_has_case":
            raise
        # the case it already has, as a field of its own for scripts (`case show --case` it)
        raise Failed(exc.code, exc.message, {"case": exc.params["case"]},
                     exit_code=EXIT_REFUSED) from exc
    return _case(done.value)


def refuse(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    session.require("case", "refuse_case")
    applicant = _applicant(session, args)
    return _case(session.cases.refuse(args.service, applicant, args.reason,
                                      ticket=args.ticket).value)


def complete(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).cases.complete(args.case).value)


def deliver(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).cases.deliver(args.case, args.channel, args.tracking).value)


def materials_sent(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).cases.send_materials(args.case, args.via,
                                                         args.tracking).value)


def materials_arrived(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).cases.materials_arrived(args.case).value)


def supply(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).cases.supply(args.case, args.material).value)


def show(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    # checked before it is looked for; --reveal asks data_view too, audited
    return _case(acting(hall, args).cases.get(args.case, reveal=args.reveal))


def case_list(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    found = (session.parts.ready() if args.ready
             else session.cases.list(day=args.day, status=args.status))
    text = "\n".join(f"{c.number}  {c.service_name}  {c.status}" for c in found) or "no cases"
    return {"cases": [c.to_json() for c in found]}, text


def queue(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    parts = acting(hall, args).parts.queue(args.department)
    text = "\n".join(f"{p.case}  {p.step}  {p.department}  {p.status}  {p.due or '-'}"
                     f"{'  逾期' if p.overdue else ''}  {p.matter}" for p in parts) or "no parts"
    return {"parts": [p.to_json() for p in parts]}, text


def decide(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).parts.decide(args.case, args.step, args.outcome, args.note,
                                                 args.bring).value)


def correct(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).parts.correct(args.case, args.step).value)


def reassign(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    return _case(acting(hall, args).parts.reassign(args.case, args.step, args.department,
                                                   args.reason).value)


def overdue(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = acting(hall, args)
    found = session.parts.supervision()
    owed = session.parts.owed_materials()  # 容缺 past due: the window chases them
    text = "\n".join([f"{d}: 逾期 {len(v['overdue'])}, 即将到期 {len(v['due_soon'])}"
                      for d, v in sorted(found.items())]
                     + [f"{m.case}  {m.material}  容缺 due {m.due}" for m in owed]
                     ) or "nothing overdue or due soon"
    return {"departments": {d: {k: [p.to_json() for p in v[k]] for k in ("overdue", "due_soon")}
                            for d, v in sorted(found.items())},
            "materials": [m.to_json() for m in owed]}, text


def rate(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    rating = acting(hall, args).ratings.rate(args.ticket, args.grade, args.comment,
                                             args.reason).value
    due = f", follow up by {rating.follow_up_due}" if rating.follow_up_due else ""
    return {"rating": rating.to_json()}, f"{rating.ticket}: {rating.grade_name}{due}"
