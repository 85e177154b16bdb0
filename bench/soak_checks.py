"""The end of a soak run (bench/soak.py): sync drained, the hall stopped, then the checks on
every store, the hub's and the central platform's databases; and the disk-full fault."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HALL = "SOAK"
TERMINALS = ("kiosk", "desk1", "desk2", "screen")
REFUSED_IN_A_ROW = 5  # F1 refused this many times in a row at one desk: the desk is stuck


def materials(service: str) -> list[str]:
    from hall.catalog import load_catalog

    return [m.name for m in load_catalog().get(service).materials if m.required]


class DiskFiller:
    """The disk near full on one terminal: its data dir a 64 MB tmpfs (root only), filled with a
    ballast file up to ~100 kB left, and freed again. Without root it is not available."""

    SIZE = "64m"
    LEFT = 100_000

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.available = False
        self.ballast = folder / "ballast.bin"
        if os.geteuid() != 0:
            return
        folder.mkdir(parents=True, exist_ok=True)
        keep = folder.parent / (folder.name + ".before-tmpfs")
        shutil.copytree(folder, keep, dirs_exist_ok=True)  # setup and enroll came first
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs",
                               str(folder)], capture_output=True)
        if done.returncode != 0:
            shutil.rmtree(keep, ignore_errors=True)
            return
        shutil.copytree(keep, folder, dirs_exist_ok=True)
        shutil.rmtree(keep, ignore_errors=True)
        self.available = True

    def fill(self) -> int:
        free = shutil.disk_usage(self.folder).free
        size = max(0, free - self.LEFT)
        with self.ballast.open("ab") as f:
            f.truncate(f.tell() + size)  # tmpfs: a sparse file takes no pages; write them
            f.seek(0)
            chunk = b"\0" * (1 << 20)
            left = size
            while left > 0:
                f.write(chunk[:left])
                left -= min(left, len(chunk))
        return shutil.disk_usage(self.folder).free

    def free(self) -> None:
        self.ballast.unlink(missing_ok=True)

    def close(self) -> None:
        """Unmounted at the end, the terminal's files copied back onto the real disk."""
        if not self.available:
            return
        self.free()
        keep = self.folder.parent / (self.folder.name + ".from-tmpfs")
        shutil.copytree(self.folder, keep, dirs_exist_ok=True)
        subprocess.run(["umount", "-l", str(self.folder)], capture_output=True)
        shutil.copytree(keep, self.folder, dirs_exist_ok=True)
        shutil.rmtree(keep, ignore_errors=True)
        self.available = False


def cli(*args: str, stdin: str | None = None, timeout: float = 120) -> tuple[int, Any]:
    """`main.py ARGS --json`: its exit code and JSON (or the end of its stderr)."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, str(root / "main.py"), *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=root, env=env)
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        return done.returncode, done.stderr.strip()[-500:]


# --- draining -----------------------------------------------------------------------------
def drain(run: Any, hall: Any, seconds: float = 180) -> dict[str, Any]:
    """Until no terminal's outbox waits and the hub has forwarded everything upstream."""
    deadline = time.monotonic() + seconds
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = {}
        for name in TERMINALS:
            rc, out = cli("sync", "status", "--json", "--data-dir", str(hall.dirs[name]))
            state[name] = out.get("pending") if rc == 0 and isinstance(out, dict) else out
        rc, out = cli("serve", "status", "--json", "--data-dir", str(hall.dirs["hub"]),
                      "--port", str(hall.hub_port))
        link = out.get("upstream") if isinstance(out, dict) else None
        state["hub_upstream"] = (link or {}).get("pending", out)
        if all(v == 0 for v in state.values()):
            return state
        run.keep_up()
        time.sleep(2)
    return state


