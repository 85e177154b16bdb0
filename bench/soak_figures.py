"""The figures of a soak run (bench/soak.py): per process and per hall hour, resident memory,
open descriptors, threads, the GUI's longest stall and p99 (faces), the store and its WAL;
the waits citizens saw against the schedule; the targets of issue 29."""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import Any

RSS_GROWTH_MB_PER_HOUR = 5.0
STALL_LONGEST_MS = 100.0
STALL_P99_MS = 30.0


def proc_figures(pid: int) -> dict[str, float]:
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
            elif line.startswith("Threads:"):
                out["threads"] = int(line.split()[1])
        out["fds"] = len(list(Path(f"/proc/{pid}/fd").iterdir()))
    except OSError:
        pass
    return out


def file_sizes(folder: Path, name: str) -> dict[str, float]:
    def kb(path: Path) -> float:
        return round(path.stat().st_size / 1024, 1) if path.exists() else 0.0

    return {"store_kb": kb(folder / name), "wal_kb": kb(folder / (name + "-wal"))}


class Figures:
    def __init__(self, hall: Any) -> None:
        self.hall = hall
        self.rows: list[dict[str, Any]] = []  # one per process per sample

    def sample(self, hour: float, stalls: dict[str, dict[str, Any] | None],
               last: bool = False) -> None:
        from hall.store import STORE_FILE

        for name, proc in self.hall.procs().items():
            row: dict[str, Any] = {"hour": hour, "process": name, "last": last,
                                   "starts": proc.starts,
                                   "load1": round(os.getloadavg()[0], 1)}  # the shared machine
            if proc.ready() and proc.proc is not None:  # not one still starting after a kill
                row.update(proc_figures(proc.proc.pid))
            store = STORE_FILE if name in self.hall.faces else _server_file(
                self.hall.dirs[name])
            row.update(file_sizes(self.hall.dirs[name], store))
            stall = stalls.get(name)
            if stall:
                row.update(stall_longest_ms=stall["longest_ms"], stall_p99_ms=stall["p99_ms"],
                           stalls_over_50ms=stall["over_50ms"])
            self.rows.append(row)


def _server_file(folder: Path) -> str:
    found = sorted(p.name for p in folder.glob("*.db"))
    return found[0] if found else "server.db"


