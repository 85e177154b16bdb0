"""sync [--once|--forever], sync status, sync enroll: the terminal's side of sync."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import common_options, data_dir, seconds

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    p = sub.add_parser("sync", parents=[common], help="sync with the hub (once, or as a service)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="push, top up leases, pull; then exit")
    mode.add_argument("--forever", action="store_true", help="run until SIGINT/SIGTERM")
    p.add_argument("--wait", type=seconds, default=None,
                   help="long-poll seconds (default: 0 with --once, 10 with --forever)")
    p.set_defaults(handler=run)
    ssub = p.add_subparsers(dest="sync_action", metavar="ACTION")
    s = ssub.add_parser("status", parents=[common], help="pending events, last success, errors")
    s.set_defaults(handler=status)
    s = ssub.add_parser("enroll", parents=[common], help="enroll with a one-time code")
    s.add_argument("--server", metavar="URL",
                   help="the hub (default: the one `setup --hub URL` named)")
    s.add_argument("--code", required=True)
    s.add_argument("--ca", metavar="FILE",
                   help="the hall CA (ca.pem from `serve init-tls`): pinned, the only CA this "
                   "terminal trusts for this server (required for https://)")
    s.add_argument("--insecure", action="store_true",
                   help="allow plain HTTP to a non-loopback server (a trusted network only)")
    s.add_argument("--replace-keys", action="store_true",
                   help="take the hub's hall keys even though this terminal has others (only "
                   "for a terminal whose sealed data may be lost)")
    s.set_defaults(handler=enroll)
    s = ssub.add_parser("directory", parents=[common],
                        help="fetch the platform's directory (halls, seats, public keys) and pin "
                        "it; a station enrolled straight with the platform publishes its hall "
                        "key first")
    s.set_defaults(handler=fetch_directory)


def run(args: argparse.Namespace) -> Result:
    from cli.context import open_hall
    from sync import credential, runner

    folder = data_dir(args.data_dir)
    cred = credential.load(folder)
    if args.forever:
        import signal
        import threading

        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        wait = 10.0 if args.wait is None else args.wait
        totals = runner.run_forever(lambda: open_hall(args), cred, stop, wait=wait)
        hall = open_hall(args)
        try:
            pending = hall.operator_session().sync_status().pending
        finally:
            hall.close()
        result = {**totals, "pending": pending, "stopped": True}
        return result, f"sync stopped: pushed {totals['pushed']}, pulled {totals['pulled']}"
    hall = open_hall(args)
    try:
        result = runner.once(hall, cred, wait=args.wait or 0.0)
    finally:
        hall.close()
    return result, (f"pushed {result['pushed']}, pulled {result['pulled']}, pending "
                    f"{result['pending']}, rejected {result['rejected']}")


def status(args: argparse.Namespace) -> Result:
    """What a technician reads: whether this terminal syncs at all (a standalone station does
    not; a member syncs once enrolled), with whom, what waits to be sent, and when it last
    worked or failed, in hall time."""
    from cli.context import open_hall
    from hall.timefmt import iso_of_ms
    from sync import credential

    hall = open_hall(args)
    try:
        state = hall.operator_session().sync_status().to_json()
        zone = hall.config.zone
        numbering = hall.config.numbering
    finally:
        hall.close()
    folder = data_dir(args.data_dir)
    state["server"] = credential.load(folder).server if credential.exists(folder) else None
    state["numbering"] = numbering

    def when(ms: int | None) -> str | None:
        return None if ms is None else iso_of_ms(ms, zone)

    state["last_success"] = when(state["last_success_ms"])
    if state["last_error"]:
        state["last_error"]["at"] = when(state["last_error"].get("at_ms"))
    waiting = f"{state['pending']} events not yet sent"
    if state["server"] is None and numbering == "standalone":
        lines = ["standalone station (set up --standalone): it syncs with no hub; "
                 f"{waiting} (they stay here; `sync enroll` would join a hub and send them)"]
    elif state["server"] is None:
        lines = [f"not enrolled with a hub yet: {waiting}; enroll with `sync enroll --server "
                 "URL --code CODE` (a code from `serve enroll-code` on the hub)"]
    else:
        shown = (state["last_success"] or "never")[:19].replace("T", " ")
        lines = [f"hub {state['server']}: {'online' if state['online'] else 'offline'}; "
                 f"{waiting}; last success {shown}"]
    if state["last_error"]:
        at = (state["last_error"]["at"] or "")[:19].replace("T", " ")
        lines.append(f"last error ({at}): {state['last_error']['message']}")
    if state["peers"]:
        heard = ", ".join(f"{p['terminal']} ({(when(p['last_contact_ms']) or '')[11:19]})"
                          if p["last_contact_ms"] else f"{p['terminal']} (never)"
                          for p in state["peers"])
        lines.append(f"hub {'reachable' if state['hub_reachable'] else 'not reachable'}; "
                     f"peers last heard: {heard}")
        for p in state["peers"]:
            if p["last_contact_ms"]:
                p["last_contact"] = when(p["last_contact_ms"])
    lines += [f"rejected seq {r['terminal_seq']} {r['type']}: {r['reason']}"
              for r in state["rejected"]]
    lines += [f"conflict ({c['kind']}): {c['detail']}" for c in state["conflicts"]]
    return state, "\n".join(lines)


def enroll(args: argparse.Namespace) -> Result:
    from hall import config as config_file
    from hall.errors import DomainError
    from hall.security import keys
    from sync import credential, enrollment, tls

    if args.server:
        tls.check_url(args.server.rstrip("/"), insecure=args.insecure, ca=args.ca)  # first
    folder = data_dir(args.data_dir)
    cfg = config_file.load(folder)
    if not (args.server or cfg.hub_url):
        from hall.errors import ConfigError

        raise ConfigError("which hub? give --server URL (or name it once with `setup --hub URL`)",
                          code="no_server")
    server = (args.server or cfg.hub_url or "").rstrip("/")
    tls.check_url(server, insecure=args.insecure, ca=args.ca)  # before anything is spent
    got = enrollment.spend(server, args.code, ca=args.ca, insecure=args.insecure,
                           hall_id=cfg.hall_id, terminal_id=cfg.terminal_id)
    if (got.hall_id, got.terminal_id) != (cfg.hall_id, cfg.terminal_id):
        raise DomainError(f"this code is for terminal {got.terminal_id} of hall {got.hall_id}, "
                          f"but this is terminal {cfg.terminal_id} of hall {cfg.hall_id}",
                          code="wrong_terminal")
    differ = enrollment.differing_keys(folder, got)
    if differ and not args.replace_keys and _holds_sealed_data(args):
        raise DomainError(
            f"this terminal's hall keys ({', '.join(differ)}) differ from the hub's and its store "
            "already holds data sealed under them: rotate or set the terminal up again, or pass "
            "--replace-keys if that data may be lost", code="hall_keys_differ")
    surplus = enrollment.surplus_keys(folder, got)
    if (surplus and not args.replace_keys and set(surplus) - {keys.INDEX}
            and _holds_sealed_data(args)):
        raise DomainError(
            f"this terminal is enrolled as a {got.role}, which holds no key that opens sealed "
            f"data, but it holds {', '.join(surplus)} and its store holds sealed data: what it "
            "sealed under its own key would no longer open here (the desks open it if it was "
            "sealed under the hall's key); pass --replace-keys to drop them",
            code="opening_keys_held")
    installed = enrollment.install_keys(folder, got, replace=True)
    enrollment.drop_surplus(folder, surplus)
    ca = tls.pin(folder, args.ca).name if args.ca else None
    credential.save(folder, credential.SyncCredential(server, got.token, got.hall_id,
                                                      got.terminal_id, ca=ca,
                                                      insecure=args.insecure, role=got.role,
                                                      window=got.window))
    if _on_the_platform(server, got.token, args):
        # a station straight on the central platform (issue 24) is a hall of its own: it stays
        # as it was set up (its own numbers, its own calls) and takes in travelling cases
        from sync import travel

        travel.save_state(folder, {**travel.state(folder), "central": True})
    else:
        enrollment.join_hall(folder, server)
    note = "" if installed else " (no hall keys sent: enroll over TLS or on loopback for them)"
    return ({"enrolled": True, "server": server, "hall": got.hall_id,
             "terminal": got.terminal_id, "pinned_ca": ca, "hall_keys": installed,
             "role": got.role, **({"window": got.window} if got.window else {}),
             "dropped_keys": surplus},
            f"terminal {got.terminal_id} of hall {got.hall_id} enrolled with {server}{note}")


def _on_the_platform(server: str, token: str, args: argparse.Namespace) -> bool:
    from sync.errors import NetworkError
    from sync.transport import Http

    http = Http(server, token, ca=args.ca, insecure=args.insecure)
    try:
        health = http.request("GET", "/health")
    except NetworkError:
        return False  # as before: a member of the hall whose server this is
    finally:
        http.close()
    return isinstance(health, dict) and health.get("role") == "central"


def fetch_directory(args: argparse.Namespace) -> Result:
    from sync import credential, directory_pin
    from sync.transport import Http

    folder = data_dir(args.data_dir)
    cred = credential.load(folder)
    http = Http(cred.server, cred.token, ca=cred.ca, insecure=cred.insecure)
    try:
        got = directory_pin.refresh_station(http, folder)
    finally:
        http.close()
    return got, f"{len(got['halls'])} hall(s), {len(got['seats'])} seat(s) pinned"


def _holds_sealed_data(args: argparse.Namespace) -> bool:
    from cli.context import open_hall
    from sync.enrollment import holds_sealed_data

    hall = open_hall(args)
    try:
        return holds_sealed_data(hall)
    finally:
        hall.close()