# --- reading the stores -------------------------------------------------------------------
def terminal_events(folder: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    from hall.app import Hall

    with Hall.open(folder) as hall:
        rows = hall.core.store.conn.execute(
            "SELECT event_id, type, terminal_id, payload FROM events").fetchall()
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def terminal_tickets(folder: Path) -> list[tuple[str, str, str]]:
    from hall.app import Hall

    with Hall.open(folder) as hall:
        return [(r[0], r[1], r[2]) for r in hall.core.store.conn.execute(
            "SELECT ticket_id, day, label FROM tickets").fetchall()]


def server_events(folder: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    from sqlalchemy import select

    from sync.server.db import database_url, open_engine
    from sync.server.tables import events

    engine = open_engine(database_url(folder, None))
    try:
        with engine.connect() as c:
            rows = c.execute(select(events.c.event_id, events.c.type, events.c.terminal_id,
                                    events.c.payload).where(events.c.hall_id == HALL)).all()
    finally:
        engine.dispose()
    return [(r[0], r[1], r[2], json.loads(r[3]) if isinstance(r[3], str) else r[3])
            for r in rows]


Rows = list[tuple[str, str, str, dict[str, Any]]]


def hub_ticket_states(folder: Path) -> dict[str, str]:
    """The hub's own projection of the hall (the one it decides calls from), brought up to its
    log first as the hub does before each decision (offers a desk never confirmed expire)."""
    from sync.server.db import database_url, open_engine
    from sync.server.hub import CallDesk

    engine = open_engine(database_url(folder, None))
    desk = CallDesk(engine, folder)
    try:
        desk.refresh(HALL)
        return dict(desk._hall(HALL).core.store.conn.execute(
            "SELECT ticket_id, status FROM tickets").fetchall())
    finally:
        desk.close()
        engine.dispose()


def terminal_ticket_states(folder: Path) -> dict[str, str]:
    from hall.app import Hall

    with Hall.open(folder) as hall:
        return dict(hall.core.store.conn.execute("SELECT ticket_id, status FROM tickets"))


TICKET_TYPES = frozenset({
    "TicketIssued", "TicketCalled", "TicketRecalled", "TicketNoShow", "ServiceStarted",
    "TicketDone", "TicketTransferred", "TicketParked", "TicketResumed", "TicketCancelled",
    "TicketCallWithdrawn"})


def ticket_heard(rows: Rows) -> dict[str, frozenset[str]]:
    """Each ticket's events a store holds (its issue and moves), by ticket id."""
    heard: dict[str, set[str]] = {}
    for event_id, kind, _, payload in rows:
        if kind in TICKET_TYPES and isinstance(payload.get("ticket_id"), str):
            heard.setdefault(payload["ticket_id"], set()).add(event_id)
    return {t: frozenset(e) for t, e in heard.items()}


def state_mismatches(states: dict[str, dict[str, str]],
                     heard: dict[str, dict[str, frozenset[str]]]) -> list[str]:
    """Tickets two stores show in different states though they heard the same events of it
    (whatever order they heard them in): the hub kept a ticket served at a desk waiting and
    offered it to every F1 in issue 29's long runs, every terminal showing it done."""
    names = sorted(states)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            for ticket, status in sorted(states[a].items()):
                other = states[b].get(ticket)
                if (other is not None and other != status
                        and heard[a].get(ticket) == heard[b].get(ticket) is not None):
                    out.append(f"{ticket}: {status} at {a}, {other} at {b}")
    return out


def issued_ids(rows: list[tuple[str, str, str, dict[str, Any]]]) -> Counter[str]:
    return Counter(e for e, t, _, _ in rows if t == "TicketIssued")



def ticket_problems(stores: dict[str, Rows]) -> tuple[set[str], list[str]]:
    """Every TicketIssued any store holds, and each store that lacks one or holds one twice."""
    everyone: set[str] = set().union(*(issued_ids(rows) for rows in stores.values()))
    problems = []
    for name, rows in stores.items():
        have = issued_ids(rows)
        missing = everyone - set(have)
        doubled = [e for e, n in have.items() if n > 1]
        if missing or doubled:
            problems.append(f"{name}: {len(missing)} missing, {len(doubled)} doubled")
    return everyone, problems


def calls_missing(calls: list[tuple[str, str, float]], shown: set[str],
                  ups: list[tuple[float, float]], margin: float = 5.0
                  ) -> tuple[list[tuple[str, str, float]], list[str]]:
    """The calls made while the screen was up (from `margin` s after it started to `margin` s
    before it went down), and those of them the screen never showed."""
    expected = [(d, n, t) for d, n, t in calls
                if any(a + margin <= t <= b - margin for a, b in ups)]
    return expected, [f"{n} at {d}" for d, n, _ in expected if n not in shown]


def calls_per_hour(calls: list[tuple[str, str, float]], desks: list[str], t0: float,
                   speed: float, hours: float) -> tuple[dict[str, list[int]], list[str]]:
    """Each desk's calls (F1 answered: a ticket or no one waiting) in each hall hour of the
    run, and the (desk, hour)s without one: the desks must go on calling for the whole run
    (they stopped after hall hour 1–2 in the long runs of issue 29: the idle lock took F1/F6
    for no input). A last hour shorter than a quarter of an hour is not judged."""
    judged = max(1, int(hours) + (1 if hours - int(hours) >= 0.25 else 0))
    table = {d: [0] * judged for d in desks}
    for desk, _, at in calls:
        hour = int((at - t0) * speed // 3600)
        if desk in table and 0 <= hour < judged:
            table[desk][hour] += 1
    idle = [f"{d} made no call in hall hour {h}" for d in desks for h in range(judged)
            if table[d][h] == 0]
    return table, idle


def finish(run: Any, hall: Any) -> dict[str, Any]:
    from bench.soak_figures import summary

    drained = drain(run, hall)
    time.sleep(3)  # the screen's last reads
    run.figures.sample(round(run.now() / 3600, 2), run.stalls(), last=True)
    for proc in hall.procs().values():
        proc.stop()
    checks: dict[str, Any] = {}
    stores = {name: terminal_events(hall.dirs[name]) for name in TERMINALS}
    stores["hub"] = server_events(hall.dirs["hub"])
    stores["central"] = server_events(hall.dirs["central"])
    # every ticket issued: by the kiosk (and any terminal), once in every store
    everyone, problems = ticket_problems(stores)
    for name in TERMINALS:
        tickets = terminal_tickets(hall.dirs[name])
        ids = Counter(t for t, _, _ in tickets)
        if len(tickets) != len(everyone) or any(n > 1 for n in ids.values()):
            problems.append(f"{name}: {len(tickets)} ticket rows for {len(everyone)} issued")
    checks["every_ticket_once_everywhere"] = {"ok": not problems, "issued": len(everyone),
                                              "problems": problems}
    # no number given to two people: in the stores (a day, a label), and what citizens saw
    labels = Counter((d, label) for _, d, label in terminal_tickets(hall.dirs["kiosk"]))
    twice = [f"{d} {label}" for (d, label), n in labels.items() if n > 1]
    seen = [p for p in run.take_failures if "two citizens" in p]
    checks["no_number_twice"] = {"ok": not twice and not seen, "twice": twice + seen,
                                 "numbers_taken": len(run.visits)}
    # every call made while the screen was up (from 5 s after it started to 5 s before it
    # went down) is on the screen's log
    screen = hall.faces["screen"]
    expected, missing_calls = calls_missing(run.calls, {s["shown"] for s in screen.shown},
                                            screen.up_intervals())
    checks["every_call_on_screen"] = {"ok": not missing_calls, "calls": len(run.calls),
                                      "while_screen_up": len(expected),
                                      "missing": missing_calls[:20]}
    # cases and ratings arrived at the hub and the central platform
    made: dict[str, set[str]] = {t: set() for t in ("CaseAccepted", "RatingGiven")}
    for name in ("desk1", "desk2"):
        for e, t, _, _ in stores[name]:
            if t in made:
                made[t].add(e)
    arrived = {}
    for where in ("hub", "central", "kiosk", "desk1", "desk2", "screen"):
        present = {e for e, _, _, _ in stores[where]}
        arrived[where] = {t: len(ids - present) for t, ids in made.items()}
    checks["cases_and_ratings_arrived"] = {
        "ok": all(n == 0 for m in arrived.values() for n in m.values())
        and len(made["CaseAccepted"]) >= len(run.cases)
        and len(made["RatingGiven"]) >= len(run.ratings),
        "cases": len(made["CaseAccepted"]), "ratings": len(made["RatingGiven"]),
        "missing": {w: m for w, m in arrived.items() if any(m.values())}}
    answered, idle = calls_per_hour(run.call_answers, sorted(run.desks), run.t0,
                                    float(run.args.speed), float(run.args.hours))
    called = calls_per_hour(run.calls, sorted(run.desks), run.t0, float(run.args.speed),
                            float(run.args.hours))[0]
    checks["desks_call_every_hour"] = {"ok": not idle, "answered_per_hour": answered,
                                       "tickets_per_hour": called, "idle": idle,
                                       "move_failures": len(run.call_failures),
                                       "f1_said_instead": dict(sorted(
                                           run.call_notices.items(), key=lambda kv: -kv[1])[:8])}
    # F1 refused with a state refusal (当前状态下不能进行这一步) is no call: the hub offered a
    # ticket the desk could not call. Once may be a race (another window's call on its way to
    # the hub); REFUSED_IN_A_ROW times in a row is a desk stopped (issue 29's long runs)
    stuck = {d: n for d, n in run.refused_longest.items() if n >= REFUSED_IN_A_ROW}
    checks["f1_not_refused"] = {"ok": not stuck, "longest_in_a_row": run.refused_longest,
                                "stuck": stuck}
    # every store that heard the same events of a ticket shows it in the same state (the hub's
    # projection included: the one it offers calls from)
    states = {name: terminal_ticket_states(hall.dirs[name]) for name in TERMINALS}
    states["hub"] = hub_ticket_states(hall.dirs["hub"])
    differ = state_mismatches(states, {name: ticket_heard(stores[name]) for name in states})
    checks["same_ticket_states"] = {"ok": not differ, "tickets": len(states["hub"]),
                                    "differ": differ[:20], "differ_count": len(differ)}
    checks["outboxes_empty"] = {"ok": all(v == 0 for v in drained.values()),
                                "pending": drained}
    admin = {}
    for name in TERMINALS:
        rc, out = cli("admin", "check", "--json", "--data-dir", str(hall.dirs[name]))
        admin[name] = "clean" if rc == 0 else (out if isinstance(out, str)
                                               else out.get("message", out))
    checks["admin_check_clean"] = {"ok": all(v == "clean" for v in admin.values()),
                                   "stores": admin}
    ok = all(c["ok"] for c in checks.values())
    return {"ok": ok, "checks": checks, **summary(run, hall)}
