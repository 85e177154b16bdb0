"""Sync never stalls on a shared number, and members never issue one (issue 10), through the CLI
as a hall's IT technician runs it, on the encrypted store, against the real hub over HTTP.

COLLIDE_TICKETS sets the tickets per terminal of the first proof (the issue: 60)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sync.server import db
from tests.sync.faultproxy import Fault, FaultProxy, random_plan

ROOT = Path(__file__).resolve().parents[2]
PER = int(os.environ.get("COLLIDE_TICKETS", "60"))

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # the CLI hub is SQLCipher


def cli(folder: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir",
                           str(folder), "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, (done.stdout, done.stderr)
    return done.returncode, json.loads(lines[0])


def ok(folder: Path, *args: str) -> dict[str, Any]:
    code, out = cli(folder, *args)
    assert code == 0, out
    return out


def take(folder: Path, n: int, service: str = "hukou_transfer") -> list[str]:
    return [ok(folder, "ticket", "take", "--service", service)["ticket"]["number"]
            for _ in range(n)]


def enroll(srv: Any, folder: Path, terminal: str, url: str) -> None:
    code = db.new_enroll_code(srv.engine, "H1", terminal)
    ok(folder, "sync", "enroll", "--server", url, "--code", code)


def sync_until_ok(folder: Path, tries: int = 40) -> tuple[dict[str, Any], int]:
    """`sync --once` until it exits 0 (a faulty link fails some: exit 5, never 1)."""
    for failures in range(tries):
        code, out = cli(folder, "sync", "--once")
        if code == 0:
            return out, failures
        assert code == 5, out  # the network, never the store
    raise AssertionError(f"sync never completed: {out}")


def converge(folders: list[Path]) -> int:
    """Rounds of sync on every terminal until nothing moves; returns the failed attempts."""
    failures = 0
    for _ in range(6):
        moved = 0
        for f in folders:
            out, failed = sync_until_ok(f)
            failures += failed
            moved += out["pushed"] + out["pulled"]
        if moved == 0:
            return failures
    raise AssertionError("sync did not converge")


def labels(folder: Path) -> list[str]:
    return [t["number"] for t in ok(folder, "ticket", "list")["tickets"]]


def test_two_members_offline_then_enrolled_sync_through_faults(make_server,
                                                               tmp_path: Path) -> None:
    """The issue's scenario: set up without --standalone and without a hub, PER tickets each
    offline, enrolled with one hub, synced through a faulty link: exit 0, every ticket on both,
    numbers unique."""
    srv = make_server()
    t1, t2 = tmp_path / "t1", tmp_path / "t2"
    for folder, name in ((t1, "T1"), (t2, "T2")):
        assert ok(folder, "setup", "--hall", "H1", "--terminal", name)["setup"][
            "numbering"] == "member"
    issued = {t1: take(t1, PER), t2: take(t2, PER)}
    assert issued[t1][:2] == ["C-T1-001", "C-T1-002"] and issued[t2][-1] == f"C-T2-{PER:03d}"
    with FaultProxy(srv.port) as proxy:
        enroll(srv, t1, "T1", proxy.url)
        enroll(srv, t2, "T2", proxy.url)
        chaos = random_plan(seed=10, rate=0.5)
        # every other connection loses the server's answer mid-way (the server did the work),
        # the rest see random faults of every kind
        proxy.plan = lambda i: Fault("cut_down", after=(0, 40, 400)[i % 3]) if i % 2 else chaos(i)
        failures = converge([t1, t2])
        proxy.plan = lambda _i: Fault()
        for folder in (t1, t2):
            code, out = cli(folder, "sync", "--once")
            assert code == 0 and out["pending"] == 0
    print(f"\n[proof 1] {PER} tickets per terminal, {failures} sync attempts cut by the proxy "
          f"({proxy.connections} connections)")
    for folder in (t1, t2):
        seen = labels(folder)
        assert sorted(seen) == sorted(issued[t1] + issued[t2])  # every ticket on both
        assert len(set(seen)) == 2 * PER  # numbers unique
        assert ok(folder, "sync", "status")["conflicts"] == []


def test_standalone_stations_join_one_hub(make_server, tmp_path: Path) -> None:
    """Two --standalone stations issue A001…, then both join one hub: sync completes on both,
    both list every ticket, the shared numbers are conflicts in `sync status`, both copies are
    callable, and the next tickets are unique."""
    n = 6
    srv = make_server()
    t1, t2 = tmp_path / "t1", tmp_path / "t2"
    for folder, name in ((t1, "T1"), (t2, "T2")):
        ok(folder, "setup", "--hall", "H1", "--terminal", name, "--standalone")
    first = {t1: take(t1, n, "newborn"), t2: take(t2, n, "newborn")}
    assert first[t1] == first[t2] == [f"A{i:03d}" for i in range(1, n + 1)]
    for folder, name in ((t1, "T1"), (t2, "T2")):
        enroll(srv, folder, name, srv.url)
    converge([t1, t2])
    shown = {f: sorted(labels(f)) for f in (t1, t2)}
    assert shown[t1] == shown[t2]  # the same labels on both terminals
    assert len(shown[t1]) == len(set(shown[t1])) == 2 * n
    copies = [lb for lb in shown[t1] if "·" in lb]
    assert len(copies) == n and all(lb.endswith(("·T1", "·T2")) for lb in copies)
    for folder in (t1, t2):
        conflicts = ok(folder, "sync", "status")["conflicts"]
        assert len(conflicts) == n and {c["kind"] for c in conflicts} == {"number"}
        assert all("kept and callable" in c["detail"] for c in conflicts)
    # the holder of a copy is found by its label (or typed with a '.'), and by the printed number
    copy = copies[0]
    shown_copy = ok(t1, "ticket", "show", "--ticket", copy.replace("·", "."))["ticket"]
    assert shown_copy["number"] == copy and shown_copy["printed"] == copy.split("·")[0]
    plain = ok(t2, "ticket", "show", "--ticket", copy.split("·")[0])["ticket"]
    assert plain["shared_with"] == [copy]
    # the next tickets are unique (leased numbers skip every number already held)
    after = {t1: take(t1, 3, "newborn"), t2: take(t2, 3, "newborn")}
    converge([t1, t2])
    final = labels(t1)
    assert sorted(final) == sorted(labels(t2)) and len(set(final)) == 2 * n + 6
    assert not set(after[t1]) & set(after[t2])
    assert len(ok(t1, "sync", "status")["conflicts"]) == n  # no new clash
    # both copies of every shared number are called, through the hub, at two windows
    called: list[str] = []
    for _ in range(2 * n + 6):
        for folder, window in ((t1, "1"), (t2, "2")):
            code, out = cli(folder, "ticket", "call", "--window", window)
            if code == 3 and out["error"] == "nothing_waiting":
                continue
            assert code == 0, out
            assert out["decided_by"] == "hub"
            called.append(out["ticket"]["number"])
            ok(folder, "ticket", "done", "--ticket", out["ticket"]["id"])
    assert sorted(called) == sorted(final)  # every ticket called once, both copies included
    print(f"\n[proof 2] {n} shared numbers → {n} conflicts listed on each terminal; "
          f"{len(called)} tickets called through the hub, each once")


def test_desk01_and_kiosk01_offline_never_share_a_number(make_server, tmp_path: Path) -> None:
    """Enrolled, the hub stopped before their first ticket, 50 tickets each: no collision."""
    srv = make_server()
    desk, kiosk = tmp_path / "desk", tmp_path / "kiosk"
    with FaultProxy(srv.port) as proxy:
        for folder, name in ((desk, "DESK01"), (kiosk, "KIOSK01")):
            ok(folder, "setup", "--hall", "H1", "--terminal", name)  # no --standalone
            enroll(srv, folder, name, proxy.url)
        proxy.down = True  # the hub stops
        issued = {f: take(f, 50, "newborn") for f in (desk, kiosk)}
        assert issued[desk][0] == "A-DESK01-001" and issued[kiosk][0] == "A-KIOSK01-001"
        for folder in (desk, kiosk):
            code, _out = cli(folder, "sync", "--once")
            assert code == 5  # away: a network error, the queue goes on
        proxy.down = False
        converge([desk, kiosk])
    for folder in (desk, kiosk):
        seen = labels(folder)
        assert len(seen) == len(set(seen)) == 100
        assert ok(folder, "sync", "status")["conflicts"] == []
    print("\n[proof 3] DESK01 and KIOSK01: 50 offline tickets each, 0 shared numbers")
