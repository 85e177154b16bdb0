"""The clerk's 请评价 looked up: `ratings.asked()` by the ticket's key (tickets.asked_ms, migration
0010) against the former scan of the last 5000 events' payloads, in the same store and run.

    .venv/bin/python bench/ratings.py [--history 200000] [--lookups 2000] [--smoke]

A store of `history` events (tickets issued, one in 20 asked for a rating) is written in bulk
into a real SQLCipher store; then, interleaved turn by turn, each lookup asks the indexed read and
the scan (the query hall/ratings.py used before) about a ticket asked near the log's end, one
asked long ago (the scan's window misses it: the old lookup said "not asked"), and one never
asked (the scan's worst case, all 5000 rows read). Prints p50/p99 per kind and the scan/indexed
ratio of the medians; the old scan's wrong answers on old asks are counted too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from bench.figures import pct  # noqa: E402
from bench.machine import describe  # noqa: E402
from hall.ids import new_id  # noqa: E402
from hall.ratings import asked  # noqa: E402
from hall.store import Store  # noqa: E402

# the lookup hall/ratings.py made before migration 0010 (the baseline)
SCAN = ("SELECT 1 FROM events WHERE type = 'RatingAsked' AND pos > "
        "(SELECT COALESCE(MAX(pos), 0) FROM events) - ? "
        "AND json_extract(payload, '$.ticket_id') = ? LIMIT 1")
SCAN_WITHIN = 5000
ASK_EVERY = 20


def fill(store: Store, count: int) -> tuple[list[str], list[str], list[str]]:
    """`count` events: tickets issued, every ASK_EVERY-th one asked for its rating; returns the
    tickets asked recently (the last 2000 events), asked long ago, and never asked."""
    events: list[tuple[object, ...]] = []
    tickets: list[tuple[object, ...]] = []
    recent: list[str] = []
    old: list[str] = []
    never: list[str] = []
    seq = 0
    base_ms = 1_767_225_600_000
    i = 0
    while seq < count:
        tid = new_id()
        day = "2026-01-01"
        ms = base_ms + seq * 1000
        seq += 1
        events.append((new_id(), "H1", "D1", seq, ms << 16, "TicketIssued", 1, json.dumps(
            {"ticket_id": tid, "service_id": "newborn", "series": "A", "number": i + 1,
             "label": f"A{i + 1:03d}", "day": day, "priority": "regular",
             "issued_at": f"{day}T09:00:00.000+08:00"})))
        asked_ms = None
        if i % ASK_EVERY == 0 and seq < count:
            seq += 1
            asked_ms = ms + 500
            events.append((new_id(), "H1", "D1", seq, (ms + 500) << 16, "RatingAsked", 1,
                           json.dumps({"ticket_id": tid, "window": "1",
                                       "at": f"{day}T09:00:00.500+08:00"})))
            (recent if seq > count - 2000 else old).append(tid)
        elif i % ASK_EVERY == 1:
            never.append(tid)
        tickets.append((tid, "H1", day, "A", i + 1, f"A{i + 1:03d}", "newborn", "regular", 0,
                        "done", "D1", ms, asked_ms))
        i += 1
    with store.write() as conn:
        conn.executemany("INSERT INTO events (event_id, hall_id, terminal_id, terminal_seq, hlc, "
                         "type, schema_version, payload) VALUES (?,?,?,?,?,?,?,?)", events)
        conn.executemany("INSERT INTO tickets (ticket_id, hall_id, day, series, number, label, "
                         "service_id, priority, urgent, status, issuing_terminal, issued_ms, "
                         "asked_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", tickets)
    return recent, old, never


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=200_000, help="events in the log")
    parser.add_argument("--lookups", type=int, default=2000, help="lookups of each kind")
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.history, args.lookups = 3000, 50
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp))
        try:
            t0 = time.perf_counter()
            recent, old, never = fill(store, args.history)
            print(f"history: {args.history} events written in {time.perf_counter() - t0:.1f} s "
                  f"({len(recent)} asked recently, {len(old)} long ago)")
            conn = store.conn
            kinds = {"asked recently": recent, "asked long ago": old or recent,
                     "never asked": never}
            timings: dict[str, dict[str, list[float]]] = {
                k: {"indexed": [], "scan": []} for k in kinds}
            wrong = {"indexed": 0, "scan": 0}
            for n in range(args.lookups):
                for kind, pool in kinds.items():
                    ticket = pool[n % len(pool)]
                    truth = kind != "never asked"
                    t = time.perf_counter()
                    got = asked(conn, ticket)
                    timings[kind]["indexed"].append((time.perf_counter() - t) * 1000)
                    wrong["indexed"] += got != truth
                    t = time.perf_counter()
                    seen = conn.execute(SCAN, (SCAN_WITHIN, ticket)).fetchone() is not None
                    timings[kind]["scan"].append((time.perf_counter() - t) * 1000)
                    wrong["scan"] += seen != truth
            for kind, by in timings.items():
                ix, sc = by["indexed"], by["scan"]
                ratio = statistics.median(sc) / max(statistics.median(ix), 1e-6)
                print(f"{kind:<15} indexed p50 {statistics.median(ix):7.3f} ms p99 "
                      f"{pct(ix, 0.99):7.3f} ms | scan p50 {statistics.median(sc):7.3f} ms p99 "
                      f"{pct(sc, 0.99):7.3f} ms | scan/indexed {ratio:7.1f}x", flush=True)
            print(f"wrong answers: indexed {wrong['indexed']}, scan {wrong['scan']} "
                  f"(the scan forgets asks older than {SCAN_WITHIN} events)")
            if wrong["indexed"]:
                raise SystemExit("the indexed lookup answered wrong")
        finally:
            store.close()


if __name__ == "__main__":
    main()
