"""admin rebuild | check: for the hall's IT technician."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import common_options
from cli.context import open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    admin = sub.add_parser("admin", help="maintenance of the terminal store")
    asub = admin.add_subparsers(dest="action", metavar="ACTION")
    p = asub.add_parser("rebuild", parents=[common],
                        help="rebuild every projection from the event log")
    p.set_defaults(handler=rebuild)
    p = asub.add_parser("check", parents=[common], help="integrity of the store and the log")
    p.set_defaults(handler=check)
    p = asub.add_parser("encrypt-store", parents=[common],
                        help="encrypt an old unencrypted store in place (SQLCipher)")
    p.set_defaults(handler=encrypt_store)


def rebuild(args: argparse.Namespace) -> Result:
    from hall.store.projections import digest
    from hall.store.projections import rebuild as replay

    hall = open_hall(args)
    before = digest(hall.store.conn)
    with hall.store.write() as conn:
        count = replay(conn)
        after = digest(conn)
    identical = before == after
    changed = sorted(t for t in after if before[t] != after[t])
    result = {"events": count, "identical": identical, "tables": after, "changed": changed}
    verdict = "identical" if identical else f"differ in {', '.join(changed)}"
    return {"rebuild": result}, f"replayed {count} events; projections {verdict}"


def check(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    conn = hall.store.conn
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    gaps = conn.execute(
        "SELECT terminal_id, COUNT(*), MIN(terminal_seq), MAX(terminal_seq) FROM events "
        "GROUP BY terminal_id").fetchall()
    terminals = {t: {"events": n, "first_seq": lo, "last_seq": hi, "gap_free": n == hi - lo + 1}
                 for t, n, lo, hi in gaps}
    ok = integrity == "ok" and all(v["gap_free"] for v in terminals.values())
    text = f"integrity {integrity}; " + ", ".join(
        f"{t}: {v['events']} events{' (GAP)' if not v['gap_free'] else ''}"
        for t, v in terminals.items())
    return {"check": {"ok": ok, "integrity": integrity, "terminals": terminals}}, text


def encrypt_store(args: argparse.Namespace) -> Result:
    from cli.common import data_dir
    from hall.store import STORE_FILE
    from hall.store.engine import encrypt_plain

    path = data_dir(args.data_dir) / STORE_FILE
    size = encrypt_plain(path)
    return {"encrypted": {"store": str(path), "bytes": size}}, f"{path} is now encrypted"
