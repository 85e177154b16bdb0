"""A real print path for the desk's A4 papers: a private CUPS scheduler (cupsd in a temporary
folder, listening on a Unix socket only) with a raw queue whose device is an AppSocket/JetDirect
printer emulated on 127.0.0.1 — QPrinter → libcups → cupsd → socket backend → the emulator,
which keeps each job's bytes (the PDF Qt rendered) for the test to read.

The scheduler is set up as a desk PC should be (docs/security.md): `PreserveJobFiles No`, so a
job's file leaves CUPS's spool once printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

CUPSD_CONF = """\
Listen {socket}
LogLevel warn
WebInterface No
Browsing No
DefaultAuthType None
PreserveJobFiles No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess default
  JobPrivateValues default
  SubscriptionPrivateAccess default
  SubscriptionPrivateValues default
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
FILES_CONF = """\
ServerRoot {root}
RequestRoot {root}/spool
TempDir {root}/spool/tmp
StateDir {root}/state
CacheDir {root}/cache
ErrorLog {root}/log/error_log
AccessLog {root}/log/access_log
PageLog {root}/log/page_log
Sandboxing Relaxed
"""


def available() -> str | None:
    """Why the private scheduler cannot run here, or None."""
    if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
        return "cupsd / lpadmin not installed (scripts/setup.sh installs cups for the tests)"
    if not Path("/usr/lib/cups/backend/socket").exists():
        return "the CUPS socket backend is not installed (Debian package cups)"
    if os.geteuid() != 0:
        return "cupsd runs its backends as lp: the private scheduler needs root"
    return None


class A4PrinterEmulator:
    """An AppSocket (port 9100 style) printer on 127.0.0.1: each connection is one job."""

    def __init__(self) -> None:
        self.jobs: list[bytes] = []
        self._done = threading.Condition()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="a4-emulator", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            data = bytearray()
            with conn:
                conn.settimeout(30)
                while chunk := conn.recv(65536):
                    data += chunk
            with self._done:
                self.jobs.append(bytes(data))
                self._done.notify_all()

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        with self._done:
            return self._done.wait_for(lambda: len(self.jobs) >= count, timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()


class PrivateCups:
    """cupsd on a Unix socket in `root`; `env` points libcups (and so Qt) at it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "cups.sock"
        for sub in ("spool/tmp", "state", "cache", "log"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "cupsd.conf").write_text(CUPSD_CONF.format(socket=self.socket))
        (root / "cups-files.conf").write_text(FILES_CONF.format(root=root))
        self.proc = subprocess.Popen(
            ["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"cupsd did not start: {self.log()}")
            time.sleep(0.05)

    @property
    def env(self) -> dict[str, str]:
        return {"CUPS_SERVER": str(self.socket)}

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, **self.env})

    def _answers(self) -> bool:
        return self.socket.exists() and self._run("lpstat", "-r").returncode == 0

    def add_queue(self, name: str, uri: str) -> None:
        """A raw queue (the job goes to the device as Qt rendered it: a PDF)."""
        done = self._run("lpadmin", "-p", name, "-E", "-v", uri, "-m", "raw")
        if done.returncode != 0:
            raise RuntimeError(f"lpadmin: {done.stderr}")

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """No job pending or printing."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._run("lpstat", "-o").stdout.strip():
                return True
            time.sleep(0.1)
        return False

    def spooled_files(self) -> list[Path]:
        """Job data files CUPS still holds (d<job>-<n>)."""
        return sorted(p for p in (self.root / "spool").glob("d*") if p.is_file())

    def log(self) -> str:
        try:
            return (self.root / "log" / "error_log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
