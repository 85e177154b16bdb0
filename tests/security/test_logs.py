"""Logs and crash reports carry masked values only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.emulators.people import ID_CARDS
from hall import logs
from tests.security.conftest import ROOT, plaintext_hits
from tests.security.samples import PEOPLE


def test_redact_masks_ids_phones_and_tokens() -> None:
    _, id_number, _, phone = PEOPLE[1]
    text = logs.redact(f"card {id_number} phone {phone} token ts1:aes:{'a' * 16}:{'B' * 40}")
    assert id_number not in text and phone not in text and "B" * 40 not in text
    assert "990000********002X" in text and "139****0002" in text
    assert logs.redact("old card 990000800101001 ok") == "old card 990000*****1001 ok"
    assert logs.redact("ticket A001 called at 20261123") == "ticket A001 called at 20261123"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A\d{17}[\dX]\Z"), st.text(max_size=20), st.text(max_size=20))
def test_no_id_number_survives_redaction(id_number: str, before: str, after: str) -> None:
    text = logs.redact(f"{before} {id_number} {after}")
    assert id_number not in text


def test_log_file_masks_structured_fields_and_exceptions(tmp_path: Path) -> None:
    logger = logs.setup(tmp_path)
    card = ID_CARDS["resident"]
    name, id_number, address, phone = PEOPLE[0]
    try:
        raise ValueError(f"unreadable number {id_number}")
    except ValueError:
        logger.exception("card read failed", extra={"person_name": name, "id_number": id_number,
                                                    "address": address, "phone": phone})
    logs.get("desk").info("holder %s read", card.id_number, extra={"holder_name": card.name})
    for handler in logger.handlers:
        handler.flush()
    text = (tmp_path / "logs" / "hall.log").read_text(encoding="utf-8")
    assert "card read failed" in text and "person_name=测***" in text
    assert card.id_number not in text and card.name not in text
    assert plaintext_hits([tmp_path / "logs"]) == []
    assert (tmp_path / "logs" / "hall.log").stat().st_mode & 0o077 == 0


def test_crash_report_is_redacted(tmp_path: Path) -> None:
    _, id_number, _, phone = PEOPLE[2]
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pathlib import Path\n"
        "from cli.context import start_logging\n"
        f"start_logging(Path({str(tmp_path)!r}))\n"
        f"raise RuntimeError('holder {id_number} mobile {phone}')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert id_number not in done.stderr and phone not in done.stderr
    assert "unexpected RuntimeError" in done.stderr and "Traceback" not in done.stderr
    reports = list((tmp_path / "logs").glob("crash-*.txt"))
    assert len(reports) == 1 and "RuntimeError" in reports[0].read_text()
    assert plaintext_hits([tmp_path / "logs"]) == []