def waits(run: Any) -> list[dict[str, Any]]:
    """Per hall hour of taking: the waits seen (ticket → call, hall minutes) and scheduled."""
    by_hour: dict[int, list[tuple[float, float]]] = {}
    for v in run.visits.values():
        if v.called is None:
            continue
        hour = int((v.taken - run.t0) * run.args.speed // 3600)
        seen_min = (v.called - v.taken) * run.args.speed / 60
        by_hour.setdefault(hour, []).append((seen_min, v.expected_s / 60))
    out = []
    for hour, pairs in sorted(by_hour.items()):
        seen = [s for s, _ in pairs]
        planned = [p for _, p in pairs]
        out.append({"hour": hour, "visits": len(pairs),
                    "seen_p50_min": round(statistics.median(seen), 1),
                    "seen_max_min": round(max(seen), 1),
                    "schedule_p50_min": round(statistics.median(planned), 1),
                    "seen_over_schedule_p50_min": round(statistics.median(
                        s - p for s, p in pairs), 1)})
    return out


def targets(rows: list[dict[str, Any]], faces: list[str]) -> dict[str, Any]:
    """Issue 29's targets, per face: RSS growth after the first hour, stalls in every hour.
    A face restarted (killed by the run) starts its memory again: growth is read between
    samples of one life only, from its second sample on (the life up for a whole hall hour:
    a face restarted late in an hour still warms up by the next sample, which read as 8–18
    MB an hour in the first long run of this round)."""
    out: dict[str, Any] = {}
    for face in faces:
        mine = [r for r in rows if r["process"] == face and "rss_mb" in r]
        judged = [r for r in mine if r["hour"] > 0]  # the first sample is the start-up's
        growth = []
        for before, a, b in zip(mine, mine[1:], mine[2:], strict=False):
            if before["starts"] == a["starts"] == b["starts"] and b["hour"] > a["hour"]:
                growth.append((b["rss_mb"] - a["rss_mb"]) / (b["hour"] - a["hour"]))
        longest = max((r.get("stall_longest_ms", 0.0) for r in judged), default=0.0)
        p99 = max((r.get("stall_p99_ms", 0.0) for r in judged), default=0.0)
        out[face] = {"rss_growth_mb_per_hour": round(max(growth), 2) if growth else None,
                     "longest_stall_ms": longest, "worst_hour_p99_ms": p99,
                     "rss_ok": not growth or max(growth) < RSS_GROWTH_MB_PER_HOUR,
                     "stall_ok": longest < STALL_LONGEST_MS and p99 < STALL_P99_MS}
    return out


def summary(run: Any, hall: Any) -> dict[str, Any]:
    faces = list(hall.faces)
    return {
        "figures": run.figures.rows,
        "targets": targets(run.figures.rows, faces),
        "waits": waits(run),
        "faults": run.faults,
        "restarts": len(run.restarts),
        "visits": {"taken": len(run.visits), "still_at_the_kiosk": run.queue_len, "called": len(run.calls),
                   "take_failures": run.take_failures[:20],
                   "call_failures": run.call_failures[:20],
                   "cli_failures": run.cli_failures[:20],
                   "cases": len(run.cases), "ratings": len(run.ratings)},
        "printer": {"printed": len(run.printer.tickets), "lost_out_of_paper": run.printer.lost},
        "disk_full": ("tmpfs 64 MB on desk2" if (run.disk is not None and run.disk.available)
                      or any(f["kind"] == "disk" for f in run.faults)
                      else "not available (needs root for a tmpfs)"),
    }


def show(result: dict[str, Any]) -> None:
    r = result["run"]
    print(f"soak: {r['hours']} hall hours at {r['speed']}x (seed {r['seed']}), "
          f"{r['cores']} cores, load {r['load_1min_at_end']:.2f} at the end")
    v = result["visits"]
    print(f"visits: {v['taken']} taken, {v['called']} calls, {v['cases']} cases, "
          f"{v['ratings']} ratings; printer {result['printer']}; disk full: "
          f"{result['disk_full']}")
    for kind in ("take_failures", "call_failures", "cli_failures"):
        if v[kind]:
            print(f"{kind}: {v[kind]}")
    print(f"faults ({len(result['faults'])}): " + ", ".join(
        f"{f['hall_min']}′ {f['kind']}" + (f" {f['process']}" if "process" in f else "")
        + (f" {f['face']} {f['offset_s']:+d}s" if "face" in f else "")
        for f in result["faults"]))
    print(f"{'hour':>5} {'process':8} {'starts':>6} {'rss MB':>7} {'fds':>4} {'thr':>4} "
          f"{'stall ms':>8} {'p99 ms':>7} {'>50ms':>5} {'store kB':>9} {'wal kB':>8} {'load':>5}")
    for row in result["figures"]:
        print(f"{row['hour']:>5} {row['process']:8} {row['starts']:>6} "
              f"{row.get('rss_mb', '-'):>7} {row.get('fds', '-'):>4} "
              f"{row.get('threads', '-'):>4} {row.get('stall_longest_ms', '-'):>8} "
              f"{row.get('stall_p99_ms', '-'):>7} {row.get('stalls_over_50ms', '-'):>5} "
              f"{row['store_kb']:>9} {row['wal_kb']:>8} {row.get('load1', '-'):>5}")
    print("waits (hall minutes, ticket → call):")
    for w in result["waits"]:
        print(f"  hour {w['hour']}: {w['visits']} visits, seen p50 {w['seen_p50_min']} "
              f"(max {w['seen_max_min']}), schedule p50 {w['schedule_p50_min']}, seen − "
              f"schedule p50 {w['seen_over_schedule_p50_min']}")
    print("targets per face:")
    for face, t in result["targets"].items():
        print(f"  {face:7} RSS growth/h after the first: {t['rss_growth_mb_per_hour']} MB "
              f"({'ok' if t['rss_ok'] else 'OVER'}); longest stall {t['longest_stall_ms']} ms,"
              f" worst hour p99 {t['worst_hour_p99_ms']} ms "
              f"({'ok' if t['stall_ok'] else 'OVER'})")
    for name, c in result["checks"].items():
        detail = {k: v for k, v in c.items() if k != "ok"}
        print(f"check {name}: {'ok' if c['ok'] else 'FAILED'} {detail}")
    print("ALL CHECKS PASSED" if result["ok"] else "CHECKS FAILED")
