"""`ticket take --printer`: the real CLI prints through TCP to the printer emulator."""

from __future__ import annotations

from pathlib import Path

from devices.emulators.printer import PrinterEmulator
from tests.hall.test_cli import cli


def test_take_prints_the_ticket(tmp_path: Path) -> None:
    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    with PrinterEmulator(0, tmp_path / "out") as printer:
        code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--printer",
                           printer.url)
        assert code == 0 and out["printed"]["printed"] is True
        assert printer.wait_for(1)
        text = printer.tickets[0].text()
        assert "A001" in text and "新生儿出生“一件事”" in text and "前面还有 0 人" in text
        assert any(line.qr and "/q/SY-ZW01/" in line.qr for line in printer.tickets[0].lines)


def test_printer_away_keeps_the_job_and_the_ticket(tmp_path: Path) -> None:
    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    printer = PrinterEmulator(0, tmp_path / "out")
    printer.plug()
    url = printer.url
    printer.close()  # unplugged: nothing listens on that port now
    code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--printer", url)
    assert code == 0  # the ticket is issued; the print job waits in the spool
    assert out["ticket"]["number"] == "A001"
    assert out["printed"]["printed"] is False and out["printed"]["waiting"] == 1
    assert out["printed"]["state"] in ("offline", "unknown")


def test_take_with_id_card_masks_audits_and_keeps_only_a_hash(tmp_path: Path) -> None:
    from devices.emulators.id_reader import IdReaderEmulator
    from devices.emulators.people import RESIDENT

    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    with IdReaderEmulator(RESIDENT) as reader:
        code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--priority",
                           "elder", "--id-reader", reader.path)
    assert code == 0
    card = out["holder"]["card"]
    assert card["id_number"] == RESIDENT.id_number[:6] + "********" + RESIDENT.id_number[-4:]
    assert card["name"] == RESIDENT.name[0] + "*" * (len(RESIDENT.name) - 1)
    assert card["birth_date"] == RESIDENT.birth_date
    from cli.context import open_hall

    hall = open_hall(__import__("argparse").Namespace(data_dir=tmp_path))
    try:
        rows = hall.core.store.conn.execute("SELECT type, payload FROM events").fetchall()
    finally:
        hall.core.store.close()
    log = " ".join(p for _, p in rows)
    assert RESIDENT.id_number not in log and RESIDENT.name not in log
    assert [t for t, _ in rows] == ["AuditRecorded", "TicketIssued"]
    assert '"holder":{"kind":"id_card","verified":true,"key":"' in log


def test_take_with_a_silent_reader_is_a_device_error(tmp_path: Path) -> None:
    from devices.emulators.id_reader import IdReaderEmulator

    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3", "--standalone")
    with IdReaderEmulator(None) as reader:  # no card on the reader
        code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--id-reader",
                           reader.path)
    assert code == 4 and out["error"]
    code, out, _ = cli(tmp_path, "ticket", "list")
    assert out["tickets"] == []  # nothing issued for an unidentified holder
