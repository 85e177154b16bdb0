"""Accounts, roles, the technician PIN, lockout with a growing delay, the append-only audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hall.actors import Actor
from hall.app import Hall
from hall.errors import AccessError, DomainError, StoreError
from hall.security import access, audit
from tests.conftest import OP
from tests.security.conftest import run_cli

PW = "correct-horse-9"


def test_first_account_is_admin_then_admins_add(secure_hall: Hall) -> None:
    with pytest.raises(DomainError, match="first account"):
        secure_hall.accounts.add(None, "li", "clerk", PW)
    admin = secure_hall.accounts.add(None, "root1", "admin", PW).value
    with pytest.raises(AccessError):
        secure_hall.accounts.add(None, "li", "clerk", PW)
    clerk = secure_hall.accounts.add(admin, "li", "clerk", PW).value
    with pytest.raises(AccessError, match="may not add accounts"):
        secure_hall.accounts.add(clerk, "wang", "clerk", PW)
    with pytest.raises(DomainError, match="at least"):
        secure_hall.accounts.add(admin, "wang", "clerk", "short")
    assert not clerk.can("export") and admin.can("rotate_key")
    row = secure_hall.core.store.conn.execute(
        "SELECT pw_hash FROM accounts WHERE user = 'li'").fetchone()[0]
    assert row.startswith("scrypt$32768$8$1$") and PW not in row


def test_lockout_grows_and_ends(secure_hall: Hall, clock) -> None:
    admin = secure_hall.accounts.add(None, "root1", "admin", PW).value
    secure_hall.accounts.add(admin, "li", "clerk", PW)
    for _ in range(access.FREE_TRIES - 1):
        with pytest.raises(AccessError, match="wrong"):
            secure_hall.accounts.sign_in("li", "nope-nope-1")
    with pytest.raises(AccessError, match="wrong"):
        secure_hall.accounts.sign_in("li", "nope-nope-1")  # third: now locked 5 s
    with pytest.raises(AccessError, match="locked, try again in 5 s"):
        secure_hall.accounts.sign_in("li", PW)  # even the right password is refused
    clock.advance(6)
    with pytest.raises(AccessError, match="wrong"):
        secure_hall.accounts.sign_in("li", "nope-nope-1")  # fourth: 10 s
    with pytest.raises(AccessError, match="in 10 s"):
        secure_hall.accounts.sign_in("li", PW)
    clock.advance(11)
    assert secure_hall.accounts.sign_in("li", PW).role == "clerk"
    with pytest.raises(AccessError, match="wrong user name or password"):
        secure_hall.accounts.sign_in("nobody", PW)
    entries = audit.trail(secure_hall.core.store.conn)
    actions = [e["action"] for e in entries]
    assert actions.count("sign_in_refused") == 7 and actions[0] == "sign_in_refused"
    assert {e["outcome"] for e in entries if e["action"] == "sign_in_refused"} == {
        "wrong_secret", "locked"}
    assert all(e["terminal"] == "K3" for e in entries)


def test_unlock_and_technician_pin(secure_hall: Hall) -> None:
    admin = secure_hall.accounts.add(None, "root1", "admin", PW).value
    sup = secure_hall.accounts.add(admin, "zhao", "supervisor", PW).value
    secure_hall.accounts.add(admin, "li", "clerk", PW)
    for _ in range(access.FREE_TRIES):
        with pytest.raises(AccessError):
            secure_hall.accounts.sign_in("li", "nope-nope-1")
    secure_hall.accounts.unlock(sup, "li")
    assert secure_hall.accounts.sign_in("li", PW).name == "li"
    with pytest.raises(AccessError):
        secure_hall.accounts.set_technician_pin(sup, "246810")
    with pytest.raises(DomainError):
        secure_hall.accounts.set_technician_pin(admin, "111111")
    secure_hall.accounts.set_technician_pin(admin, "246813")
    assert secure_hall.accounts.check_pin("246813").role == "technician"
    with pytest.raises(AccessError, match="wrong PIN"):
        secure_hall.accounts.check_pin("000000")


def test_audit_events_are_append_only(secure_hall: Hall) -> None:
    secure_hall.accounts.add(None, "root1", "admin", PW)
    conn = secure_hall.core.store.conn
    for sql in ("UPDATE events SET payload = '{}' WHERE type = 'AuditRecorded'",
                "DELETE FROM events WHERE type = 'AuditRecorded'"):
        with pytest.raises(StoreError, match="append-only"), secure_hall.core.store.write() as c:
            c.execute(sql)
    assert conn.execute("SELECT COUNT(*) FROM events WHERE type = 'AuditRecorded'").fetchone()[0]


def test_audit_masks_what_it_is_given(secure_hall: Hall) -> None:
    from tests.security.samples import PEOPLE

    _, id_number, _, phone = PEOPLE[0]
    audit.record(secure_hall.core, actor=Actor.account("li", "clerk"), action="card_read",
                 target=f"card {id_number}", detail={"id_number": id_number, "phone": phone})
    raw = secure_hall.core.store.conn.execute(
        "SELECT payload FROM events WHERE type = 'AuditRecorded'").fetchone()[0]
    assert id_number not in raw and phone not in raw and "990000********0017" in raw


def test_cli_accounts_sign_in_and_audit(data_dir: Path) -> None:
    add = run_cli("access", "user", "add", "root1", "--role", "admin", "--json",
                  data_dir=data_dir, stdin=PW + "\n")
    assert add.returncode == 0, add.stderr
    clerk = run_cli("access", "user", "add", "li", "--role", "clerk", "--as", "root1", "--json",
                    data_dir=data_dir, stdin=f"{PW}\n{PW}x\n")
    assert clerk.returncode == 0, clerk.stderr
    ok = run_cli("access", "sign-in", "li", "--json", data_dir=data_dir, stdin=PW + "x\n")
    assert json.loads(ok.stdout)["signed_in"] == {"user": "li", "role": "clerk"}
    bad = run_cli("access", "sign-in", "li", "--json", data_dir=data_dir, stdin="wrong-one\n")
    assert bad.returncode == 3 and json.loads(bad.stdout)["error"] == "wrong_password"
    denied = run_cli("access", "audit", "--as", "li", data_dir=data_dir, stdin=PW + "x\n")
    assert denied.returncode == 3 and "may not read the audit trail" in denied.stderr
    trail = run_cli("access", "audit", "--as", "root1", "--json", data_dir=data_dir,
                    stdin=PW + "\n")
    entries = json.loads(trail.stdout)["audit"]
    assert {"account_change", "sign_in", "sign_in_refused"} <= {e["action"] for e in entries}
    log = (data_dir / "logs" / "hall.log").read_text(encoding="utf-8")
    assert "sign_in_refused" in log and PW not in log


def test_reveal_is_for_supervisors_and_audited(secure_hall: Hall, data_dir: Path) -> None:
    from hall.security.crypto import Sealer, seal_applicant
    from tests.security.samples import PEOPLE

    name, id_number, address, _ = PEOPLE[0]
    sealer = Sealer.for_data_dir(data_dir, "H1")
    person = seal_applicant(sealer, secure_hall.core.index_key, name=name, id_number=id_number,
                            address=address, verified=False, source="manual")
    case = secure_hall.cases.refuse(OP, "newborn", person, ["材料不全"]).value
    admin = secure_hall.accounts.add(None, "root1", "admin", PW).value
    clerk = secure_hall.accounts.add(admin, "li", "clerk", PW).value
    with pytest.raises(AccessError):
        secure_hall.accounts.reveal_applicant(clerk, case.number)
    record = secure_hall.accounts.reveal_applicant(admin, case.number)
    assert record["id_number"] == id_number and record["name"] == name
    views = audit.trail(secure_hall.core.store.conn, action="data_view")
    assert len(views) == 1 and views[0]["target"] == case.number
    assert case.applicant == "测*** 990000********0017"
