"""A full disk does not end the sync loop nor the peer service (issue 29's soak found both):
the loop records its
failure in the store; when that write fails too (the disk is full), the thread used to end for
good and the terminal never synced again until restarted. On a 2 MB tmpfs filled to the last
block, in a mount namespace of its own (unshare -Urm): nothing of the host is touched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hall.test_cli_damage import _unshare

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, subprocess, sys, threading, time
from pathlib import Path
from hall.app import Hall
from hall.terminal_setup import setup_terminal
from sync import runner
from sync.credential import SyncCredential

folder = Path("/mnt/d")
setup_terminal(folder, "H1", "K1")
with Hall.open(folder) as hall:
    hall.tickets.take(hall.kiosk(), "newborn")  # an outbox to push: every round fails
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hub(BaseHTTPRequestHandler):
    # A hub that only lists peers (none): the peer service writes what it heard at every
    # announce, so its round writes to the full store; push and pull are refused as busy (503:
    # a NetworkError, each round of the sync loops fails and records itself).

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        ok = self.command == "POST" and self.path.endswith("/peers")
        body = json.dumps({"peers": []} if ok else {"detail": "busy"}).encode()
        self.send_response(200 if ok else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args: object) -> None:
        pass


hub = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
threading.Thread(target=hub.serve_forever, daemon=True).start()
port = hub.server_address[1]
stop = threading.Event()
cred = SyncCredential(f"http://127.0.0.1:{port}", "token", "H1", "K1")
loop = threading.Thread(target=runner.run_forever, args=(lambda: Hall.open(folder), cred, stop),
                        kwargs={"wait": 0.2, "cap": 0.3}, daemon=True)
loop.start()
time.sleep(1.5)  # its halls open (a store is refused at opening on a full disk), then full:
started = sorted(t.name for t in threading.enumerate() if t.name.startswith("sync-"))
print("STARTED", ",".join(started), flush=True)
subprocess.run("dd if=/dev/zero of=/mnt/fill bs=4k 2>/dev/null", shell=True)
time.sleep(3)  # several failed rounds, each failing to record itself on the full disk
alive = sorted(t.name for t in threading.enumerate() if t.name.startswith("sync-"))
print("FULL", ",".join(alive), flush=True)
Path("/mnt/fill").unlink()
deadline = time.monotonic() + 20
while time.monotonic() < deadline:  # freed: the loop records its error again
    with Hall.open(folder) as hall:
        if runner.status(hall.core)["last_error"]:
            break
    time.sleep(0.2)
with Hall.open(folder) as hall:
    print("FREED", bool(runner.status(hall.core)["last_error"]), flush=True)
stop.set()
loop.join(20)
"""


@pytest.mark.skipif(_unshare() is not None, reason=str(_unshare()))
def test_the_sync_loop_outlives_a_full_disk() -> None:
    script = (f"mount -t tmpfs -o size=2m tmpfs /mnt && PYTHONPATH={ROOT} "
              f"{sys.executable} -c '{CHILD}'")
    done = subprocess.run(["unshare", "-Urm", "sh", "-c", script], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    started = lines.get("STARTED", "").split(",")
    assert {"sync-pull", "sync-push"} <= set(started), (done.stdout, done.stderr[-3000:])
    assert lines.get("FULL") == lines["STARTED"], (done.stdout, done.stderr[-3000:])  # all alive
    assert lines.get("FREED") == "True", (done.stdout, done.stderr[-3000:])
    # no thread ended on the full disk: the peer service's announce round wrote "hub away" to
    # the full store and its thread ended for good (no peer server, no pullers until the
    # terminal restarted: the soak of issue 29), and its pullers the same way
    assert "Exception in thread" not in done.stderr, done.stderr[-3000:]
