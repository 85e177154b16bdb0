"""access …: clerk accounts, sign-in, the technician PIN, lockout and the audit trail.

Secrets are read from stdin, one per line, in the order the help text gives (or asked for
without echo on a terminal); they are never taken from the command line, where `ps` and the
shell history would see them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.common import acting_option, common_options, positive_int
from cli.context import open_hall, read_secret

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    acting = acting_option()
    access = sub.add_parser("access", help="accounts, sign-in, technician PIN, audit trail")
    asub = access.add_subparsers(dest="action", metavar="ACTION")

    user = asub.add_parser("user", help="clerk accounts")
    usub = user.add_subparsers(dest="user_action", metavar="ACTION")
    p = usub.add_parser("add", parents=[common, acting],
                        help="add an account (stdin: [--as password], new password); the first "
                        "account of a terminal is an admin and needs no --as")
    p.add_argument("user")
    p.add_argument("--role", required=True,
                   choices=["clerk", "supervisor", "admin", "department"])
    p.add_argument("--department", metavar="DEPT",
                   help="the department of a department account (--role department)")
    p.set_defaults(handler=user_add)
    for name, text in (("disable", "disable a hall account: refused at sign-in everywhere "
                        "once terminals sync"), ("enable", "enable a disabled account again")):
        p = usub.add_parser(name, parents=[common, acting], help=text + " (stdin: --as password)")
        p.add_argument("user")
        p.set_defaults(handler=user_disable, enable=name == "enable")
    p = usub.add_parser("password", parents=[common, acting],
                        help="set a password (stdin: [--as password], new password)")
    p.add_argument("user")
    p.set_defaults(handler=user_password)
    p = usub.add_parser("list", parents=[common, acting], help="accounts and lockouts")
    p.set_defaults(handler=user_list)
    p = usub.add_parser("migrate", parents=[common, acting],
                        help="make this terminal's accounts from before hall-wide accounts the "
                        "hall's (stdin: --as password; ADMIN may be one of them)")
    p.set_defaults(handler=user_migrate)

    p = asub.add_parser("sign-in", parents=[common], help="check a password (stdin)")
    p.add_argument("user")
    p.set_defaults(handler=sign_in)
    p = asub.add_parser("unlock", parents=[common, acting], help="lift a lockout")
    p.add_argument("user")
    p.set_defaults(handler=unlock)

    pin = asub.add_parser("pin", help="the kiosk technician PIN")
    psub = pin.add_subparsers(dest="pin_action", metavar="ACTION")
    p = psub.add_parser("set", parents=[common, acting],
                        help="set the PIN (stdin: --as password, PIN)")
    p.set_defaults(handler=pin_set)
    p = psub.add_parser("check", parents=[common], help="check the PIN (stdin)")
    p.set_defaults(handler=pin_check)

    p = asub.add_parser("reveal", parents=[common, acting],
                        help="show a case's applicant unmasked (supervisor; audited)")
    p.add_argument("case", help="case number or id")
    p.set_defaults(handler=reveal)

    p = asub.add_parser("code", parents=[common],
                        help="read a 身份码/企业码 (payload on stdin); --take issues a ticket")
    p.add_argument("--take", metavar="SERVICE", help="take a ticket for this service with it")
    p.set_defaults(handler=code)

    p = asub.add_parser("audit", parents=[common, acting], help="the audit trail, newest first")
    p.add_argument("--action", dest="audit_action")
    p.add_argument("--limit", type=positive_int, default=50)
    p.set_defaults(handler=audit_trail)


def _principal(hall: Any, args: argparse.Namespace, required: bool = True) -> Any:
    """The account authorizing this command (`--as USER`, its password read first)."""
    from hall.errors import AccessError

    if not args.acting:
        if required:
            raise AccessError("this needs an authorizing account: --as USER", code="forbidden",
                              params={"command": args.action})
        return None
    return hall.sign_in(args.acting, read_secret(f"password of {args.acting}: "))


def user_add(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    session = _principal(hall, args, required=False)
    secret = read_secret(f"new password of {args.user}: ")
    # no account yet: the first (an admin) is added by no one, on a station no hub knows
    p = (session.accounts.add(args.user, args.role, secret, department=args.department).value
         if session is not None
         else hall.first_admin(args.user, secret, role=args.role, department=args.department))
    out: dict[str, Any] = {"user": p.name, "role": p.role}
    if args.department:
        out["department"] = args.department
    return {"user": out}, f"account {p.name} ({p.role}) added for the hall"


def user_disable(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    _principal(hall, args).accounts.disable(args.user, enable=args.enable)
    state = "enabled" if args.enable else "disabled"
    return {"user": {"user": args.user.strip().lower(), "state": state}}, \
        f"{args.user} {state} (every terminal of the hall once it syncs)"


def user_password(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    _principal(hall, args).accounts.set_password(args.user,
                                                 read_secret(f"new password of {args.user}: "))
    return {"user": {"user": args.user, "password": "changed"}}, f"password of {args.user} set"


def user_list(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    rows = _principal(hall, args).accounts.all()
    text = "\n".join(f"{u.user:<16} {u.role:<11} "
                     f"{'locked ' + str(u.locked_s) + ' s' if u.locked_s else ''}"
                     for u in rows) or "no accounts"
    return {"users": [u.to_json() for u in rows]}, text


def user_migrate(args: argparse.Namespace) -> Result:
    """The admin signs in here even if not migrated yet (that is what it is for)."""
    hall = open_hall(args)
    if not args.acting:
        from hall.errors import AccessError

        raise AccessError("this needs an authorizing account: --as ADMIN", code="forbidden",
                          params={"command": "migrate_accounts"})
    users = hall.migrate_accounts(args.acting,
                                  read_secret(f"password of {args.acting}: ")).value
    text = (f"{len(users)} account(s) made the hall's: {', '.join(users)}" if users
            else "every account of this terminal is the hall's already")
    return {"migrated": users}, text


def sign_in(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    p = hall.sign_in(args.user, read_secret(f"password of {args.user}: "))
    heard = p.accounts.as_of()
    age = ("" if heard["age_s"] is None else
           f"; accounts as this terminal last heard them {heard['age_s']} s ago")
    return ({"signed_in": {"user": p.name, "role": p.role}, "accounts_age_s": heard["age_s"]},
            f"{p.name} signed in ({p.role}){age}")


def unlock(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    _principal(hall, args).accounts.unlock(args.user)
    return {"unlocked": args.user}, f"{args.user} unlocked"


def pin_set(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    _principal(hall, args).accounts.set_technician_pin(read_secret("technician PIN: "))
    return {"pin": "set"}, "technician PIN set"


def pin_check(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    hall.technician_session(read_secret("technician PIN: "))
    return {"pin": "ok"}, "PIN accepted"


def audit_trail(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    entries = _principal(hall, args).accounts.audit_trail(action=args.audit_action,
                                                          limit=args.limit)
    text = "\n".join(f"{e['at']}  {e['terminal']}#{e['seq']}  {e['actor']} ({e['role']})  "
                     f"{e['action']} {e['target']}  {e['outcome']}" for e in entries)
    return {"audit": entries}, text or "no audit entries"


def code(args: argparse.Namespace) -> Result:
    """An unverified code (platform unreachable) still takes a ticket, marked unverified."""
    from hall.security.codes import CodeError

    hall = open_hall(args)
    kiosk = hall.kiosk_session()
    payload = sys.stdin.readline(8192).strip()
    try:
        read = kiosk.cards.read_code(payload)
    except CodeError as exc:
        exc.message = f"{exc.person} ({exc.message})"
        raise
    identity = read.card
    out: dict[str, Any] = {"code": identity.public()}
    shown = out["code"]
    text = (f"{shown['kind']} {shown['name']} {shown['id']} "
            f"{'verified' if read.verified else 'UNVERIFIED'} via {shown['resolver']}")
    if args.take:
        ticket = kiosk.tickets.take(args.take, holder=read.holder).value
        out["ticket"] = ticket.to_json()
        text += f"; ticket {ticket.number}"
    return out, text


def reveal(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    record = _principal(hall, args).accounts.reveal_applicant(args.case)
    text = "\n".join(f"{k}: {v}" for k, v in record.items())
    return {"case": args.case, "applicant": record}, text
