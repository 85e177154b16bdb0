"""A hall's week without a rest (issue 29): a whole hall as real processes, for hours of hall
time, with faults; checks at the end, figures per face and per hall hour.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak.py [--hours 8] [--speed 10]
                                                             [--seed N] [--json] [--smoke]
                                                             [--faults KIND,...]

The hall: the central platform (`main.py serve --role central`) behind the fault proxy
(tests/sync/faultproxy.py: the uplink), the hub (`main.py serve --role hub --upstream PROXY`),
a kiosk, two desks and the call screen, each a process of its own (bench/soak_face.py: the
real window offscreen on its real bridge and sync threads, driven by its tests' moves: a card
on the emulated GA 467 reader, taps, F1/F6), the ESC/POS printer emulator on TCP. Citizens
arrive at a busy hall's rate (`--rate` an hour; two windows serving ~4 hall minutes each);
each visit is taken at the kiosk, called at a desk, shown on the screen; some become a case
(`main.py case accept` with the card on an emulated ID reader) and a rating (`main.py rate`).
Hall time runs `--speed` times faster than the wall clock; arrivals and services follow it.

Faults at random moments (one every `--fault-every` hall minutes): a process killed with
SIGKILL and restarted (any face, the hub, the central platform), the hub stopped (SIGTERM) and
started, the uplink cut and restored (the proxy), the printer out of paper, a face's clock
stepped by a few minutes (and back later), the disk near full on one desk (its data dir is a
64 MB tmpfs, filled up to ~100 kB; root only, else that fault is skipped and said so). The
kinds are dealt in shuffled rounds, so a short run has each of them.

Checks at the end (bench/soak_checks.py), exit 1 if any fails: every ticket issued exactly once
in every store, the hub and the central; no number given twice; every call made while the
screen was up is on its log; every case and rating arrived; no outbox waiting; `admin check`
clean on every store; each desk called in every hall hour. Figures per face and per hall hour
(bench/soak_figures.py): RSS, fds, threads, the longest GUI stall and its p99, store and WAL
sizes, the wait a citizen saw from ticket to call against what the schedule gives. A face's
log (logs/NAME.log in the run's folder) holds every thread's stack at each GUI stall over
250 ms and at each move of the driver that never came.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: its modules (queue.py, sync.py) shadow others
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _shadowed in ("queue",):  # imported from bench/ before the line above took effect
    if getattr(sys.modules.get(_shadowed), "__file__", "").startswith(str(ROOT / "bench")):
        del sys.modules[_shadowed]

from concurrent.futures import Future, ThreadPoolExecutor  # noqa: E402
from queue import Empty, Queue  # noqa: E402

from bench import soak_checks, soak_figures  # noqa: E402
from bench.soak_checks import cli  # noqa: E402

HALL = "SOAK"
PASSWORD = "soak-password-1"
SERVICE = "newborn"
PY = sys.executable
# a module of this bench, not a bench of its own (tests/test_bench_smoke.py runs those)
FACE = ["-c", "import sys; from bench.soak_face import main; sys.exit(main())"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- processes ----------------------------------------------------------------------------
@dataclass
class Proc:
    """One process of the hall, restartable; a face talks JSON lines on stdin/stdout."""

    name: str
    argv: list[str]
    log: Path
    face: bool = False
    proc: subprocess.Popen[str] | None = None
    answers: Queue[dict[str, Any]] = field(default_factory=Queue)
    shown: list[dict[str, Any]] = field(default_factory=list)
    up_since: float = 0.0
    ups: list[tuple[float, float]] = field(default_factory=list)  # (up, down) wall times
    starts: int = 0
    busy: str | None = None  # the op the face is doing
    pid_ready: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        self.pid_ready.clear()
        self.answers = Queue()
        self.busy = None
        with self.log.open("a") as err:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE if self.face else subprocess.DEVNULL,
                stdout=subprocess.PIPE if self.face else subprocess.DEVNULL, stderr=err,
                text=True, cwd=ROOT, env=env, start_new_session=True)
        self.starts += 1
        self.up_since = time.time()
        if self.face:
            threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if "shown" in obj:
                self.shown.append(obj)
            elif obj.get("ready"):
                self.pid_ready.set()
            else:
                self.answers.put(obj)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ready(self) -> bool:
        return self.alive() and (not self.face or self.pid_ready.is_set())

    def send(self, req: dict[str, Any]) -> bool:
        if not self.ready() or self.proc is None or self.proc.stdin is None:
            return False
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def ask(self, req: dict[str, Any], timeout: float = 20) -> dict[str, Any] | None:
        """A request and its answer, waited for (the end's stall read, a clock step)."""
        if not self.send(req):
            return None
        deadline = time.monotonic() + timeout
        others: list[dict[str, Any]] = []  # answers to the driver's moves: put back after
        try:
            while time.monotonic() < deadline:
                try:
                    got = self.answers.get(timeout=0.2)
                except Empty:
                    if not self.alive():
                        return None
                    continue
                if got.get("op") == req["op"]:
                    return got
                others.append(got)
            return None
        finally:
            for got in others:
                self.answers.put(got)

    def _down(self) -> None:
        if self.up_since:
            self.ups.append((self.up_since, time.time()))
        self.up_since = 0.0

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self._down()

    def stop(self, timeout: float = 30) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self._down()
            return
        if self.face and self.send({"op": "quit"}):
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._down()

    def up_intervals(self) -> list[tuple[float, float]]:
        return self.ups + ([(self.up_since, float("inf"))] if self.up_since else [])


def wait_http(url: str, proc: Proc, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/v1/health", timeout=1):
                return
        except OSError:
            if not proc.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{proc.name} did not come up (see {proc.log})") from None
            time.sleep(0.1)


# --- the hall -----------------------------------------------------------------------------
class Hall:
    def __init__(self, root: Path, printer_url: str, proxy_factory: Any) -> None:
        self.root = root
        self.central_port, self.hub_port = free_port(), free_port()
        logs = root / "logs"
        logs.mkdir(parents=True)
        self.dirs = {n: root / n for n in ("central", "hub", "kiosk", "desk1", "desk2",
                                           "screen")}
        serve = [PY, str(ROOT / "main.py"), "serve", "--host", "127.0.0.1"]
        self.central = Proc("central", [*serve, "--role", "central", "--port",
                                        str(self.central_port), "--data-dir",
                                        str(self.dirs["central"])], logs / "central.log")
        self.central.start()
        self.central_url = f"http://127.0.0.1:{self.central_port}"
        wait_http(self.central_url, self.central)
        self.uplink = proxy_factory(self.central_port)
        code = self._code("central", "HUB", hub=True)
        rc, out = cli("serve", "enroll", "--json", "--data-dir", str(self.dirs["hub"]),
                      "--upstream", self.uplink.url, "--code", code)
        assert rc == 0, f"hub enroll: {out}"
        self.hub = Proc("hub", [*serve, "--role", "hub", "--port", str(self.hub_port),
                                "--upstream", self.uplink.url, "--data-dir",
                                str(self.dirs["hub"])], logs / "hub.log")
        self.hub.start()
        self.hub_url = f"http://127.0.0.1:{self.hub_port}"
        wait_http(self.hub_url, self.hub)
        self.printer_url = printer_url
        self.clock_offsets: dict[str, int] = {}
        faces = {"kiosk": ("kiosk", "K1", []), "desk1": ("desk", "D1", ["--window", "1"]),
                 "desk2": ("desk", "D2", ["--window", "2"]), "screen": ("screen", "S1", [])}
        self.faces: dict[str, Proc] = {}
        for name, (kind, terminal, extra) in faces.items():
            folder = self.dirs[name]
            self._terminal(folder, terminal, desk=kind == "desk")
            if kind == "kiosk":
                extra = ["--printer", printer_url]
            self.faces[name] = Proc(name, [PY, *FACE, kind, str(folder), *extra],
                                    logs / f"{name}.log", face=True)

    def _code(self, server: str, terminal: str, *, hub: bool = False) -> str:
        rc, out = cli("serve", "enroll-code", "--json", "--data-dir", str(self.dirs[server]),
                      "--hall", HALL, "--terminal", terminal, *(["--hub"] if hub else []))
        assert rc == 0, f"enroll-code: {out}"
        return str(out["code"])

    def _terminal(self, folder: Path, terminal: str, *, desk: bool) -> None:
        rc, out = cli("setup", "--json", "--data-dir", str(folder), "--hall", HALL,
                      "--terminal", terminal, "--hub", self.hub_url)
        assert rc == 0, f"setup {terminal}: {out}"
        rc, out = cli("sync", "enroll", "--json", "--data-dir", str(folder), "--code",
                      self._code("hub", terminal))
        assert rc == 0, f"enroll {terminal}: {out}"
        if desk:  # the hall's admin is made on its hub (a hall's desk makes none) and pulled
            from hall.app import Hall as Store

            rc, out = cli("serve", "user", "add", "admin", "--role", "admin", "--hall", HALL,
                          "--json", "--data-dir", str(self.dirs["hub"]), stdin=PASSWORD + "\n")
            assert rc == 0, f"serve user add: {out}"
            rc, out = cli("sync", "--once", "--json", "--data-dir", str(folder))
            assert rc == 0, f"sync {terminal}: {out}"
            with Store.open(folder) as hall:
                hall.sign_in("admin", PASSWORD).accounts.add("clerk", "clerk", PASSWORD)

    def procs(self) -> dict[str, Proc]:
        return {"central": self.central, "hub": self.hub, **self.faces}

    def start_face(self, name: str) -> None:
        proc = self.faces[name]
        argv = [a for a in proc.argv if not a.startswith("--clock-offset-ms=")]
        proc.argv = [*argv, f"--clock-offset-ms={self.clock_offsets.get(name, 0)}"]
        proc.start()

    def restart(self, name: str, *, wait: bool = False) -> None:
        """Started again; a server waited for only if `wait` (at the end): during the run the
        loop goes on at once, as a hall does while its hub boots (under load a boot took 10-20
        s of wall time, minutes of hall time at 20x, with no citizen served meanwhile)."""
        if name in self.faces:
            self.start_face(name)
            return
        proc = self.procs()[name]
        proc.start()
        if wait:
            self.wait_up(name)

    def wait_up(self, name: str) -> None:
        proc = self.procs()[name]
        wait_http(self.central_url if name == "central" else self.hub_url, proc)


# --- the citizens and the clerks ----------------------------------------------------------
@dataclass
class Visit:
    number: str
    taken: float  # wall time
    expected_s: float  # the wait the schedule gives (hall seconds)
    called: float | None = None


@dataclass
class Desk:
    name: str
    state: str = "idle"  # idle | calling | serving | finishing
    number: str | None = None
    until: float = 0.0
    idle_until: float = 0.0


class Run:
    def __init__(self, args: argparse.Namespace, hall: Hall, printer: Any) -> None:
        self.args, self.hall, self.printer = args, hall, printer
        self.rng = random.Random(args.seed)
        self.t0 = time.time()
        self.visits: dict[str, Visit] = {}
        self.waiting: list[str] = []
        self.calls: list[tuple[str, str, float]] = []  # (desk, number, wall)
        self.desks = {n: Desk(n) for n in ("desk1", "desk2")}
        self.faults: list[dict[str, Any]] = []
        self.deck: list[str] = []  # fault kinds left in this round
        self.undo: list[tuple[float, str, Any]] = []  # (wall, what, arg)
        self.restarts: list[tuple[float, str]] = []
        self.take_failures: list[str] = []
        self.call_failures: list[str] = []
        self.call_answers: list[tuple[str, str, float]] = []  # (desk, number or "", wall)
        self.call_notices: dict[str, int] = {}  # what F1 said instead of a ticket, how often
        self.refused_in_a_row = {n: 0 for n in self.desks}  # F1 refused (a state refusal)
        self.refused_longest = {n: 0 for n in self.desks}  # ... the most times in a row
        self.cli_failures: list[str] = []
        self.cases: list[str] = []
        self.ratings: list[str] = []
        self.side = ThreadPoolExecutor(1, thread_name_prefix="soak-cli")
        self.side_jobs: list[Future[None]] = []
        self.kiosk_busy = False
        self.queue_len = 0  # citizens arrived, not yet at the kiosk
        self.disk = soak_checks.DiskFiller(hall.dirs["desk2"]) if args.disk else None
        self.figures = soak_figures.Figures(hall)

    # hall time, in hall seconds since the start
    def now(self) -> float:
        return (time.time() - self.t0) * float(self.args.speed)

    def wall(self, hall_s: float) -> float:
        return hall_s / float(self.args.speed)

    def run(self) -> None:
        end = self.args.hours * 3600
        next_arrival = self.rng.expovariate(self.args.rate / 3600)
        next_fault = self.args.fault_every * 60 * self.rng.uniform(0.5, 1.0)
        next_hour = 3600.0
        self.figures.sample(0, self.stalls())
        while self.now() < end:
            now = self.now()
            if now >= next_arrival:
                self.waiting_line_arrives()
                next_arrival = now + self.rng.expovariate(self.args.rate / 3600)
            if now >= next_fault and now < end - min(5 * 60, end * 0.2):  # a quiet tail
                self.fault()
                next_fault = now + self.args.fault_every * 60 * self.rng.uniform(0.5, 1.5)
            if now >= next_hour:
                self.figures.sample(round(now / 3600), self.stalls())
                next_hour += 3600
            self.step_undo()
            self.keep_up()
            self.kiosk_turn()
            for desk in self.desks.values():
                self.desk_turn(desk)
            time.sleep(0.05)

    # --- citizens
    def waiting_line_arrives(self) -> None:
        self.queue_len += 1

    def kiosk_turn(self) -> None:
        kiosk = self.hall.faces["kiosk"]
        while True:
            try:
                got = kiosk.answers.get_nowait()
            except Empty:
                break
            if got.get("op") != "take":
                continue
            self.kiosk_busy = False
            if "failed" in got or not got.get("number"):
                self.take_failures.append(str(got.get("failed")))
                continue
            number = got["number"]
            ahead = len(self.waiting) + sum(d.state == "serving" for d in self.desks.values())
            expected = ahead * self.args.service_min * 60 / len(self.desks)
            if number in self.visits:
                self.take_failures.append(f"number {number} shown to two citizens")
            self.visits[number] = Visit(number, float(got["t"]), expected)
            self.waiting.append(number)
        if not kiosk.ready():
            self.kiosk_busy = False
            return
        if not self.kiosk_busy and self.queue_len > 0 and kiosk.send(
                {"op": "take", "service": SERVICE}):
            self.queue_len -= 1
            self.kiosk_busy = True

    # --- clerks
    def desk_turn(self, desk: Desk) -> None:
        face = self.hall.faces[desk.name]
        if not face.ready():
            desk.state = "idle"
            return
        while True:
            try:
                got = face.answers.get_nowait()
            except Empty:
                break
            if got.get("op") == "call":
                if "failed" not in got:  # F1 answered: a ticket, a refusal or no one waiting
                    # (what it said is counted in call_notices; a state refusal in
                    # refused_longest too: the check f1_not_refused)
                    self.call_answers.append((desk.name, got.get("number") or "", time.time()))
                if "failed" in got:
                    self.call_failure(f"{desk.name}: {got['failed']}", got)
                    desk.state = "idle"
                elif got.get("held"):  # restarted holding its ticket: served on, no new call
                    desk.state, desk.number = "serving", got["number"]
                    desk.until = time.time() + self.wall(60)
                elif got.get("number"):
                    self.refused_in_a_row[desk.name] = 0
                    self.called(desk, got["number"], float(got["t"]))
                else:
                    if got.get("refused"):
                        row = self.refused_in_a_row[desk.name] = self.refused_in_a_row[
                            desk.name] + 1
                        self.refused_longest[desk.name] = max(self.refused_longest[desk.name],
                                                              row)
                    desk.state, desk.idle_until = "idle", time.time() + self.wall(60)
                    notice = str(got.get("notice") or "")
                    if notice:  # what F1 said instead of a ticket, counted for the figures
                        self.call_notices[f"{desk.name}: {notice}"] = self.call_notices.get(
                            f"{desk.name}: {notice}", 0) + 1
            elif got.get("op") == "done":
                desk.state, desk.number = "idle", None
                if "failed" in got:
                    self.call_failure(f"{desk.name} done: {got['failed']}", got)
        now = time.time()
        if desk.state == "idle" and now >= desk.idle_until:
            if face.send({"op": "call"}):
                desk.state = "calling"
        elif desk.state == "serving" and now >= desk.until:
            number = desk.number
            if face.send({"op": "done"}):
                desk.state = "finishing"
                if number and self.rng.random() < self.args.rating_share:
                    self.side_jobs.append(self.side.submit(self.rate, desk.name, number))

    def call_failure(self, what: str, got: dict[str, Any]) -> None:
        """A desk's move that never came, with the hall minute and what the desk showed."""
        said = f"{round(self.now() / 60, 1)}′ {what} [{got.get('state', '')}]"
        self.call_failures.append(said)
        print(f"soak: {said}", file=sys.stderr, flush=True)

    def called(self, desk: Desk, number: str, at: float) -> None:
        self.calls.append((desk.name, number, at))
        visit = self.visits.get(number)
        if visit is not None and visit.called is None:
            visit.called = at
        if number in self.waiting:
            self.waiting.remove(number)
        desk.state, desk.number = "serving", number
        desk.until = time.time() + self.wall(self.rng.expovariate(1 / (self.args.service_min * 60)))
        if self.rng.random() < self.args.case_share:
            self.side_jobs.append(self.side.submit(self.accept, desk.name, number))

    def accept(self, desk: str, number: str) -> None:
        from bench.soak_face import random_card
        from devices.emulators.id_reader import IdReaderEmulator

        with IdReaderEmulator(random_card(self.rng)) as reader:
            rc, out = cli("case", "accept", "--json", "--data-dir", str(self.hall.dirs[desk]),
                          "--id-reader", reader.path, "--ticket", number, "--service", SERVICE,
                          *[f"--material={m}=submitted" for m in soak_checks.materials(SERVICE)])
        if rc == 0:
            self.cases.append(number)
        else:
            self.cli_failures.append(f"case accept {number} at {desk}: {rc} {out}")

    def rate(self, desk: str, number: str) -> None:
        rc, out = cli("rate", "--json", "--data-dir", str(self.hall.dirs[desk]), "--ticket",
                      number, "--grade", str(self.rng.randint(3, 5)))
        if rc == 0:
            self.ratings.append(number)
        else:
            self.cli_failures.append(f"rate {number} at {desk}: {rc} {out}")

    # --- faults
    def fault_kind(self) -> str:
        """The next fault: the kinds dealt in shuffled rounds (a kill twice a round), so that
        even a short run (CI's) has each kind once, in an order the seed decides."""
        if not self.deck:
            self.deck = ["kill", "kill", "hub_restart", "uplink", "paper", "clock"]
            if self.disk is not None and self.disk.available:
                self.deck.append("disk")
            if self.args.faults:  # one kind (or a few) at a time: which fault shows a fault
                self.deck = [k for k in self.deck if k in self.args.faults] or ["none"]
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def fault(self) -> None:
        kind = self.fault_kind()
        record: dict[str, Any] = {"hall_min": round(self.now() / 60, 1), "kind": kind}
        if kind == "kill":
            name = self.rng.choice(sorted(self.hall.procs()))
            record["process"] = name
            self.hall.procs()[name].kill()
            self.undo.append((time.time() + self.rng.uniform(1, 4), "restart", name))
        elif kind == "hub_restart":
            self.hall.hub.stop()
            self.undo.append((time.time() + self.rng.uniform(1, 4), "restart", "hub"))
        elif kind == "uplink":
            self.hall.uplink.down = True
            minutes = self.rng.uniform(3, 20)
            record["hall_minutes"] = round(minutes, 1)
            self.undo.append((time.time() + self.wall(minutes * 60), "uplink", None))
        elif kind == "paper":
            self.printer.paper = "out"
            minutes = self.rng.uniform(3, 15)
            record["hall_minutes"] = round(minutes, 1)
            self.undo.append((time.time() + self.wall(minutes * 60), "paper", None))
        elif kind == "clock":
            name = self.rng.choice(sorted(self.hall.faces))
            offset = self.rng.choice([-1, 1]) * self.rng.randint(60, 240) * 1000
            record.update(face=name, offset_s=offset // 1000)
            self.step_clock(name, offset)
            self.undo.append((time.time() + self.wall(self.rng.uniform(5, 20) * 60), "clock",
                              name))
        elif kind == "disk" and self.disk is not None:
            record["left_bytes"] = self.disk.fill()
            self.undo.append((time.time() + self.wall(self.rng.uniform(3, 10) * 60), "disk",
                              None))
        self.faults.append(record)

    def step_clock(self, name: str, offset_ms: int) -> None:
        self.hall.clock_offsets[name] = offset_ms
        self.hall.faces[name].send({"op": "step", "offset_ms": offset_ms})

    def step_undo(self, everything: bool = False) -> None:
        now = time.time()
        for item in sorted(self.undo):
            at, what, arg = item
            if at > now and not everything:
                continue
            self.undo.remove(item)
            if what == "restart" and not self.hall.procs()[arg].alive():
                self.hall.restart(arg)
                self.restarts.append((now, arg))
            elif what == "uplink":
                self.hall.uplink.down = False
            elif what == "paper":
                self.printer.paper = "ok"
            elif what == "clock":
                self.step_clock(arg, 0)
            elif what == "disk" and self.disk is not None:
                self.disk.free()

    def keep_up(self) -> None:
        """A face that died on its own (not killed by a fault) is restarted too, and said."""
        pending = {arg for _, what, arg in self.undo if what == "restart"}
        for name, proc in self.hall.procs().items():
            if proc.proc is not None and not proc.alive() and name not in pending:
                if proc.up_since:  # it ended by itself
                    self.faults.append({"hall_min": round(self.now() / 60, 1),
                                        "kind": "died", "process": name,
                                        "exit": proc.proc.returncode})
                proc._down()
                self.hall.restart(name)

    def stalls(self) -> dict[str, dict[str, Any] | None]:
        return {name: face.ask({"op": "stall"}, timeout=10) if face.ready() else None
                for name, face in self.hall.faces.items()}

    # --- the end
    def settle(self) -> None:
        """Faults undone, every process up; the faces finish what they do; sync drains."""
        self.step_undo(everything=True)
        for name, proc in self.hall.procs().items():
            if not proc.alive():
                self.hall.restart(name)
        for name in ("central", "hub"):
            self.hall.wait_up(name)
        deadline = time.time() + 60
        while time.time() < deadline and (
                self.kiosk_busy or any(d.state in ("calling", "finishing")
                                       for d in self.desks.values())):
            self.kiosk_turn()
            for desk in self.desks.values():
                if desk.state != "serving":
                    self.desk_turn(desk)
            time.sleep(0.1)
        for job in self.side_jobs:
            try:
                job.result(timeout=300)
            except Exception as exc:  # said as a failure of the run, not a crash of it
                self.cli_failures.append(f"{type(exc).__name__}: {exc}")
        self.side.shutdown()


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--hours", type=float, default=8.0, help="hall hours to run (default 8)")
    p.add_argument("--speed", type=float, default=10.0, help="hall time / wall time (default 10)")
    p.add_argument("--smoke", action="store_true", help="a tiny run: 0.1 hall hours at 20x")
    p.add_argument("--seed", type=int, default=29)
    p.add_argument("--rate", type=float, default=26.0, help="citizens a hall hour (default 26)")
    p.add_argument("--service-min", type=float, default=4.0,
                   help="mean service time at a window, hall minutes (default 4)")
    p.add_argument("--fault-every", type=float, default=8.0,
                   help="mean hall minutes between faults (default 8)")
    p.add_argument("--case-share", type=float, default=0.4)
    p.add_argument("--rating-share", type=float, default=0.5)
    p.add_argument("--faults", type=lambda v: [k for k in v.split(",") if k], default=[],
                   help="only these fault kinds, comma-separated (kill, hub_restart, uplink, "
                   "paper, clock, disk); default every kind")
    p.add_argument("--no-disk", dest="disk", action="store_false",
                   help="no disk-full fault (it needs root for its tmpfs)")
    p.add_argument("--keep", action="store_true", help="keep the run's folder")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.smoke:
        args.hours, args.speed, args.fault_every = min(args.hours, 0.1), 20.0, 1.5
    return args


def main() -> int:
    args = parse()
    from devices.emulators.printer import PrinterEmulator
    from tests.sync.faultproxy import FaultProxy

    root = Path(tempfile.mkdtemp(prefix="soak-"))
    printer = PrinterEmulator(0, root / "printed")
    printer.plug()
    hall: Hall | None = None
    run: Run | None = None
    try:
        hall = Hall(root, printer.url, FaultProxy)
        run = Run(args, hall, printer)
        for name in hall.faces:
            hall.start_face(name)
        for name, face in hall.faces.items():
            if not face.pid_ready.wait(120):
                raise RuntimeError(f"{name} did not come up (see {face.log})")
        run.t0 = time.time()
        run.run()
        run.settle()
        result = soak_checks.finish(run, hall)
    finally:
        if run is not None and run.disk is not None:
            run.disk.close()
        if hall is not None:
            for proc in hall.procs().values():
                proc.stop()
            hall.uplink.close()
        printer.close()
    result["run"] = {"hours": args.hours, "speed": args.speed, "seed": args.seed,
                     "folder": str(root), "load_1min_at_end": os.getloadavg()[0],
                     "cores": os.cpu_count()}
    (root / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        soak_figures.show(result)
    if not args.keep and result["ok"]:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
