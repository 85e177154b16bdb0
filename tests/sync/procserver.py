"""A central server as a process of its own on a free port of 127.0.0.1: the way two hosts (or
two `--workers`) run over one PostgreSQL, with each process addressable on its own.

`python -m tests.sync.procserver DATA_DIR DATABASE_URL [JSON create_app options]` prints
`port N` on stdout once it listens, and serves until SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """One server process (tests and bench/province.py start two or more on one database)."""

    def __init__(self, data_dir: Path, url: str, **options: Any) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.procserver", str(data_dir), url,
             json.dumps(options)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            cwd=ROOT, text=True)
        self.port = 0
        self.url = ""
        self.pid = self.proc.pid

    def ready(self) -> ServerProcess:
        """Wait until it listens (start several first, then wait: they start in parallel)."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until it listens, or it died
        if not line.startswith("port "):
            self.proc.kill()
            _out, err = self.proc.communicate(timeout=10)
            raise RuntimeError(f"server process did not start: {line}{err[-2000:]}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def main(argv: list[str]) -> None:
    from sync.server import db
    from sync.server.app import create_app
    from sync.server.run import bound_socket, server

    data_dir, url = Path(argv[0]), argv[1]
    options: dict[str, Any] = json.loads(argv[2]) if len(argv) > 2 else {}
    engine = db.open_engine(url)
    app = create_app(engine, role="central", data_dir=data_dir, **options)
    sock = bound_socket()
    srv = server(app, "127.0.0.1", sock.getsockname()[1])
    port = sock.getsockname()[1]

    def announce() -> None:  # once uvicorn listens: the parent may connect at once
        deadline = time.monotonic() + 60
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.01)
        print(f"port {port}", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    try:
        srv.run(sockets=[sock])
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
