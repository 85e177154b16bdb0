"""A hall as separate processes on loopback: a hub (`serve --role hub`), terminals each running
`sync --forever` (or the headless call screen, which syncs itself), and the CLI acting on their
data directories. The hub can be killed with SIGKILL and started again on the same port."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import httpx

ROOT = Path(__file__).resolve().parents[2]
HALL = "H1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def cli(*args: str, data_dir: Path | None = None, check: bool = True) -> Any:
    """The CLI in this process (what `python main.py ARGS --json` does, without starting an
    interpreter per command): its JSON answer."""
    from cli import main

    extra = [] if data_dir is None else ["--data-dir", str(data_dir)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*args, *extra, "--json"])
    if check and code != 0:
        raise AssertionError(f"{args}: exit {code}: {out.getvalue()}")
    text = out.getvalue().strip()
    return json.loads(text) if text else {"exit": code}


class HallNet:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.hub_dir = root / "hub"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hub: subprocess.Popen[str] | None = None
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self.outputs: dict[str, TextIO] = {}

    def dir(self, name: str) -> Path:
        return self.root / name

    # -- the hub --------------------------------------------------------------------------------
    def start_hub(self) -> None:
        self.hub = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "serve", "--role", "hub", "--port",
             str(self.port), "--data-dir", str(self.hub_dir), "--hall", HALL], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=_env())
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=self.url, timeout=2.0) as http:
            while True:
                try:
                    if http.get("/v1/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the hub did not start"
                assert self.hub.poll() is None, "the hub exited"
                time.sleep(0.05)

    def kill_hub(self) -> None:
        assert self.hub is not None
        self.hub.send_signal(signal.SIGKILL)
        self.hub.wait(10)
        self.hub = None

    # -- terminals ------------------------------------------------------------------------------
    def terminal(self, name: str) -> Path:
        folder = self.dir(name)
        cli("setup", "--hall", HALL, "--terminal", name, "--hub", self.url, data_dir=folder)
        code = cli("serve", "enroll-code", "--hall", HALL, "--terminal", name,
                   data_dir=self.hub_dir)["code"]
        cli("sync", "enroll", "--code", code, data_dir=folder)
        return folder

    def run(self, name: str, *args: str) -> subprocess.Popen[str]:
        """A long-running process of terminal `name` (its stdout kept in a file)."""
        out = (self.root / f"{name}.out").open("w", encoding="utf-8")
        self.outputs[name] = out
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args, "--data-dir",
                                 str(self.dir(name))], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, text=True, env=_env())
        self.procs[name] = proc
        return proc

    def sync(self, name: str) -> subprocess.Popen[str]:
        return self.run(name, "sync", "--forever", "--wait", "5")

    def display(self, name: str) -> subprocess.Popen[str]:
        return self.run(name, "display", "--headless", "--json", "--since", "0")

    def lines(self, name: str) -> list[dict[str, Any]]:
        self.outputs[name].flush()
        text = (self.root / f"{name}.out").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def status(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = cli("sync", "status", data_dir=self.dir(name))
        return result

    def wait_for(self, what: str, test: Any, timeout: float) -> float:
        """Seconds until `test()` holds (polled every 20 ms), or AssertionError."""
        start = time.monotonic()
        while not test():
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{what}: not within {timeout} s")
            time.sleep(0.02)
        return time.monotonic() - start

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.hub is not None and self.hub.poll() is None:
            self.hub.terminate()
            self.hub.wait(20)
        for out in self.outputs.values():
            out.close()
