"""kill -9 at random moments: the store opens, the log has no gap, nothing reported is lost."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import TerminalConfig
from hall.core import Core
from hall.store import Store
from hall.store.projections import digest, rebuild
from tests.conftest import ROOT

KILLS = 20


def test_kill_nine_twenty_times(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    reported: set[str] = set()
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.hall.crash_child", str(tmp_path)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.02, 0.4))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        reported.update(line for line in out.split() if line)
        check(tmp_path, reported)
    assert len(reported) > KILLS


def check(folder: Path, reported: set[str]) -> None:
    store = Store.open(folder)
    try:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        seqs = [r[0] for r in conn.execute("SELECT terminal_seq FROM events ORDER BY terminal_seq")]
        assert seqs == list(range(1, len(seqs) + 1))  # gap-free
        ids = {r[0] for r in conn.execute("SELECT ticket_id FROM tickets")}
        assert reported <= ids
        hall = Hall(Core(store, TerminalConfig("H1", "K3"), load_catalog(), index_key=b"k" * 32))
        before = digest(hall.core.store.conn)
        with hall.core.write() as tx:
            rebuild(tx)
        assert digest(hall.core.store.conn) == before
    finally:
        store.close()
