"""admin rebuild | check | … | close-day: for the hall's IT technician."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.common import acting_option, common_options, positive_int
from cli.context import acting, open_hall

Result = tuple[dict[str, Any], str | None]


def register(sub: Any) -> None:
    common = common_options()
    who = acting_option()
    admin = sub.add_parser("admin", help="maintenance of the terminal store")
    asub = admin.add_subparsers(dest="action", metavar="ACTION")
    p = asub.add_parser("rebuild", parents=[common, who],
                        help="rebuild every projection from the event log")
    p.set_defaults(handler=rebuild)
    p = asub.add_parser("check", parents=[common], help="integrity of the store and the log")
    p.set_defaults(handler=check)
    p = asub.add_parser("encrypt-store", parents=[common],
                        help="encrypt an old unencrypted store in place (SQLCipher)")
    p.set_defaults(handler=encrypt_store)
    p = asub.add_parser("rotate-key", parents=[common, who],
                        help="re-key the store and re-seal personal fields (resumable)")
    p.add_argument("--batch", type=positive_int, default=500, help="rows re-sealed per transaction")
    p.set_defaults(handler=rotate_key)
    p = asub.add_parser("purge", parents=[common, who],
                        help="erase personal data of visits finished before the retention period")
    p.add_argument("--days", type=positive_int, help="retention period in days (default: security.json, "
                   "180)")
    p.add_argument("--dry-run", action="store_true", help="count only")
    p.set_defaults(handler=purge)
    p = asub.add_parser("export", parents=[common, who], help="the cases as JSON lines, masked")
    p.add_argument("--out", required=True, type=Path, help="file to write")
    p.set_defaults(handler=export)
    from cli import backup_cmd, close_day_cmd  # admin backup | restore, admin close-day

    backup_cmd.register(asub, common)
    close_day_cmd.register(asub, common, who)


def rebuild(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    report = acting(hall, args).admin.rebuild().value
    verdict = "identical" if report.identical else f"differ in {', '.join(report.changed)}"
    return {"rebuild": report.to_json()}, f"replayed {report.events} events; projections {verdict}"


def check(args: argparse.Namespace) -> Result:
    """Exit 0 only when the file, the log and the projections all check out; else exit 1 with
    the report (`{"error": "store_check_failed", "message": …, "check": {…}}`)."""
    from cli.output import Failed

    hall = open_hall(args, damaged_ok=True)
    try:
        report = hall.maintenance.check()
    finally:
        hall.close()
    logs = ", ".join(f"{s.terminal}: {s.events} events"
                     + ("" if s.gap_free else f" ({s.missing} MISSING)") for s in report.streams)
    if report.ok:
        cleared = "; the earlier damage mark is lifted" if report.damage_cleared else ""
        return {"check": report.to_json()}, (
            f"integrity ok; log gap-free ({logs or 'no events'}); projections match a replay "
            f"of {report.replayed} events{cleared}")
    raise Failed("store_check_failed",
                 "the store does not check out: " + "; ".join(report.problems())
                 + ". Restore the data directory from a backup (`admin restore`)",
                 {"check": report.to_json()})


def encrypt_store(args: argparse.Namespace) -> Result:
    from cli.common import data_dir
    from hall.store import STORE_FILE
    from hall.store.engine import encrypt_plain

    path = data_dir(args.data_dir) / STORE_FILE
    size = encrypt_plain(path)
    return {"encrypted": {"store": str(path), "bytes": size}}, f"{path} is now encrypted"


def rotate_key(args: argparse.Namespace) -> Result:
    """Runs on the store itself (it re-keys the file): the operator's, audited after."""
    from cli.common import data_dir
    from hall import config as config_file
    from hall.security.rotation import rotate

    folder = data_dir(args.data_dir)
    config = config_file.load(folder)
    hall = open_hall(args)
    try:
        checked = acting(hall, args)
        checked.require("rotate_key", "rotate_key")
    finally:
        hall.close()
    report = rotate(folder, config.hall_id, batch=max(1, args.batch))
    result = {"store_rekeyed": report.store_rekeyed, "store_pages": report.store_pages,
              "store_seconds": round(report.store_seconds, 3),
              "fields_resealed": report.fields_resealed, "rows": report.rows_rewritten,
              "reseal_seconds": round(report.reseal_seconds, 3),
              "records_per_s": round(report.records_per_s, 1), "resumed": report.resumed,
              "data_key": report.data_kid}
    hall = open_hall(args)
    try:
        hall.same_actor(checked).audit("rotate_key", hall.config.terminal_id, detail={
            "data_key": report.data_kid, "fields": report.fields_resealed})
    finally:
        hall.close()
    resumed = " (resumed an interrupted rotation)" if report.resumed else ""
    return {"rotate_key": result}, (
        f"store re-keyed ({report.store_pages} pages) and {report.fields_resealed} sealed "
        f"fields re-sealed under data key {report.data_kid}{resumed}")


def purge(args: argparse.Namespace) -> Result:
    hall = open_hall(args)
    report = acting(hall, args).admin.purge(days=args.days, dry_run=args.dry_run).value
    verb = "would erase" if args.dry_run else "erased"
    return {"purge": report.to_json()}, (
        f"{verb} the personal data of {report.cases} cases and {report.ratings} rating comments "
        f"finished before {report.cutoff[:10]} ({report.days} days)")


def export(args: argparse.Namespace) -> Result:
    """Cases with masked applicants only: an export never holds a plain personal field."""
    hall = open_hall(args)
    report = acting(hall, args).admin.export_cases(args.out).value
    return {"export": report.to_json()}, (
        f"{report.cases} cases written to {report.file} (masked)")
