"""admin backup | restore: thin handlers over hall.backup (registered by cli.admin_cmd)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.common import data_dir

Result = tuple[dict[str, Any], str | None]


def register(asub: Any, common: argparse.ArgumentParser) -> None:
    p = asub.add_parser("backup", parents=[common],
                        help="an encrypted, consistent backup of this terminal's or hub's data "
                        "directory, taken while the program runs")
    p.add_argument("--to", required=True, type=Path, metavar="FILE", help="the backup file")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the recovery passphrase from the first line of stdin "
                   "(else it is asked for on the terminal)")
    p.set_defaults(handler=backup)
    p = asub.add_parser("restore", parents=[common],
                        help="bring a backup back into a new data directory (--data-dir)")
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the recovery passphrase from the first line of stdin")
    p.set_defaults(handler=restore)


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        from cli import UsageError

        raise UsageError("no terminal to ask the passphrase on: give --passphrase-stdin")
    import getpass

    first = getpass.getpass("recovery passphrase: ")
    if confirm and getpass.getpass("again: ") != first:
        from cli import UsageError

        raise UsageError("the two passphrases differ")
    return first


def backup(args: argparse.Namespace) -> Result:
    from hall.backup import backup as run

    folder = data_dir(args.data_dir)
    report = run(folder, args.to, _passphrase(args, confirm=True))
    result = {"file": str(report.file), "kind": report.kind, "bytes": report.bytes,
              "files": report.files, "databases": report.databases,
              "seconds": round(report.seconds, 3)}
    return {"backup": result}, (
        f"{report.kind} {folder} backed up to {report.file} ({report.bytes} bytes, "
        f"{len(report.databases)} database(s) and {report.files} files), encrypted under the "
        "recovery passphrase")


def restore(args: argparse.Namespace) -> Result:
    from hall.backup import restore as run

    if args.data_dir is None:
        from cli import UsageError

        raise UsageError("admin restore needs --data-dir NEW: the folder to restore into")
    report = run(args.source, args.data_dir, _passphrase(args, confirm=False))
    result = {"data_dir": str(report.data_dir), "kind": report.kind, "files": report.files,
              "databases": report.databases, "backup_created_ms": report.created_ms,
              "seconds": round(report.seconds, 3), "recovering": report.recovering}
    recovering = ("; its next sync takes back from the hub what it wrote after the backup, and "
                  "today it issues from a fresh series" if report.recovering else "")
    return {"restore": result}, (
        f"{report.kind} restored into {report.data_dir} ({report.files} files){recovering}; "
        f"check it with `admin check --data-dir {report.data_dir}`")
