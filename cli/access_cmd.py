"""access …: clerk accounts, sign-in, the technician PIN, lockout and the audit trail.

Secrets are read from stdin, one per line, in the order the help text gives (or asked for
without echo on a terminal); they are never taken from the command line, where `ps` and the
shell history would see them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.common import common_options
from cli.context import open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument("--as", dest="acting", metavar="USER",
                        help="the account authorizing this (its password is read first)")
    access = sub.add_parser("access", help="accounts, sign-in, technician PIN, audit trail")
    asub = access.add_subparsers(dest="action", metavar="ACTION")

    user = asub.add_parser("user", help="clerk accounts")
    usub = user.add_subparsers(dest="user_action", metavar="ACTION")
    p = usub.add_parser("add", parents=[common, acting],
                        help="add an account (stdin: [--as password], new password); the first "
                        "account of a terminal is an admin and needs no --as")
    p.add_argument("user")
    p.add_argument("--role", required=True, choices=["clerk", "supervisor", "admin"])
    p.set_defaults(handler=user_add)
    p = usub.add_parser("password", parents=[common, acting],
                        help="set a password (stdin: [--as password], new password)")
    p.add_argument("user")
    p.set_defaults(handler=user_password)
    p = usub.add_parser("list", parents=[common, acting], help="accounts and lockouts")
    p.set_defaults(handler=user_list)

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
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=audit_trail)


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        from cli import UsageError

        raise UsageError(f"expected {prompt.rstrip(': ')} on stdin")
    return line.rstrip("\r\n")


def _principal(hall: Any, args: argparse.Namespace, required: bool = True) -> Any:
    from hall.security.access import AccessError, sign_in

    if not args.acting:
        if required:
            raise AccessError("this needs an authorizing account: --as USER", code="forbidden")
        return None
    return sign_in(hall, args.acting, _secret(f"password of {args.acting}: "))


def user_add(args: argparse.Namespace) -> Result:
    from hall.security.access import add_user

    hall = open_hall(args)
    by = _principal(hall, args, required=False)
    p = add_user(hall, by, args.user, args.role, _secret(f"new password of {args.user}: "))
    return {"user": {"user": p.user, "role": p.role}}, f"account {p.user} ({p.role}) added"


def user_password(args: argparse.Namespace) -> Result:
    from hall.security.access import set_password

    hall = open_hall(args)
    by = _principal(hall, args)
    set_password(hall, by, args.user, _secret(f"new password of {args.user}: "))
    return {"user": {"user": args.user, "password": "changed"}}, f"password of {args.user} set"


def user_list(args: argparse.Namespace) -> Result:
    from hall.security.access import users

    hall = open_hall(args)
    _principal(hall, args).require("unlock")
    rows = users(hall)
    text = "\n".join(f"{u['user']:<16} {u['role']:<11} "
                     f"{'locked ' + str(u['locked_s']) + ' s' if u['locked_s'] else ''}"
                     for u in rows) or "no accounts"
    return {"users": rows}, text


def sign_in(args: argparse.Namespace) -> Result:
    from hall.security.access import sign_in as check

    hall = open_hall(args)
    p = check(hall, args.user, _secret(f"password of {args.user}: "))
    return {"signed_in": {"user": p.user, "role": p.role}}, f"{p.user} signed in ({p.role})"


def unlock(args: argparse.Namespace) -> Result:
    from hall.security.access import unlock as lift

    hall = open_hall(args)
    lift(hall, _principal(hall, args), args.user)
    return {"unlocked": args.user}, f"{args.user} unlocked"


def pin_set(args: argparse.Namespace) -> Result:
    from hall.security.access import set_technician_pin

    hall = open_hall(args)
    set_technician_pin(hall, _principal(hall, args), _secret("technician PIN: "))
    return {"pin": "set"}, "technician PIN set"


def pin_check(args: argparse.Namespace) -> Result:
    from hall.security.access import check_pin

    hall = open_hall(args)
    check_pin(hall, _secret("technician PIN: "))
    return {"pin": "ok"}, "PIN accepted"


def audit_trail(args: argparse.Namespace) -> Result:
    from hall.security.audit import trail

    hall = open_hall(args)
    _principal(hall, args).require("audit_view")
    entries = trail(hall.store.conn, action=args.audit_action, limit=max(1, args.limit))
    text = "\n".join(f"{e['at']}  {e['terminal']}#{e['seq']}  {e['actor']} ({e['role']})  "
                     f"{e['action']} {e['target']}  {e['outcome']}" for e in entries)
    return {"audit": entries}, text or "no audit entries"


def code(args: argparse.Namespace) -> Result:
    """An unverified code (platform unreachable) still takes a ticket, marked unverified."""
    from hall.security.codes import CodeError, present, terminal_reader

    hall = open_hall(args)
    payload = sys.stdin.readline(8192).strip()
    try:
        identity = present(hall, terminal_reader(hall), payload)
    except CodeError as exc:
        exc.message = f"{exc.person} ({exc.message})"
        raise
    out: dict[str, Any] = {"code": identity.public()}
    text = (f"{identity.kind} {identity.public()['name']} {identity.public()['id']} "
            f"{'verified' if identity.verified else 'UNVERIFIED'} via {identity.resolver}")
    if args.take:
        from hall.security.audit import record

        ticket = hall.take_ticket(args.take)
        record(hall, actor="kiosk", role="kiosk", action="code_read",
               target=identity.code_hash[:16],
               outcome="verified" if identity.verified else "unverified",
               detail={"ticket_id": ticket.id, "ticket": ticket.number})
        out["ticket"] = ticket.to_json()
        text += f"; ticket {ticket.number}"
    return out, text


def reveal(args: argparse.Namespace) -> Result:
    from cli.common import data_dir
    from hall.security.access import reveal_applicant
    from hall.security.crypto import Sealer

    hall = open_hall(args)
    by = _principal(hall, args)
    sealer = Sealer.for_data_dir(data_dir(args.data_dir), hall.config.hall_id)
    record = reveal_applicant(hall, by, args.case, sealer)
    text = "\n".join(f"{k}: {v}" for k, v in record.items())
    return {"case": args.case, "applicant": record}, text
