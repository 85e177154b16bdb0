"""Crypto benchmark: issue+call latency with SQLCipher + field sealing on vs off, the CLI start
cost of `ticket take` on the encrypted store, and the rate of a full-store key rotation.

    .venv/bin/python bench/crypto.py [--visits 300] [--records 20000] [--starts 5]

A visit is what a kiosk and a desk do for one person: read the card (seal the applicant record
and compute its blind index — or, off, only mask it), take a ticket, call it, start, finish.
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

from hall.actors import Actor  # noqa: E402
from hall.app import Hall  # noqa: E402
from hall.catalog import load_catalog  # noqa: E402
from hall.config import TerminalConfig, save  # noqa: E402
from hall.core import Core  # noqa: E402
from hall.events import EventType  # noqa: E402
from hall.identity import Applicant  # noqa: E402
from hall.ids import new_id  # noqa: E402
from hall.security import keys  # noqa: E402
from hall.security.crypto import Sealer, seal_applicant  # noqa: E402
from hall.store import Store  # noqa: E402
from hall.store.engine import connect  # noqa: E402
from hall.store.migrate import ensure_schema  # noqa: E402

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


def visits(folder: Path, n: int, encrypted: bool) -> list[float]:
    hall = hall_on(folder, encrypted)
    sealer = Sealer.for_data_dir(folder, "H1") if encrypted else None
    out = []
    for _ in range(n):
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
        out.append(time.perf_counter() - t0)
    hall.core.store.close()
    return out


def starts(folder: Path, n: int, encrypted: bool) -> float:
    """Median wall time of `python main.py ticket take` minus `python -c pass`."""
    save(folder, TerminalConfig("H1", "K3", numbering="standalone"))
    if not encrypted:
        return 0.0
    Store.open(folder).close()
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


def pct(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crypto-") as tmp:
        root = Path(tmp)
        visits(root / "warm", 20, True)
        results = {}
        for rnd in range(2):  # interleaved rounds, so load on the machine hits both
            for on in (False, True):
                results.setdefault(on, []).extend(
                    visits(root / f"v{rnd}{int(on)}", args.visits // 2, on))
        for on in (False, True):
            v = results[on]
            print(f"visit (seal+issue+call+start+done), {'on ' if on else 'off'}: "
                  f"mean {statistics.mean(v) * 1000:.2f} ms, median {pct(v, 0.5):.2f} ms, "
                  f"p90 {pct(v, 0.9):.2f} ms  (n={len(v)})")
        ratio = statistics.mean(results[True]) / statistics.mean(results[False])
        med = pct(results[True], 0.5) / pct(results[False], 0.5)
        print(f"ratio on/off: mean {ratio:.3f}x, median {med:.3f}x (target <= 1.3x)")
        start = starts(root / "start", args.starts, True)
        print(f"`ticket take` start cost over `python -c pass` (median of {args.starts}): "
              f"{start * 1000:.0f} ms (budget 300 ms)")
        rotation(root / "rot", args.records)


if __name__ == "__main__":
    main()
