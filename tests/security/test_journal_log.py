"""Under systemd (JOURNAL_STREAM set) the log goes to the journal too, redacted the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall import logs
from tests.security.samples import PEOPLE


def test_journal_gets_the_redacted_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    name, id_number, address, _ = PEOPLE[0]
    try:
        logs.setup(tmp_path)
        logs.get("desk").info("card read", extra={"person_name": name, "id_number": id_number,
                                                  "address": address})
    finally:
        logs.shutdown()
    err = capsys.readouterr().err
    assert "card read" in err
    assert id_number not in err and name not in err and address not in err
    assert "card read" in (tmp_path / "logs" / "hall.log").read_text(encoding="utf-8")


def test_no_journal_no_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    try:
        logs.setup(tmp_path)
        logs.get("desk").info("quiet")
    finally:
        logs.shutdown()
    assert "quiet" not in capsys.readouterr().err
