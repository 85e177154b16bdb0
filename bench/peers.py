"""A hall without its hub: how fast a kiosk's ticket reaches the desks through the peers, and
how fast the hall converges when the hub returns. Real processes on loopback (tests/sync/hallnet):
a hub, a kiosk and two desks each running `sync --forever`.

    .venv/bin/python bench/peers.py [--tickets 100] [--rounds 3] [--smoke]

Figures: kiosk ticket -> both desks, p50/p99, with the hub up (the baseline, in the same run)
and with the hub killed by SIGKILL (the ratio of the two); then, after `--tickets` issued and
half of them called with the hub dead, the seconds from the hub's restart until every terminal
and the hub hold the same events (`--rounds` times).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules shadow others

from bench.figures import pct  # noqa: E402
from hall.app import Hall  # noqa: E402
from tests.sync.hallnet import HallNet, cli  # noqa: E402
from tests.sync.test_peers_hall import _events, _has, _hub_events  # noqa: E402

DESKS = ("D1", "D2")



def ticket_to_desks(net: HallNet, halls: dict[str, Hall], n: int) -> list[float]:
    """ms from a kiosk's ticket committed to its presence in both desks' stores."""
    out = []
    for _ in range(n):
        ticket = cli("ticket", "take", "--service", "newborn", data_dir=net.dir("K1"))["ticket"]
        start = time.monotonic()
        net.wait_for("ticket on both desks",
                     lambda t=ticket["id"]: all(_has(halls[d], t) for d in DESKS), 30)
        out.append((time.monotonic() - start) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    return (f"{name:<34} n={len(ms):<4} p50 {statistics.median(ms):8.1f} ms   "
            f"p99 {pct(ms, 0.99):8.1f} ms   max {max(ms):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a few tickets, one round")
    args = parser.parse_args()
    if args.smoke:
        args.tickets, args.rounds = 5, 1
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        net = HallNet(Path(tmp))
        try:
            net.start_hub()
            for name in ("K1", *DESKS):
                net.terminal(name)
                net.sync(name)
            net.wait_for("peers listed", lambda: all(
                len(net.status(n)["peers"]) == 2 for n in ("K1", *DESKS)), 60)
            halls = {n: Hall.open(net.dir(n)) for n in ("K1", *DESKS)}
            up = ticket_to_desks(net, halls, args.tickets)
            print(line("ticket -> desks, hub up", up))
            converge: list[float] = []
            for r in range(args.rounds):
                net.kill_hub()
                down = ticket_to_desks(net, halls, args.tickets)
                if r == 0:
                    print(line("ticket -> desks, hub SIGKILLed", down))
                    print(f"{'':<34} p50 ratio {statistics.median(down) / statistics.median(up):.2f}"
                          f"   p99 ratio {pct(down, 0.99) / pct(up, 0.99):.2f}   (hub dead / up)")
                for i in range(args.tickets // 2):
                    desk = DESKS[i % 2]
                    got = cli("ticket", "call", "--window", str(i % 2 + 1), data_dir=net.dir(desk))
                    cli("ticket", "done", "--ticket", got["ticket"]["id"], data_dir=net.dir(desk))
                net.start_hub()
                start = time.monotonic()
                every = set().union(*(_events(h) for h in halls.values()))
                net.wait_for("converged", lambda e=every: e <= _hub_events(net) and all(
                    _events(h) == e for h in halls.values()), 120)
                converge.append(time.monotonic() - start)
            print(f"{'hub back -> all converged':<34} n={len(converge):<4} "
                  + "  ".join(f"{s:.2f} s" for s in converge)
                  + f"   (after {args.tickets} tickets, {args.tickets // 2} calls without it)")
            for h in halls.values():
                h.close()
        finally:
            net.stop()


if __name__ == "__main__":
    main()
