"""The sync client killed with SIGKILL at random moments during push and pull: after a restart
nothing is lost and nothing is doubled, on either side. SYNC_KILLS sets the number of kills."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from hall import config as config_file
from hall.app import Hall
from hall.catalog import load_catalog
from hall.core import Core
from hall.store import Store
from sync import credential
from sync.server.tables import events
from tests.sync.fill import fill, until

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("SYNC_KILLS", "20"))
COUNT = int(os.environ.get("SYNC_CRASH_EVENTS", "4000"))


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_sigkill_during_push_and_pull(make_server, make_terminal, tmp_path: Path) -> None:
    srv = make_server()
    other = make_terminal(srv.url, srv.token("H1", "K2"), "K2", numbering="standalone")
    fill(other.hall, COUNT)
    until(lambda: other.push() is not None and other.once()["pending"] == 0)

    folder = tmp_path / "k1"
    assert _cli("setup", "--hall", "H1", "--terminal", "K1", "--standalone", "--data-dir",
                str(folder), "--json").returncode == 0
    hall = Hall(Core(Store.open(folder), config_file.load(folder), load_catalog()))
    fill(hall, COUNT)
    hall.core.store.close()
    credential.save(folder, credential.SyncCredential(srv.url, srv.token("H1", "K1"), "H1", "K1"))

    rng = random.Random(11)
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "sync", "--forever",
                                 "--wait", "1", "--data-dir", str(folder)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    for _ in range(20):  # then a clean finish
        done = _cli("sync", "--once", "--json", "--data-dir", str(folder))
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        if result["pending"] == 0 and result["pulled"] == 0 and result["pushed"] == 0:
            break
    with srv.engine.connect() as c:
        seqs = [r[0] for r in c.execute(select(events.c.terminal_seq).where(
            events.c.terminal_id == "K1").order_by(events.c.pos))]
    assert seqs == list(range(1, COUNT + 1))
    store = Store.open(folder)
    try:
        got = store.conn.execute(
            "SELECT terminal_id, COUNT(*), COUNT(DISTINCT terminal_seq), MAX(terminal_seq) "
            "FROM events GROUP BY terminal_id ORDER BY terminal_id").fetchall()
        assert got == [("K1", COUNT, COUNT, COUNT), ("K2", COUNT, COUNT, COUNT)]
        assert store.conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 2 * COUNT
    finally:
        store.close()
