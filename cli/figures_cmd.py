"""serve figures: a city's view of its halls' figures on the central platform, read from the
platform's database (the operator on its host; read-only, like `serve status`). Registered by
cli.serve_cmd. Over HTTP, a viewer credential reads the same from GET /v1/figures.

    serve figures --day YYYY-MM-DD (--scope PREFIX | --hall H …) [--database URL] --json
"""

from __future__ import annotations

import argparse
from typing import Any

Result = tuple[dict[str, Any], str | None]


def register(ssub: Any, common: argparse.ArgumentParser) -> None:
    s = ssub.add_parser("figures", parents=[common],
                        help="好差评 and cases per hall of a city (or any halls) for a day, from "
                        "the platform's database")
    s.add_argument("--day", required=True, metavar="YYYY-MM-DD")
    who = s.add_mutually_exclusive_group(required=True)
    who.add_argument("--scope", metavar="PREFIX",
                     help="every hall whose id is PREFIX or starts with PREFIX- (a city)")
    who.add_argument("--hall", action="append", metavar="H", help="a hall (repeat)")
    s.add_argument("--today", metavar="YYYY-MM-DD",
                   help="judge follow-ups overdue as of this day (default: --day)")
    s.add_argument("--database", metavar="URL")
    s.set_defaults(handler=figures)


def figures(args: argparse.Namespace) -> Result:
    from datetime import date

    from cli import UsageError
    from hall.ids import normal_id
    from hall.location import data_dir
    from sync.server import figures as count
    from sync.server import status

    for name in ("day", "today"):
        value = getattr(args, name)
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise UsageError(f"--{name} {value!r}: expected YYYY-MM-DD") from exc
    engine = status.open_readonly(data_dir(args.data_dir), args.database)
    if engine is None:
        out: dict[str, Any] = {"day": args.day, "halls": {}, "total": {"count": 0, "halls": 0}}
    else:
        try:
            halls = (count.halls_in(engine, args.scope) if args.scope
                     else [normal_id(h) for h in args.hall])
            out = count.count(engine, halls, args.day, args.today)
        finally:
            engine.dispose()
    out["scope"] = args.scope or ",".join(args.hall)
    lines = [f"{h}: {f['count']} ratings, mean {f['mean']}, 差评 {f['bad']}, "
             f"follow-ups {f['follow_ups']['closed']}/{f['follow_ups']['opened']} closed, "
             f"{f['follow_ups']['overdue']} overdue; cases accepted {f['cases']['accepted']}"
             for h, f in out["halls"].items()]
    # the city's departments across its halls (a rating counts for each department of its
    # matter or case: the lines may add up to more ratings than the halls')
    lines += [f"{d}: {f['count']} ratings, mean {f['mean']}, 差评 {f['bad']}"
              for d, f in out["total"].get("per_department", {}).items()]
    return out, "\n".join(lines) or "no halls"
