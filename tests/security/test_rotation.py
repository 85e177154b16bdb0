"""admin rotate-key: the store is re-keyed, sealed fields re-sealed, and a kill -9 anywhere is
healed by running it again (or, between re-key and key swap, by simply opening the store)."""

from __future__ import annotations

import json
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
from hall.events import EventType
from hall.ids import new_id
from hall.security import keys
from hall.security.crypto import TOKEN_RE, Sealer, kid_of, seal_applicant
from hall.store import Store
from hall.store.engine import open_with_key
from tests.conftest import OP
from tests.security.conftest import ROOT, plaintext_hits, run_cli
from tests.security.samples import PEOPLE


def populate(data_dir: Path, n: int) -> dict[str, str]:
    """n accepted cases whose applicants are sealed; returns case_id -> ID number."""
    index_key = keys.load_or_create(data_dir, keys.INDEX)
    sealer = Sealer.for_data_dir(data_dir, "H1")
    hall = Hall(Core(Store.open(data_dir), TerminalConfig("H1", "K3"), load_catalog(),
                       index_key=index_key))
    expected: dict[str, str] = {}
    with hall.core.write() as conn:
        for i in range(n):
            name, id_number, address, phone = PEOPLE[i % len(PEOPLE)]
            person = seal_applicant(sealer, index_key, name=name, id_number=id_number,
                                    address=address, phone=phone, verified=True,
                                    source="id_card")
            case_id = new_id()
            hall.core.emit(conn, EventType.CASE_ACCEPTED, {
                "case_id": case_id, "case_number": f"H1-20261123-K3-{i:05d}",
                "service_id": "newborn", "ticket_id": None, "at": "2026-11-23T09:00:00+08:00",
                "applicant": {"masked": person.masked(), "key": person.key,
                              "sealed": person.sealed, "verified": True},
                "materials": []}, OP)
            expected[case_id] = id_number
    hall.core.store.close()
    return expected


def verify(data_dir: Path, expected: dict[str, str], *, final: bool = True) -> str:
    sealer = Sealer.for_data_dir(data_dir, "H1")
    store = Store.open(data_dir)
    rows = store.conn.execute(
        "SELECT payload FROM events WHERE type = 'CaseAccepted'").fetchall()
    store.close()
    assert len(rows) == len(expected)
    for (payload,) in rows:
        p = json.loads(payload)
        token = p["applicant"]["sealed"]
        if final:
            assert TOKEN_RE.fullmatch(token).group(2) == sealer.current  # type: ignore[union-attr]
        assert sealer.open_json(token)["id_number"] == expected[p["case_id"]]
    return sealer.current


def test_rotate_key_rekeys_and_reseals(data_dir: Path) -> None:
    expected = populate(data_dir, 40)
    old_store = keys.load(data_dir, keys.STORE)
    old_data = keys.load(data_dir, keys.DATA)
    assert old_store is not None and old_data is not None
    done = run_cli("admin", "rotate-key", "--json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["rotate_key"]
    assert result["store_rekeyed"] and result["fields_resealed"] == 40
    assert keys.load(data_dir, keys.STORE) != old_store
    assert kid_of(keys.load(data_dir, keys.DATA) or b"") != kid_of(old_data)
    assert sorted(p.name for p in (data_dir / "keys").glob("*.key")) == [
        "data.key", "index.key", "store.key"]
    try:
        open_with_key(data_dir / "hall.db", old_store)
        raise AssertionError("the old key still opens the store")
    except Exception as exc:
        assert "does not open" in str(exc)
    assert verify(data_dir, expected) == kid_of(keys.load(data_dir, keys.DATA) or b"")
    assert plaintext_hits([data_dir]) == []


def test_killed_between_rekey_and_key_swap_heals_on_open(data_dir: Path) -> None:
    expected = populate(data_dir, 5)
    nxt = b"\x07" * 32
    keys.create(data_dir, keys.STORE + keys.NEXT, nxt, replace=False)
    store = Store.open(data_dir)
    store.conn.execute(f"PRAGMA rekey = \"x'{nxt.hex()}'\"")
    store.close()  # "killed" here: the store is on the next key, store.key is the old one
    verify(data_dir, expected)
    assert keys.load(data_dir, keys.STORE) == nxt
    assert keys.load(data_dir, keys.STORE + keys.NEXT) is None


def test_rotation_survives_kill_nine_at_random_points(data_dir: Path) -> None:
    expected = populate(data_dir, 1500)
    rng = random.Random(20261123)
    cmd = [sys.executable, str(ROOT / "main.py"), "admin", "rotate-key", "--batch", "40",
           "--data-dir", str(data_dir)]
    started = time.perf_counter()
    first = subprocess.run(cmd, capture_output=True, timeout=60, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    full = time.perf_counter() - started  # a whole rotation: kill points spread over it
    killed = 0
    for _ in range(12):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                cwd=ROOT)
        time.sleep(rng.uniform(0.05, full))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err, err.decode()
        verify(data_dir, expected, final=False)  # every intermediate state opens and reads back
    assert killed >= 5
    final = run_cli("admin", "rotate-key", "--json", data_dir=data_dir)
    assert final.returncode == 0, final.stderr
    verify(data_dir, expected)
    assert sorted(p.name for p in (data_dir / "keys").glob("*.key")) == [
        "data.key", "index.key", "store.key"]
    check = run_cli("admin", "check", "--json", data_dir=data_dir)
    assert json.loads(check.stdout)["check"]["ok"], check.stdout
