"""A throwaway PostgreSQL cluster in a temporary directory (Debian's postgresql binaries)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def unavailable() -> str | None:
    if not (BIN / "initdb").exists():
        return f"PostgreSQL binaries not found in {BIN} (scripts/setup.sh installs them)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the cluster as"
    return None


class Cluster:
    def __init__(self) -> None:
        # As root the cluster runs as postgres, who must reach the directory: TMPDIR may lie
        # under a root-only directory (pytest's tmp_path does), so root uses /tmp itself.
        where = "/tmp" if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="tingduan-pg-", dir=where))
        self.data = self.root / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o700)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "hall", "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-t", "30", "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root} -F", "start")
        self._run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "hall",
                  "tingduan")

    def url(self, db: str = "tingduan") -> str:
        return f"postgresql+psycopg://hall@127.0.0.1:{self.port}/{db}"

    def new_database(self, name: str) -> str:
        self._run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "hall",
                  name)
        return self.url(name)

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._prefix, *cmd], check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        try:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
