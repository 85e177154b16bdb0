"""What checking every event at every hop costs (issue #19): `hall.event_rules.refusal` (the
payload schema and the emitter rule) against what every hop does with an event anyway, parsing
its JSON payload, on the hall's own payloads (one of each type, tests/hall/event_samples.py).

    .venv/bin/python bench/event_checks.py [--rounds 2000] [--smoke]

Prints events/s of each and the ratio check/parse (the check's share of an event's handling is
that ratio of the JSON parsing it always needed; a push of 500 events costs 500 checks).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from bench.machine import describe  # noqa: E402
from hall import event_rules  # noqa: E402
from hall.events import Event  # noqa: E402
from tests.hall.event_samples import SAMPLES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="a tiny run: it works")
    args = parser.parse_args()
    rounds = 20 if args.smoke else args.rounds
    wire = [(kind, json.dumps(payload, ensure_ascii=False)) for kind, payload in SAMPLES.items()]
    events = [Event("e", "H1", "D1", 1, 1, kind, json.loads(text)) for kind, text in wire]
    # Each sample checked as its hop checks it: pushed by a terminal role that may emit it, or,
    # for the hub's and platform's own types (no terminal may push them), as a pulled event.
    roles = [min(event_rules.RULES[ev.type].terminals, default=None) for ev in events]
    n = rounds * len(events)
    best_parse = best_check = float("inf")
    for _ in range(3):  # interleaved, best of three: load on the machine hits both alike
        start = time.perf_counter()
        for _ in range(rounds):
            for _kind, text in wire:
                json.loads(text)
        best_parse = min(best_parse, time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(rounds):
            for ev, role in zip(events, roles, strict=True):
                if event_rules.refusal(ev, role) is not None:
                    raise SystemExit(f"a sample is refused: {ev.type}")
        best_check = min(best_check, time.perf_counter() - start)
    print(describe())
    print(f"events: {n} ({len(events)} types x {rounds} rounds)")
    print(f"json.loads of the payload: {n / best_parse:,.0f} events/s "
          f"({best_parse / n * 1e6:.1f} us each)")
    print(f"schema + rule check:       {n / best_check:,.0f} events/s "
          f"({best_check / n * 1e6:.1f} us each)")
    print(f"ratio check/parse: {best_check / best_parse:.2f}x")


if __name__ == "__main__":
    main()
