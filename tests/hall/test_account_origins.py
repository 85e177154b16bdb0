"""Where a terminal's accounts come from (issue 25): the first-admin bootstrap only on a station
no hub knows; accounts a terminal made before accounts were the hall's refused at sign-in with
the command that migrates them, and migrated by an admin (their own hashes, a disabled one kept
disabled) so they sign in again and travel as the hall's; a hall account opening a kiosk's
maintenance panel (an admin's only, recorded as the kiosk's technician)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cli import main
from hall.app import Hall
from hall.errors import AccessError
from hall.security import audit
from hall.security.access import hash_secret
from hall.sync_status import CREDENTIAL_FILE
from hall.terminal_setup import setup_terminal

PW = "origins-pass-1"


@pytest.mark.parametrize("tie", ["hub_url", "enrolled"])
def test_a_terminal_of_a_hub_makes_no_admin_of_its_own(tmp_path: Path, tie: str) -> None:
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1",
                   hub_url="https://127.0.0.1:9/" if tie == "hub_url" else None)
    if tie == "enrolled":  # what `sync enroll` leaves: the terminal's credential
        (folder / CREDENTIAL_FILE).write_text("{}", encoding="utf-8")
    with Hall.open(folder) as hall:
        with pytest.raises(AccessError) as refused:
            hall.first_admin("admin", PW)
        assert refused.value.code == "first_admin_on_hub"
        assert "serve user add" in refused.value.message
        assert not hall.accounts.any()
    # a station no hub knows still bootstraps
    station = tmp_path / "station"
    setup_terminal(station, "SY-ZW02", "D1", standalone=True)
    with Hall.open(station) as hall:
        assert hall.first_admin("admin", PW).role == "admin"


def _legacy(hall: Hall, user: str, role: str, *, active: bool = True) -> None:
    """An account row as a release before hall-wide accounts wrote it: no event made it."""
    with hall.core.write() as conn:
        conn.execute("INSERT INTO accounts (user, role, pw_hash, active, created_ms, changed_ms) "
                     "VALUES (?, ?, ?, ?, 1, 1)", (user, role, hash_secret(PW), int(active)))


def test_accounts_from_before_are_refused_then_migrated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "desk"
    setup_terminal(folder, "SY-ZW01", "D1", standalone=True)
    with Hall.open(folder) as hall:
        _legacy(hall, "boss", "admin")
        _legacy(hall, "li", "clerk")
        _legacy(hall, "gone", "clerk", active=False)
        with pytest.raises(AccessError) as refused:
            hall.sign_in("li", PW)
        assert refused.value.code == "account_not_migrated"
        assert "access user migrate --as ADMIN" in refused.value.message
        entry = audit.trail(hall.core.conn, action="sign_in_refused", limit=1)[0]
        assert (entry["actor"], entry["outcome"]) == ("li", "not_migrated")
        with pytest.raises(AccessError):  # nor a clerk's password opens the migration
            hall.migrate_accounts("li", PW)
    # the command line: the admin from before migrates them all
    monkeypatch.setattr(sys, "stdin", io.StringIO(PW + "\n"))
    code = main(["access", "user", "migrate", "--as", "boss", "--data-dir", str(folder),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert (code, out["migrated"]) == (0, ["boss", "gone", "li"])
    with Hall.open(folder) as hall:
        assert hall.sign_in("li", PW, window="1").name == "li"
        with pytest.raises(AccessError) as refused:
            hall.sign_in("gone", PW)
        assert refused.value.code == "account_disabled"  # disabled before, disabled still
        made = [json.loads(r[0]) for r in hall.core.conn.execute(
            "SELECT payload FROM events WHERE type = 'AccountChanged' ORDER BY rowid")]
        assert [(p["user"], p["change"]) for p in made] == [
            ("boss", "add"), ("gone", "add"), ("gone", "disable"), ("li", "add")]
        assert all(p["by"]["name"] == "boss" and "password" not in p for p in made)
        assert hall.migrate_accounts("boss", PW).value == []  # twice: nothing more


def test_a_hall_account_opens_the_kiosk_maintenance(tmp_path: Path) -> None:
    folder = tmp_path / "kiosk"
    setup_terminal(folder, "SY-ZW01", "K1", standalone=True)
    with Hall.open(folder) as hall:
        hall.first_admin("admin", PW).accounts.add("li", "clerk", PW)
        technician = hall.maintenance_session("ADMIN", PW)
        assert (technician.name, technician.role) == ("admin", "technician")
        assert not technician.can("take")  # the panel, nothing of the hall's
        with pytest.raises(AccessError) as refused:
            hall.maintenance_session("li", PW)  # a clerk's account: not the panel
        assert refused.value.code == "forbidden"
        with pytest.raises(AccessError) as refused:
            hall.maintenance_session("admin", "wrong-pass-1")
        assert refused.value.code == "wrong_password"
        # a kiosk names no admin or clerk on its events: the entries say technician
        roles = {e["role"] for e in audit.trail(hall.core.conn, limit=20)
                 if e["action"] in ("maintenance_sign_in", "command_refused")}
        assert roles == {"technician"}
