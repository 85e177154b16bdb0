"""Crypto benchmark: issue+call latency with SQLCipher + field sealing on vs off, the CLI start
cost of `ticket take` on the encrypted store, the rate of a full-store key rotation, and the cost of
one sealed token of each kind (`ts1:` data key, `ts2:` the hall public key a kiosk seals for).

    .venv/bin/python bench/crypto.py [--visits 300] [--records 20000] [--starts 5]

A visit is what a kiosk and a desk do for one person: read the card (seal the applicant record
and compute its blind index — or, off, only mask it), take a ticket, call it, start, finish. The
encrypted and the plain hall run side by side, one visit each in turn, so load on the machine
hits both alike; the ratio on/off is the headline (target ≤ 1.3×).

The page format: one cached-page miss (read, decrypt, authenticate) and one page-writing commit
(synchronous off: the cipher's cost, not the disk's) under HMAC_SHA256 (the store's format) and
HMAC_SHA512 (SQLCipher 4's default, the format before issue 14), against plain SQLite.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others

from bench.machine import describe  # noqa: E402
from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.catalog import load_catalog  # noqa: E402
from hall.config import TerminalConfig  # noqa: E402
from hall.core import Core  # noqa: E402
from hall.events import EventType  # noqa: E402
from hall.identity import Applicant  # noqa: E402
from hall.ids import new_id  # noqa: E402
from hall.security import keys  # noqa: E402
from hall.security.crypto import Sealer, seal_applicant  # noqa: E402
from hall.store import Store  # noqa: E402
from hall.store.engine import CIPHER_FORMAT, LEGACY_FORMAT, connect, key_pragma  # noqa: E402
from hall.store.migrate import ensure_schema  # noqa: E402
from hall.terminal_setup import setup_terminal  # noqa: E402

NAME, ID_NUMBER, ADDRESS = "测试甲乙", "99000019800101" + "0017", "虚构省测试市样例区假想路一号"

OP = Actor.operator("bench")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=10)
        return self.now


def hall_on(folder: Path, encrypted: bool) -> Hall:
    folder.mkdir(parents=True)
    if encrypted:
        store = Store.open(folder)
    else:
        conn = connect(folder / "hall.db", encrypted=False)
        ensure_schema(conn)
        store = Store(conn, folder / "hall.db")
    return Hall(Core(store, TerminalConfig("H1", "K3", numbering="standalone"), load_catalog(),
                     wall=Clock(), index_key=keys.load_or_create(folder, keys.INDEX)))


def visit(hall: Hall, sealer: Sealer | None) -> float:
    t0 = time.perf_counter()
    if sealer is not None:
        seal_applicant(sealer, hall.core.index_key, name=NAME, id_number=ID_NUMBER,
                       address=ADDRESS, verified=True, source="id_card")
    else:
        Applicant.from_id(hall.core.index_key, NAME, ID_NUMBER, verified=True)
    t = hall.tickets.take(OP, "newborn").value
    hall.tickets.call_next(OP, "1")
    hall.tickets.start(OP, t.id)
    hall.tickets.done(OP, t.id)
    return time.perf_counter() - t0


def visits(folder: Path, n: int) -> dict[bool, list[float]]:
    """`n` visits on an encrypted and on a plain hall, alternated visit by visit."""
    halls = {on: hall_on(folder / ("on" if on else "off"), on) for on in (True, False)}
    sealers = {True: Sealer.for_data_dir(folder / "on", "H1"), False: None}
    out: dict[bool, list[float]] = {True: [], False: []}
    for i in range(n):
        for on in ((True, False) if i % 2 else (False, True)):
            out[on].append(visit(halls[on], sealers[on]))
    for hall in halls.values():
        hall.core.store.close()
    return out


def page_costs(folder: Path, rounds: int = 9,
               rows: int = 40000) -> dict[str, tuple[float, float]]:
    """µs per cached-page miss and per one-page commit, by page format (median of rounds)."""
    import random
    import sqlite3

    from sqlcipher3 import dbapi2

    key = b"\x11" * 32
    formats: dict[str, tuple[tuple[str, str], ...] | None] = {
        "plain SQLite": None, "HMAC_SHA256 (store)": CIPHER_FORMAT,
        "HMAC_SHA512 (before)": LEGACY_FORMAT}
    conns = {}
    for name, fmt in formats.items():
        path = folder / f"{len(conns)}.db"
        if fmt is None:
            conn = sqlite3.connect(path, isolation_level=None)
        else:
            conn = dbapi2.connect(str(path), isolation_level=None)
            conn.execute(key_pragma(key))
            for pragma, value in fmt:
                conn.execute(f"PRAGMA {pragma} = {value}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 200,) for _ in range(rows)])
        conn.execute("COMMIT")
        conn.execute("PRAGMA cache_size=8")  # nearly every read misses the cache
        conns[name] = conn
    reads: dict[str, list[float]] = {n: [] for n in formats}
    writes: dict[str, list[float]] = {n: [] for n in formats}
    for _ in range(rounds):
        for name, conn in conns.items():
            ids = [random.randint(1, rows) for _ in range(1000)]
            t0 = time.perf_counter()
            for i in ids:
                conn.execute("SELECT v FROM t WHERE id = ?", (i,)).fetchone()
            reads[name].append((time.perf_counter() - t0) / len(ids) * 1e6)
            t0 = time.perf_counter()
            for i in ids[:200]:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("UPDATE t SET v = ? WHERE id = ?", ("y" * 200, i))
                conn.execute("COMMIT")
            writes[name].append((time.perf_counter() - t0) / 200 * 1e6)
    for conn in conns.values():
        conn.close()
    return {n: (statistics.median(reads[n]), statistics.median(writes[n])) for n in formats}


def starts(folder: Path, n: int, encrypted: bool) -> float:
    """Median wall time of `python main.py ticket take` minus `python -c pass`."""
    if not encrypted:
        return 0.0
    setup_terminal(folder, "H1", "K3", standalone=True)  # as `setup` makes it (issue 16)
    takes, passes = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "ticket", "take", "--service",
                        "newborn", "--data-dir", str(folder)], check=True,
                       capture_output=True)
        takes.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        passes.append(time.perf_counter() - t0)
    return statistics.median(takes) - statistics.median(passes)


def rotation(folder: Path, records: int) -> None:
    from hall.security.rotation import rotate

    hall = hall_on(folder, True)
    sealer = Sealer.for_data_dir(folder, "H1")
    with hall.core.write() as conn:
        for i in range(records):
            p = seal_applicant(sealer, hall.core.index_key, name=NAME, id_number=ID_NUMBER,
                               address=ADDRESS, verified=True, source="id_card")
            hall.core.emit(conn, EventType.CASE_ACCEPTED, {
                "case_id": new_id(), "case_number": f"H1-20261123-K3-{i:06d}",
                "service_id": "newborn", "ticket_id": None, "at": "2026-11-23T09:00:00+08:00",
                "applicant": {"masked": p.masked(), "key": p.key, "sealed": p.sealed},
                "materials": []}, OP)
    hall.core.store.close()
    size = sum(p.stat().st_size for p in folder.glob("hall.db*"))
    t0 = time.perf_counter()
    report = rotate(folder, "H1")
    total = time.perf_counter() - t0
    print(f"rotation of {records} sealed records ({size / 1e6:.1f} MB store): "
          f"{total:.2f} s in all; rekey {report.store_pages} pages in "
          f"{report.store_seconds:.2f} s; re-seal {report.fields_resealed} fields in "
          f"{report.reseal_seconds:.2f} s = {report.records_per_s:,.0f} records/s; "
          f"overall {records / total:,.0f} records/s")


def token_costs(n: int) -> None:
    """µs to seal and to open one applicant-sized record: `ts1:` (the data key, a desk) against
    `ts2:` (the hall's public key, a kiosk; opened with the private key at a desk)."""
    from hall.security import sealbox
    from hall.security.crypto import kid_of
    from hall.security.opener import Opener

    record = {"name": "测试甲乙", "id_number": "990000199001011234", "address": "某省某市某路 1 号",
              "phone": "13800000000", "source": "id_card"}
    key, pair = b"k" * 32, sealbox.generate()
    desk = Opener("H1", sealer=Sealer({kid_of(key): key}, kid_of(key), hall_id="H1"),
                  public=pair.public, ring={pair.kid: pair.private})
    kiosk = Opener("H1", public=pair.public)
    figures: dict[str, tuple[float, float]] = {}
    for name, writer in (("ts1 (desk)", desk), ("ts2 (kiosk)", kiosk)):
        started = time.perf_counter()
        tokens = [writer.seal_json(record) for _ in range(n)]
        sealed = time.perf_counter() - started
        started = time.perf_counter()
        for token in tokens:
            desk.open_json(token)
        figures[name] = (sealed / n * 1e6, (time.perf_counter() - started) / n * 1e6)
    base_seal, base_open = figures["ts1 (desk)"]
    for name, (seal_us, open_us) in figures.items():
        print(f"token {name:<12} seal {seal_us:6.1f} us ({seal_us / base_seal:.1f}x ts1), "
              f"open at a desk {open_us:6.1f} us ({open_us / base_open:.1f}x ts1)  (n={n})")


def pct(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.visits, args.records, args.starts, args.tokens = 3, 10, 1, 5
    print(describe())
    with tempfile.TemporaryDirectory(prefix="bench-crypto-") as tmp:
        root = Path(tmp)
        visits(root / "warm", 2 if args.smoke else 20)
        results = visits(root / "visits", args.visits)
        for on in (False, True):
            v = results[on]
            print(f"visit (seal+issue+call+start+done), {'on ' if on else 'off'}: "
                  f"mean {statistics.mean(v) * 1000:.2f} ms, median {pct(v, 0.5):.2f} ms, "
                  f"p90 {pct(v, 0.9):.2f} ms  (n={len(v)})")
        ratio = statistics.mean(results[True]) / statistics.mean(results[False])
        med = pct(results[True], 0.5) / pct(results[False], 0.5)
        print(f"ratio on/off: mean {ratio:.3f}x, median {med:.3f}x (target <= 1.3x)")
        (root / "pages").mkdir()
        costs = page_costs(root / "pages", *((1, 500) if args.smoke else ()))
        plain_read, plain_write = costs["plain SQLite"]
        for name, (read, write) in costs.items():
            print(f"page format {name:<21} page miss {read:5.1f} us ({read / plain_read:.2f}x "
                  f"plain), one-page commit {write:5.1f} us ({write / plain_write:.2f}x plain)")
        start = starts(root / "start", args.starts, True)
        print(f"`ticket take` start cost over `python -c pass` (median of {args.starts}): "
              f"{start * 1000:.0f} ms (budget 300 ms)")
        rotation(root / "rot", args.records)
        token_costs(args.tokens)


if __name__ == "__main__":
    main()
