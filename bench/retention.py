"""Retention on the central platform: rows per second `serve retention` deletes (in its batches,
each its own transaction, then VACUUM (ANALYZE)), against PostgreSQL's own single
`DELETE … WHERE hall_id = … AND pos <= …` of the same rows in the same process (the baseline).

    bench/retention.py [--halls 20] [--events 5000] [--batch 5000] [--database URL] [--smoke]

Each hall's log is filled by direct inserts (the push path is measured by bench/province.py),
aged past the kept days; half the halls go through retention.run, the other half through the
one-statement delete. One event in 100 of retention's halls is filed as routed to a hall that
has not read its inbox (kept: `kept_unread_routes`), so each batch pays its check.
A throwaway PostgreSQL (as the tests start) unless `--database URL`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from sqlalchemy import delete, insert, select, update  # noqa: E402

from sync.server import db, retention, routing  # noqa: E402
from sync.server.tables import events  # noqa: E402

OLD = 400 * retention.DAY_MS


def fill(engine: object, halls: list[str], per_hall: int) -> None:
    now = db.now_ms()
    with engine.begin() as conn:  # type: ignore[attr-defined]
        for h in halls:
            for start in range(0, per_hall, 1000):
                conn.execute(insert(events), [
                    {"event_id": str(uuid.uuid4()), "hall_id": h, "terminal_id": f"T{s % 5}",
                     "terminal_seq": s // 5 + 1, "hlc": now << 16, "type": "WindowConfigured",
                     "schema_version": 1, "payload": '{"window":"1","services":null}',
                     "received_ms": now - OLD, "pushed_by": None}
                    for s in range(start, min(start + 1000, per_hall))])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--halls", type=int, default=20)
    ap.add_argument("--events", type=int, default=5000, help="events per hall")
    ap.add_argument("--batch", type=int, default=retention.BATCH)
    ap.add_argument("--database", metavar="URL")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if args.smoke:
        args.halls, args.events, args.batch = 4, 500, 200
    cluster = None
    url = args.database
    if url is None:
        from tests.sync import pg

        cluster = pg.Cluster()
        url = cluster.url()
    engine = db.open_engine(url)
    try:
        halls = [f"R{i:04d}" for i in range(args.halls)]
        fill(engine, halls, args.events)
        kept = halls[: args.halls // 2]  # these halls pulled lately: they hold the rest back
        with engine.begin() as conn:
            conn.execute(update(events).where(events.c.hall_id.in_(kept))
                         .values(received_ms=db.now_ms()))
        baseline_halls = halls[args.halls // 2:][: max(1, (args.halls - len(kept)) // 2)]
        ours_halls = [h for h in halls[args.halls // 2:] if h not in baseline_halls]
        routing.ensure(engine)
        with engine.begin() as conn:  # routed, unread: retention must keep them
            unread = [int(pos) for pos in conn.execute(
                select(events.c.pos).where(events.c.hall_id.in_(ours_halls))
                .order_by(events.c.pos)).scalars()][::100]
            if unread:
                conn.execute(insert(routing.filed), [
                    {"to_hall": "DEST", "seq": i + 1, "pos": pos}
                    for i, pos in enumerate(unread)])
        started = time.perf_counter()
        base_rows = 0
        for h in baseline_halls:  # one statement per hall, no floor, no batches, no vacuum
            with engine.begin() as conn:
                base_rows += conn.execute(delete(events).where(events.c.hall_id == h)).rowcount
        base_s = time.perf_counter() - started
        done = retention.run(engine, 30, batch=args.batch)
        rate = done["rows_per_s"] or 0
        base_rate = round(base_rows / base_s) if base_s else 0
        print(f"retention: removed {done['removed']} of {done['removed'] + done['kept']} rows "
              f"({len(ours_halls)} halls old, {len(kept)} halls recent) in {done['seconds']} s "
              f"(batches of {args.batch}): {rate} rows/s; then {done['vacuum']} "
              f"{done['vacuum_seconds']} s; kept {done['kept_unread_routes']} routed, unread "
              f"(of {len(unread)} filed)")
        print(f"baseline (one DELETE per hall, {len(baseline_halls)} halls): {base_rows} rows in "
              f"{base_s:.3f} s: {base_rate} rows/s; ratio {rate / base_rate:.2f}"
              if base_rate else "baseline: nothing deleted")
        print(f"load average {os.getloadavg()[0]:.1f} (the machine is shared)")
    finally:
        engine.dispose()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
