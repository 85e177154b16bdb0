"""admin rebuild | check: for the hall's IT technician."""

from __future__ import annotations

import argparse
from pathlib import Path
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
    p = asub.add_parser("rotate-key", parents=[common],
                        help="re-key the store and re-seal personal fields (resumable)")
    p.add_argument("--batch", type=int, default=500, help="rows re-sealed per transaction")
    p.set_defaults(handler=rotate_key)
    p = asub.add_parser("purge", parents=[common],
                        help="erase personal data of visits finished before the retention period")
    p.add_argument("--days", type=int, help="retention period (default: security.json, 180)")
    p.add_argument("--dry-run", action="store_true", help="count only")
    p.set_defaults(handler=purge)
    p = asub.add_parser("export", parents=[common], help="the cases as JSON lines, masked")
    p.add_argument("--out", required=True, type=Path, help="file to write")
    p.set_defaults(handler=export)
    from cli import backup_cmd  # admin backup | restore

    backup_cmd.register(asub, common)


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


def rotate_key(args: argparse.Namespace) -> Result:
    from cli.common import data_dir
    from hall import config as config_file
    from hall.security.rotation import rotate

    folder = data_dir(args.data_dir)
    config = config_file.load(folder)
    report = rotate(folder, config.hall_id, batch=max(1, args.batch))
    result = {"store_rekeyed": report.store_rekeyed, "store_pages": report.store_pages,
              "store_seconds": round(report.store_seconds, 3),
              "fields_resealed": report.fields_resealed, "rows": report.rows_rewritten,
              "reseal_seconds": round(report.reseal_seconds, 3),
              "records_per_s": round(report.records_per_s, 1), "resumed": report.resumed,
              "data_key": report.data_kid}
    _audit_admin(args, "rotate_key", {"data_key": report.data_kid,
                                      "fields": report.fields_resealed})
    resumed = " (resumed an interrupted rotation)" if report.resumed else ""
    return {"rotate_key": result}, (
        f"store re-keyed ({report.store_pages} pages) and {report.fields_resealed} sealed "
        f"fields re-sealed under data key {report.data_kid}{resumed}")


def _audit_admin(args: argparse.Namespace, action: str, detail: dict[str, Any]) -> None:
    """An audit entry for a maintenance command run from the OS account of the terminal."""
    import getpass

    from hall.security.audit import record

    hall = open_hall(args)
    try:
        record(hall, actor=f"os:{getpass.getuser()}", role="admin", action=action,
               target=hall.config.terminal_id, detail=detail)
    finally:
        hall.store.close()


def purge(args: argparse.Namespace) -> Result:
    import getpass

    from hall.security.retention import purge as run

    hall = open_hall(args)
    if args.days is not None and args.days < 1:
        from cli import UsageError

        raise UsageError("--days must be at least 1")
    result = run(hall, days=args.days, actor=f"os:{getpass.getuser()}", dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    return {"purge": result}, (f"{verb} the personal data of {result['cases']} cases finished "
                               f"before {result['cutoff'][:10]} ({result['days']} days)")


def export(args: argparse.Namespace) -> Result:
    """Cases with masked applicants only: an export never holds a plain personal field."""
    import getpass
    import json
    import os

    from hall.logs import redact_value
    from hall.security.audit import record

    hall = open_hall(args)
    rows = hall.store.conn.execute(
        "SELECT case_number, service_id, status, applicant_masked, accepted_ms, completed_ms, "
        "delivered_ms FROM cases ORDER BY accepted_ms").fetchall()
    keys = ("case_number", "service", "status", "applicant", "accepted_ms", "completed_ms",
            "delivered_ms")
    tmp = args.out.with_name(args.out.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for row in rows:
            item = redact_value("case", dict(zip(keys, row, strict=True)))
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    record(hall, actor=f"os:{getpass.getuser()}", role="admin", action="export",
           target=args.out.name, detail={"cases": len(rows)})
    return {"export": {"file": str(args.out), "cases": len(rows)}}, (
        f"{len(rows)} cases written to {args.out} (masked)")
