"""serve (the hub or the central platform), serve enroll-code, serve revoke."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cli.common import (
    bounded_int,
    common_options,
    data_dir,
    port,
    positive_float,
    positive_int,
)
from hall.timefmt import iso_of_ms

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    p = sub.add_parser("serve", parents=[common], help="run the hub or the central server")
    p.add_argument("--role", choices=["central", "hub"], default="hub")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=8470)
    p.add_argument("--database", metavar="URL",
                   help="SQLAlchemy URL (default: SQLite in the data dir); "
                   "postgresql+psycopg://… for a central platform")
    p.add_argument("--upstream", metavar="URL",
                   help="the central platform this hub forwards its hall to (enroll the hub "
                   "first: serve enroll --upstream URL --code CODE)")
    p.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    p.add_argument("--insecure", action="store_true",
                   help="allow plain HTTP on a non-loopback address (a trusted network only)")
    p.add_argument("--rate", type=positive_float, default=None, metavar="N",
                   help="requests per second each terminal may make, sustained (default 200)")
    p.add_argument("--burst", type=positive_int, default=None, metavar="N",
                   help="requests each terminal may make at once (default 800)")
    p.add_argument("--hall", metavar="HALL",
                   help="the one hall this hub serves (default: its upstream credential's hall, "
                   "else the hall of its first enrolled terminal); terminals of other halls are "
                   "refused")
    p.add_argument("--trusted-proxy", action="append", dest="trusted_proxies", default=[],
                   metavar="ADDR",
                   help="a reverse proxy (address or network) whose X-Forwarded-For and "
                   "X-Forwarded-Proto are believed (repeatable; default: none)")
    p.add_argument("--api-docs", action="store_true",
                   help="serve the API document (/openapi.json, /docs, /redoc); off by default: "
                   "it tells anyone on the network the whole API")
    p.add_argument("--workers", type=positive_int, default=1, metavar="N",
                   help="run N server processes on one socket (the central platform on "
                   "PostgreSQL only; default 1)")
    p.add_argument("--pool-size", type=positive_int, default=None, metavar="N",
                   help="database connections each process keeps open (PostgreSQL only; "
                   "default 10)")
    p.add_argument("--max-overflow", type=bounded_int(0, 10_000), default=None, metavar="M",
                   help="connections each process may open beyond --pool-size under a burst "
                   "(PostgreSQL only; default: what its threads can hold at once, 60)")
    p.add_argument("--max-long-polls", type=positive_int, default=None, metavar="N",
                   help="long-polls each process holds at once; past it a terminal's or hub's "
                   "poll is answered at once and told to ask again in a few seconds (counted "
                   "in /v1/health and serve status as long_polls.refused; default: half "
                   "the process's open-file limit, at most 2000)")
    p.set_defaults(handler=serve)
    ssub = p.add_subparsers(dest="serve_action", metavar="ACTION")
    s = ssub.add_parser("init-tls", parents=[common],
                        help="make a hall CA and a server certificate in DATA_DIR/tls")
    s.add_argument("--host", action="append", dest="hosts", metavar="NAME",
                   help="a name or address terminals reach the server by (repeatable), added to "
                   "those its certificate already covers (first time: localhost, 127.0.0.1 and "
                   "this machine's name); nothing is rewritten when all are covered")
    s.add_argument("--new-ca", action="store_true", help="replace an existing hall CA")
    s.set_defaults(handler=init_tls)
    for name, fn, text in (("enroll-code", enroll_code, "print a one-time enrollment code"),
                           ("revoke", revoke, "revoke a terminal's credentials")):
        s = ssub.add_parser(name, parents=[common], help=text)
        s.add_argument("--hall", required=True)
        s.add_argument("--terminal", required=True)
        s.add_argument("--database", metavar="URL")
        if name == "enroll-code":
            s.add_argument("--hub", action="store_true",
                           help="a code for a hall's hub: its credential may push the events of "
                           "every terminal of that hall (and of no other)")
            s.add_argument("--department", metavar="DEPT",
                           help="with --role department: the department whose parts its "
                           "system reads and decides through the hub's department API")
            s.add_argument("--role", default="desk",
                           choices=("desk", "kiosk", "display", "department", "rater", "viewer"),
                           help="what the terminal is, which bounds the events it may send: a "
                           "kiosk issues tickets, asks for help, rates, checks in; a rating pad "
                           "(rater) only rates; a display only records its audit; a viewer "
                           "(a city's office: --hall is the prefix of its halls' ids) only "
                           "reads GET /v1/figures; a department's system only its department's "
                           "parts through the department API (default: desk)")
            s.add_argument("--window", metavar="N",
                           help="with --role rater: the window the rating pad stands at; its "
                           "credential rates that window's visits only")
        s.set_defaults(handler=fn)
    s = ssub.add_parser("directory", parents=[common],
                        help="the central platform's directory: halls, departments' seats, "
                        "public keys (prints it; --hall or --seat change it)")
    s.add_argument("--hall", metavar="HALL", help="add or change this hall (with --name, "
                   "--level, and --parent for all but a province)")
    s.add_argument("--name", metavar="NAME")
    s.add_argument("--level", choices=("province", "city", "county", "town", "village"))
    s.add_argument("--parent", metavar="HALL")
    s.add_argument("--seat", action="append", default=[], metavar="DEPT=HALL",
                   help="the hall that decides this department's parts (repeatable)")
    s.add_argument("--database", metavar="URL")
    s.set_defaults(handler=directory)
    s = ssub.add_parser("user", help="the hall's accounts, made on its hub")
    usub = s.add_subparsers(dest="user_action", metavar="ACTION")
    u = usub.add_parser("add", parents=[common],
                        help="make a hall account on this hub (its first admin), before its "
                        "first start or while it runs; password on stdin; terminals hear of it "
                        "when they sync")
    u.add_argument("user")
    u.add_argument("--role", required=True, choices=["admin", "supervisor", "clerk"])
    u.add_argument("--hall", required=True)
    u.add_argument("--database", metavar="URL")
    u.set_defaults(handler=user_add)
    s = ssub.add_parser("status", parents=[common],
                        help="is the hub up, its terminals, their last sync and pending events, "
                        "the upstream link (read-only)")
    s.add_argument("--url", metavar="URL",
                   help="the hub to ask (default: https://127.0.0.1:PORT with DATA_DIR/tls, "
                   "else http://)")
    s.add_argument("--port", type=port, default=8470)
    s.add_argument("--ca", metavar="FILE", help="the CA to trust (default: DATA_DIR/tls/ca.pem)")
    s.add_argument("--database", metavar="URL")
    s.add_argument("--timezone", metavar="ZONE", help="the hall's timezone for the times shown "
                   "(default: config.json of DATA_DIR, else Asia/Shanghai)")
    s.set_defaults(handler=status)
    s = ssub.add_parser("retention", parents=[common],
                        help="delete events older than --keep-days that no hall still needs "
                        "(pull marks, forward mark, each stream's newest, parts routed to a "
                        "hall that has not read them), then VACUUM")
    s.add_argument("--database", metavar="URL")
    s.add_argument("--keep-days", type=positive_int, required=True, metavar="N")
    s.add_argument("--dry-run", action="store_true", help="say what would go, delete nothing")
    s.set_defaults(handler=retention)
    from cli import figures_cmd  # a city's view of its halls' figures (issue 27)

    figures_cmd.register(ssub, common)
    s = ssub.add_parser("enroll", parents=[common],
                        help="enroll this hub with its upstream (a code from `serve enroll-code "
                        "--hub` on the central platform)")
    s.add_argument("--upstream", required=True, metavar="URL")
    s.add_argument("--code", required=True)
    s.add_argument("--ca", metavar="FILE", help="the upstream's CA to pin (https://)")
    s.add_argument("--insecure", action="store_true",
                   help="allow plain HTTP to a non-loopback upstream")
    s.set_defaults(handler=enroll_hub)


def serve(args: argparse.Namespace) -> Result:
    from hall.errors import ConfigError
    from sync.server.run import serve as run

    if args.upstream and args.role != "hub":
        raise ConfigError("--upstream is for a hub (--role hub): the central platform has none",
                          code="upstream_role")
    if args.hall and args.role != "hub":
        raise ConfigError("--hall is for a hub (--role hub): the central platform serves many "
                          "halls", code="hall_role")
    from sync.server.peers import networks

    try:
        networks(args.trusted_proxies)
    except ValueError as exc:
        raise ConfigError(str(exc), code="trusted_proxy") from exc
    from sync.server.limits import BURST, RATE
    from sync.server.long_polls import MAX_LONG_POLLS

    folder = data_dir(args.data_dir)
    run(folder, args.database, args.role, args.host, args.port, args.upstream,
        tls_cert=args.tls_cert, tls_key=args.tls_key, insecure=args.insecure,
        rate=RATE if args.rate is None else args.rate,
        burst=BURST if args.burst is None else args.burst, hall=args.hall,
        trusted_proxies=args.trusted_proxies, api_docs=args.api_docs, workers=args.workers,
        pool_size=args.pool_size, max_overflow=args.max_overflow,
        max_long_polls=MAX_LONG_POLLS if args.max_long_polls is None else args.max_long_polls)
    return {"stopped": True, "role": args.role}, "server stopped"


def status(args: argparse.Namespace) -> Result:
    from sync.server import status as hub

    folder = data_dir(args.data_dir)
    url, ca = hub.default_url(folder, args.port)
    url = args.url or url
    ca = Path(args.ca) if args.ca else ca
    probe = hub.probe(url, ca)
    from sync.server.db import database_errors

    with database_errors(args.database or ""):
        result, zone = _status_of(folder, args, url, probe)
    return result, hub.describe(result, zone)


def _status_of(folder: Path, args: argparse.Namespace, url: str,
               probe: Any) -> tuple[dict[str, Any], ZoneInfo]:
    from sync.server import status as hub

    engine = hub.open_readonly(folder, args.database)
    try:
        forwarding = (folder / hub.UPSTREAM_FILE).exists()
        central = engine is not None and hub.served_as(engine) == "central"
        # a central platform: per hall (a province's terminals are 20,000, its log a year)
        halls = hub.halls(engine) if central and engine is not None else None
        pool = hub.connections(engine) if central and engine is not None else None
        terminals = hub.terminals(engine, forwarding) if engine is not None and not central \
            else []
        link = hub.upstream_link(folder, engine, probe.health)
    finally:
        if engine is not None:
            engine.dispose()
    health = probe.health or {}
    zone = _hall_zone(folder, args.timezone)
    for t in terminals:  # hall time beside the milliseconds, as `sync status` speaks
        t["last_sync"] = iso_of_ms(t["last_sync_ms"], zone) if t["last_sync_ms"] else None
    result = {"url": url, "up": probe.up, "error": probe.error, "role": health.get("role"),
              "epoch": health.get("epoch"), "database": engine is not None,
              "timezone": zone.key, "terminals": terminals, "upstream": link}
    if health.get("long_polls") is not None:  # the answering process's (one of --workers N)
        result["long_polls"] = health["long_polls"]
    if halls is not None:
        for h in halls:
            h["last_push"] = iso_of_ms(h["last_push_ms"], zone) if h["last_push_ms"] else None
        result["halls"] = halls
    if pool is not None:
        result["connections"] = pool  # max_connections >= processes x per_process (+ admin)
    return result, zone


def retention(args: argparse.Namespace) -> Result:
    from sync.server import retention as keep

    engine = _engine(args, existing=True)
    try:
        done = keep.run(engine, args.keep_days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    lines = [f"{h['hall']}: {'would remove' if args.dry_run else 'removed'} "
             f"{h['remove'] if args.dry_run else h['removed']}, kept {h['keep']} (held by "
             f"{h['held_by']}{' ' + h['held_by_terminal'] if h['held_by_terminal'] else ''})"
             + (f"; cursors of {', '.join(h['restart'])} go stale (410: they start over)"
                if h["restart"] else "")
             + (f"; {h['kept_unread_routes']} routed to halls that have not read them yet "
                f"({', '.join(h['unread_by'])})" if h["kept_unread_routes"] else "")
             for h in done["halls"]]
    rate = f", {done['rows_per_s']} rows/s" if done["rows_per_s"] else ""
    lines.append(f"{'would remove' if args.dry_run else 'removed'} "
                 f"{done['remove'] if args.dry_run else done['removed']} events, kept "
                 f"{done['kept']}{rate}" + (f"; {done['vacuum']}" if done["vacuum"] else ""))
    return done, "\n".join(lines)


def _hall_zone(folder: Path, name: str | None) -> ZoneInfo:
    """The hall's timezone: --timezone, else the data dir's config.json (a hub set up beside a
    terminal), else the default zone. A hub's machine clock may be UTC; the hall's is not."""
    from zoneinfo import ZoneInfoNotFoundError

    from cli import UsageError
    from hall import config as config_file
    from hall.errors import ConfigError

    if name is not None:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UsageError(f"--timezone {name!r}: not a timezone (e.g. Asia/Shanghai)") \
                from exc
    try:
        return config_file.load(folder).zone
    except ConfigError:
        return ZoneInfo(config_file.DEFAULT_TIMEZONE)


def init_tls(args: argparse.Namespace) -> Result:
    from sync.tls import init_tls as make

    folder = data_dir(args.data_dir)
    made = make(folder, args.hosts, replace=args.new_ca)
    result = {"ca": str(made.ca_cert), "cert": str(made.cert), "key": str(made.key),
              "ca_fingerprint": made.fingerprint, "hosts": list(made.hosts),
              "changed": made.changed}
    covers = (("a new server certificate for " if made.changed else
               "the server certificate already covers ") + " ".join(made.hosts))
    return result, (f"hall CA {made.ca_cert} (SHA-256 {made.fingerprint})\n{covers}\n"
                    f"serve with: --tls-cert {made.cert} --tls-key {made.key}\n"
                    f"enroll terminals with: sync enroll --server https://HOST:PORT --code CODE "
                    f"--ca {made.ca_cert.name} (a copy of {made.ca_cert})")


def _engine(args: argparse.Namespace, *, existing: bool = False) -> Any:
    """The server database; `existing`: a command that only reads or removes (a directory
    printed, retention, a revoke) refuses a data dir with none rather than make an empty one
    there (a mistyped --data-dir would answer "nothing" from a new database)."""
    from sync.server.db import SERVER_DB, database_url, open_engine

    folder = data_dir(args.data_dir)
    if existing and not args.database and not (folder / SERVER_DB).is_file():
        from hall.errors import ConfigError

        raise ConfigError(f"{folder} holds no server database ({SERVER_DB}): name the hub's or "
                          "the platform's data dir (--data-dir) or its --database",
                          code="no_server_database", params={"data_dir": str(folder)})
    return open_engine(database_url(folder, args.database))


def enroll_code(args: argparse.Namespace) -> Result:
    from sync.server.db import new_enroll_code

    engine = _engine(args)
    try:
        if (args.role == "department") != (args.department is not None) or (
                args.hub and args.role == "department"):
            from hall.errors import ConfigError

            raise ConfigError("--role department goes with --department DEPT (and not --hub)",
                              code="usage")
        if (args.role == "rater") != (args.window is not None) or (args.hub and args.window):
            from hall.errors import ConfigError

            raise ConfigError("--role rater goes with --window N (the pad's window), and "
                              "--window with --role rater only", code="usage")
        if args.window is not None:
            from cli import UsageError
            from hall.errors import DomainError
            from hall.windows import check_window_name

            try:
                args.window = check_window_name(args.window)
            except DomainError as exc:
                raise UsageError(f"--window {args.window[:40]!r}: {exc.message}") from exc
        if args.role == "department":
            from sync.server import department_api

            code = department_api.new_code(engine, args.hall, args.terminal, args.department)
        else:
            code = new_enroll_code(engine, args.hall, args.terminal, hub=args.hub,
                                   role=args.role, window=args.window)
    finally:
        engine.dispose()
    from hall.ids import normal_id

    return ({"code": code, "hall": normal_id(args.hall), "terminal": normal_id(args.terminal),
             "scope": "hub" if args.hub else "terminal", "role": args.role,
             **({"department": args.department} if args.department else {}),
             **({"window": args.window} if args.window else {}),
             "expires_in_s": 86400}, code)


def directory(args: argparse.Namespace) -> Result:
    """`serve directory`: change the directory as asked (a hall, then seats), then print it."""
    from hall.errors import ConfigError
    from sync.server import directory as book

    if args.hall is not None and (args.name is None or args.level is None):
        raise ConfigError("--hall needs --name and --level", code="usage")
    if args.hall is None and (args.name or args.level or args.parent):
        raise ConfigError("--name, --level and --parent go with --hall", code="usage")
    seats = [book.parse_seat(text) for text in args.seat]
    engine = _engine(args, existing=args.hall is None and not seats)
    try:
        if args.hall is not None:
            book.put_hall(engine, args.hall, args.name, args.level, args.parent)
        if seats:
            book.put_seats(engine, seats)
        now = book.read(engine)
    finally:
        engine.dispose()
    lines = [f"{h['hall']}  {h['name']}  {h['level']}  parent={h['parent'] or '-'}  "
             f"key={h['kid'] or '-'}" for h in now["halls"]]
    lines += [f"{dept} = {hall}" for dept, hall in now["seats"].items()]
    return now, "\n".join(lines) or "the directory is empty"


def revoke(args: argparse.Namespace) -> Result:
    from sync.server.db import revoke as do_revoke

    engine = _engine(args, existing=True)
    try:
        count = do_revoke(engine, args.hall, args.terminal)
    finally:
        engine.dispose()
    return {"revoked": count}, f"{count} credential(s) revoked"


def enroll_hub(args: argparse.Namespace) -> Result:
    """Spend a hub code from the upstream; the credential goes to DATA_DIR/upstream.json (0600)."""
    from hall.errors import DomainError
    from sync import credential, enrollment, tls
    from sync.server.run import UPSTREAM_FILE

    folder = data_dir(args.data_dir)
    url = args.upstream.rstrip("/")
    got = enrollment.spend(url, args.code, ca=args.ca, insecure=args.insecure)
    if got.scope != "hub":
        raise DomainError(f"this code enrolls terminal {got.terminal_id} of hall {got.hall_id}, "
                          "not a hub: create it with `serve enroll-code --hub` on the upstream",
                          code="not_a_hub_code")
    folder.mkdir(parents=True, exist_ok=True)
    ca = tls.pin(folder, args.ca, "upstream-ca.pem").name if args.ca else None
    credential.save(folder, credential.SyncCredential(url, got.token, got.hall_id,
                                                      got.terminal_id, ca=ca,
                                                      insecure=args.insecure), UPSTREAM_FILE)
    return ({"enrolled": True, "upstream": url, "hall": got.hall_id, "hub": got.terminal_id},
            f"hub {got.terminal_id} of hall {got.hall_id} enrolled with {url}; run "
            f"`serve --role hub --upstream {url}`")


def user_add(args: argparse.Namespace) -> Result:
    """Only the scrypt hash reaches the hub's database and its terminals."""
    from cli.context import read_secret
    from hall.errors import DomainError
    from hall.ids import normal_id
    from hall.security.access import MIN_PASSWORD, check_strength, hash_secret, normal_user
    from sync.server import authority
    from sync.server.db import HUB, HubHallError, serve_as

    user = normal_user(args.user)
    if not user or len(user) > 32 or not all(
            c.isascii() and (c.isalnum() or c in "-_.") for c in user):
        raise DomainError("a user name is 1-32 ASCII letters, digits, '-', '_' or '.'",
                          code="bad_user")
    password = read_secret(f"new password of {user}: ")
    check_strength(password, MIN_PASSWORD, "password")
    hall = normal_id(args.hall)
    engine = _engine(args)
    try:
        try:
            fixed = serve_as(engine, HUB, hall)
        except HubHallError as exc:
            raise DomainError(str(exc), code="hub_hall", params={"hall": hall}) from exc
        authority.add_user(engine, fixed or hall, user, args.role, hash_secret(password))
    finally:
        engine.dispose()
    return ({"user": {"user": user, "role": args.role}, "hall": hall},
            f"account {user} ({args.role}) made for hall {hall}; terminals hear of it when "
            "they sync")
