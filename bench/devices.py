"""Device figures: ESC/POS bytes per queue ticket, and card-read software overhead.

    .venv/bin/python bench/devices.py [--reads 200]

1. Bytes of one queue ticket (number, service, time, people ahead, a QR of a 60-character URL,
   two lines of Chinese) from our layout vs python-escpos 3.1 defaults (text() + qr()) in the
   same run. Targets: ≤ 512 bytes and ≤ 1/3 of the default.
2. Card-read overhead on the emulators, from the reader's last byte to the parsed identity:
   GA 467 (pty) and 社保卡 (pcscd + vpcd, when pcscd runs). Target: p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

URL = "https://zwfw.example.gov.cn/q/hall42/20240501/" + "A023-7f3k9q2mx"
HALL, NUMBER, SERVICE, WHEN, AHEAD = "十堰市政务服务中心", "A023", "社保卡补换", "2024-05-01 09:30", 5
LINES = ["请留意叫号屏与语音提示", "过号请重新取号，谢谢配合！"]


def ours() -> bytes:
    from devices.escpos import encode, ticket_layout

    return encode(ticket_layout(NUMBER, SERVICE, WHEN, AHEAD, URL, HALL, LINES))


def escpos_default() -> bytes:
    from escpos.printer import Dummy

    p = Dummy()
    p.text(HALL + "\n")
    p.set(double_height=True, double_width=True, bold=True)
    p.text(NUMBER + "\n")
    p.set(normal_textsize=True, bold=False)
    p.text(SERVICE + "\n")
    p.text(f"前面还有 {AHEAD} 人\n")
    p.text(f"取号时间 {WHEN}\n")
    p.qr(URL)
    for line in LINES:
        p.text(line + "\n")
    p.cut()
    data: bytes = p.output
    p.close()
    return data


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98] if len(samples) >= 100 else max(samples)


def bench_ga467(reads: int) -> list[float]:
    from devices import ga467
    from devices.emulators import people
    from devices.emulators.id_reader import IdReaderEmulator

    overhead = []
    with IdReaderEmulator(people.RESIDENT) as emu, ga467.Ga467Reader(emu.path) as reader:
        original = ga467.parse_read_data

        def timed(data: bytes) -> object:  # the reply's last byte has just been read
            start = reader.last_byte_at
            card = original(data)
            overhead.append(time.monotonic() - start)
            return card

        ga467.parse_read_data = timed  # type: ignore[assignment]
        try:
            for _ in range(reads):
                reader.read_card(2)
        finally:
            ga467.parse_read_data = original
    return overhead


def bench_sscard(reads: int) -> tuple[list[float], list[float]] | None:
    """Per APDU: software time around each transmit minus nothing; per card: decode time."""
    from devices import sscard
    from devices.emulators import people
    from devices.emulators.sscard import VirtualSocialCard

    try:
        names = sscard.reader_names()
    except Exception:
        return None
    if "Virtual PCD 00 00" not in names:
        return None
    from smartcard.CardRequest import CardRequest

    with VirtualSocialCard(people.SOCIAL):
        request = CardRequest(timeout=5, readers=["Virtual PCD 00 00"])
        service = request.waitforcard()
        request.pcsccardrequest.release()
        conn = service.connection
        conn.connect()
        decode, total = [], []
        try:
            for _ in range(reads):
                t0 = time.monotonic()
                fields = sscard.read_fields(conn.transmit)
                t1 = time.monotonic()
                sscard.decode_fields(fields)
                t2 = time.monotonic()
                decode.append(t2 - t1)
                total.append(t2 - t0)
        finally:
            conn.disconnect()
            conn.release()
    return decode, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only completes")
    args = parser.parse_args()
    if args.smoke:
        args.reads = 3
    a, b = ours(), escpos_default()
    print(f"ticket bytes: ours {len(a)}  python-escpos default {len(b)}  "
          f"ratio {len(a) / len(b):.3f}  (targets ≤ 512, ≤ 0.333)")
    ga = bench_ga467(args.reads)
    print(f"GA 467 read overhead (last byte → IdCard), {len(ga)} reads: "
          f"p50 {statistics.median(ga) * 1000:.3f} ms  p99 {p99(ga) * 1000:.3f} ms")
    ss = bench_sscard(args.reads)
    if ss is None:
        print("社保卡: pcscd with the vpcd reader is not running; skipped")
    else:
        decode, total = ss
        print(f"社保卡 decode (last APDU → SocialCard), {len(decode)} reads: "
              f"p50 {statistics.median(decode) * 1000:.3f} ms  p99 {p99(decode) * 1000:.3f} ms;"
              f" whole read incl. 16 APDUs through pcscd: p50 "
              f"{statistics.median(total) * 1000:.2f} ms  p99 {p99(total) * 1000:.2f} ms")


if __name__ == "__main__":
    from bench.machine import describe

    print(describe(), flush=True)
    main()
