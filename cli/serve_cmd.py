"""serve (the hub or the central platform), serve enroll-code, serve revoke."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import common_options, data_dir

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    p = sub.add_parser("serve", parents=[common], help="run the hub or the central server")
    p.add_argument("--role", choices=["central", "hub"], default="hub")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8470)
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: SQLite in the data dir); "
                   "postgresql+psycopg://… for a central platform")
    p.add_argument("--upstream", metavar="URL", help="the server this hub forwards to")
    p.set_defaults(handler=serve)
    ssub = p.add_subparsers(dest="serve_action", metavar="ACTION")
    for name, fn, text in (("enroll-code", enroll_code, "print a one-time enrollment code"),
                           ("revoke", revoke, "revoke a terminal's credentials")):
        s = ssub.add_parser(name, parents=[common], help=text)
        s.add_argument("--hall", required=True)
        s.add_argument("--terminal", required=True)
        s.add_argument("--database", metavar="URL")
        s.set_defaults(handler=fn)


def serve(args: argparse.Namespace) -> Result:
    from sync.server.run import serve as run

    if args.upstream:
        from hall.errors import ConfigError

        raise ConfigError("--upstream (a hub forwarding to a central platform) is not "
                          "implemented yet", code="not_implemented")
    folder = data_dir(args.data_dir)
    run(folder, args.database, args.role, args.host, args.port)
    return {"stopped": True, "role": args.role}, "server stopped"


def _engine(args: argparse.Namespace) -> Any:
    from sync.server.db import database_url, open_engine

    return open_engine(database_url(data_dir(args.data_dir), args.database))


def enroll_code(args: argparse.Namespace) -> Result:
    from sync.server.db import new_enroll_code

    engine = _engine(args)
    try:
        code = new_enroll_code(engine, args.hall, args.terminal)
    finally:
        engine.dispose()
    return ({"code": code, "hall": args.hall, "terminal": args.terminal, "expires_in_s": 86400},
            code)


def revoke(args: argparse.Namespace) -> Result:
    from sync.server.db import revoke as do_revoke

    engine = _engine(args)
    try:
        count = do_revoke(engine, args.hall, args.terminal)
    finally:
        engine.dispose()
    return {"revoked": count}, f"{count} credential(s) revoked"
