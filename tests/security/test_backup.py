"""admin backup | restore: online while another process takes tickets, encrypted, and refused
whole when the passphrase is wrong or the file damaged or cut short."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hall import backup
from hall.app import Hall
from hall.cases import MaterialItem
from hall.security.crypto import Sealer, seal_applicant
from hall.store import Store
from tests.conftest import OP
from tests.security.conftest import ROOT, plaintext_hits, run_cli
from tests.security.samples import PEOPLE, needles

PASS = "correct horse battery staple"


def _serve_people(hall: Hall, data_dir: Path, clock: object) -> None:
    """A case with sealed personal data and a rating for each sample person."""
    sealer = Sealer.for_data_dir(data_dir, "H1")
    service = hall.catalog.get("newborn")
    for name, id_number, address, phone in PEOPLE:
        t = hall.tickets.take(OP, "newborn").value
        hall.tickets.call_next(OP, "1")
        hall.tickets.start(OP, t.id)
        person = seal_applicant(sealer, hall.core.index_key, name=name, id_number=id_number,
                                address=address, phone=phone, verified=True, source="id_card")
        items = [MaterialItem(m.name, "exempt" if m.e_licence else "submitted")
                 for m in service.materials]
        hall.cases.accept(OP, "newborn", person, items, ticket=t.id)
        hall.tickets.done(OP, t.id)
        hall.ratings.rate(OP, t.id, 2, f"{name}说窗口太慢")
        clock.advance(60)  # type: ignore[attr-defined]


def _counts(data_dir: Path) -> dict[str, object]:
    store = Store.open(data_dir)
    try:
        conn = store.conn
        return {
            "tickets": {r[0] for r in conn.execute("SELECT ticket_id FROM tickets")},
            "cases": {r[0] for r in conn.execute("SELECT case_number FROM cases")},
            "ratings": conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0],
            "events": conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
        }
    finally:
        store.close()


def _err(tmp_path: Path) -> str:
    return (tmp_path / "loop.err").read_text()


def test_backup_while_tickets_are_taken_then_restore(
        secure_hall: Hall, data_dir: Path, clock: object, tmp_path: Path) -> None:
    _serve_people(secure_hall, data_dir, clock)
    secure_hall.core.store.close()
    # the terminal's identity beside the store: sync credential and pinned hall CA
    (data_dir / "sync.json").write_text(json.dumps({
        "server": "https://hub.hall.lan:8470", "token": secrets.token_urlsafe(16),
        "hall_id": "H1", "terminal_id": "K3", "ca": "hall-ca.pem"}))
    (data_dir / "hall-ca.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n")
    before = _counts(data_dir)

    err = (tmp_path / "loop.err").open("w")
    loop = subprocess.Popen(
        ["bash", "-c", f"for i in $(seq 1 60); do {sys.executable} main.py ticket take "
         f"--service newborn --data-dir {data_dir} >/dev/null || exit 1; done"],
        cwd=ROOT, stderr=err, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(_counts(data_dir)["tickets"]) < len(before["tickets"]) + 3:  # type: ignore[arg-type]
            assert time.monotonic() < deadline and loop.poll() is None, _err(tmp_path)
            time.sleep(0.2)
        at_start = _counts(data_dir)
        target = tmp_path / "k3.tdbak"
        done = run_cli("admin", "backup", "--to", str(target), "--passphrase-stdin", "--json",
                       data_dir=data_dir, stdin=PASS + "\n")
        assert done.returncode == 0, done.stderr
        assert loop.poll() is None, "the loop ended before the backup did: no concurrency shown"
    finally:
        code = loop.wait(timeout=240)
        err.close()
        assert code == 0, _err(tmp_path)
    after = _counts(data_dir)
    report = json.loads(done.stdout)["backup"]
    assert report["kind"] == "terminal" and report["databases"]["hall.db"] > 0

    # nothing personal readable in the file, nor anything of the store's pages
    assert plaintext_hits([target]) == []
    raw = target.read_bytes()
    for plain in (b"SQLite format 3", b"manifest.json", b"config.json", b"hall_id", b"ustar"):
        assert plain not in raw, plain

    new = tmp_path / "replacement" / "k3"
    done = run_cli("admin", "restore", "--from", str(target), "--passphrase-stdin", "--json",
                   data_dir=new, stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    check = run_cli("admin", "check", "--json", data_dir=new)
    assert json.loads(check.stdout)["check"]["ok"] is True, check.stdout
    got = _counts(new)
    # every ticket taken before the backup began is there, none that was never taken
    assert at_start["tickets"] <= got["tickets"] <= after["tickets"]  # type: ignore[operator]
    assert got["cases"] == before["cases"] and got["ratings"] == before["ratings"]
    for name in ("config.json", "sync.json", "hall-ca.pem", "keys/store.key", "keys/index.key",
                 "keys/data.key"):
        assert (new / name).read_bytes() == (data_dir / name).read_bytes(), name
    assert (new / "keys" / "store.key").stat().st_mode & 0o777 == 0o600
    assert not (new / "logs").exists()
    # the restored terminal goes on issuing after the last number it holds
    taken = run_cli("ticket", "take", "--service", "newborn", "--json", data_dir=new)
    assert taken.returncode == 0, taken.stderr
    store = Store.open(new)
    try:
        total, distinct = store.conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT day || '/' || label) FROM tickets").fetchone()
    finally:
        store.close()
    assert total == distinct == len(got["tickets"]) + 1  # type: ignore[arg-type]


def _refused(done: subprocess.CompletedProcess[str], new: Path) -> None:
    assert done.returncode == 3, (done.returncode, done.stderr)
    assert json.loads(done.stdout)["error"].startswith("backup")
    assert not new.exists()
    assert [p.name for p in new.parent.iterdir() if "restoring" in p.name] == []


def test_wrong_passphrase_truncated_and_damaged_files_are_refused(
        secure_hall: Hall, data_dir: Path, clock: object, tmp_path: Path) -> None:
    _serve_people(secure_hall, data_dir, clock)
    secure_hall.core.store.close()
    target = tmp_path / "k3.tdbak"
    done = run_cli("admin", "backup", "--to", str(target), "--passphrase-stdin",
                   data_dir=data_dir, stdin=PASS + "\n")
    assert done.returncode == 0, done.stderr
    new = tmp_path / "out" / "k3"
    new.parent.mkdir()
    wrong = run_cli("admin", "restore", "--from", str(target), "--passphrase-stdin", "--json",
                    data_dir=new, stdin="correct horse battery stapler\n")
    _refused(wrong, new)
    assert "wrong passphrase" in wrong.stderr
    raw = target.read_bytes()
    for name, body in (("cut.tdbak", raw[: len(raw) // 2]), ("short.tdbak", raw[:-1]),
                       ("flipped.tdbak", raw[:200] + bytes([raw[200] ^ 1]) + raw[201:])):
        (tmp_path / name).write_bytes(body)
        done = run_cli("admin", "restore", "--from", str(tmp_path / name), "--passphrase-stdin",
                       "--json", data_dir=new, stdin=PASS + "\n")
        _refused(done, new)
    short = run_cli("admin", "backup", "--to", str(tmp_path / "x"), "--passphrase-stdin",
                    data_dir=data_dir, stdin="short\n")
    assert short.returncode == 3 and not (tmp_path / "x").exists()
    # a folder that is not there (a USB stick not mounted) is not made: refused, nothing written
    unmounted = tmp_path / "media" / "usb"
    done = run_cli("admin", "backup", "--to", str(unmounted / "k3.tdbak"), "--passphrase-stdin",
                   "--json", data_dir=data_dir, stdin=PASS + "\n")
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["error"] == "backup_folder_missing"
    assert not (tmp_path / "media").exists()


def test_a_file_cut_at_a_chunk_boundary_is_refused() -> None:
    """The last chunk carries a flag: a stream cut exactly between chunks does not open."""
    body = os.urandom(3 * backup.CHUNK + 77)
    out = io.BytesIO()
    sealer = backup.SealingWriter(out, PASS, log2_n=10)
    sealer.write(body)
    sealer.finish()
    sealed = out.getvalue()
    assert len(sealed) == backup.HEADER_SIZE + len(body) + 4 * backup.TAG
    reader = backup.OpeningReader(io.BytesIO(sealed), PASS)
    assert reader.read() == body and reader.finished
    cut = sealed[: backup.HEADER_SIZE + 2 * (backup.CHUNK + backup.TAG)]
    reader = backup.OpeningReader(io.BytesIO(cut), PASS)
    with pytest.raises(backup.BackupError, match="truncated"):
        reader.read()
    swapped = bytearray(sealed)
    a = backup.HEADER_SIZE
    b = a + backup.CHUNK + backup.TAG
    swapped[a:b], swapped[b:b + (b - a)] = sealed[b:b + (b - a)], sealed[a:b]
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.OpeningReader(io.BytesIO(bytes(swapped)), PASS).read()
    with pytest.raises(backup.BackupError, match="wrong passphrase"):
        backup.OpeningReader(io.BytesIO(sealed), PASS + "!")


def test_a_hub_data_dir_backs_up_and_restores(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from sync.server.db import database_url, new_enroll_code, open_engine
    from sync.server.tables import enroll_codes

    hub = tmp_path / "hub"
    engine = open_engine(database_url(hub, None))
    for n in range(5):
        new_enroll_code(engine, "H1", f"K{n}")
    engine.dispose()
    (hub / "tls").mkdir()
    (hub / "tls" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    report = backup.backup(hub, tmp_path / "hub.tdbak", PASS, log2_n=10)
    assert report.kind == "hub" and "server.db" in report.databases
    got = backup.restore(tmp_path / "hub.tdbak", tmp_path / "hub2", PASS)
    assert got.kind == "hub" and (tmp_path / "hub2" / "tls" / "ca.pem").exists()
    engine = open_engine(database_url(tmp_path / "hub2", None))
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(enroll_codes)).scalar() == 5
    finally:
        engine.dispose()
    assert needles()  # the scan above used the same samples as every security test
