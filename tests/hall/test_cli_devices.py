"""`ticket take --printer`: the real CLI prints through TCP to the printer emulator."""

from __future__ import annotations

from pathlib import Path

from devices.emulators.printer import PrinterEmulator
from tests.hall.test_cli import cli


def test_take_prints_the_ticket(tmp_path: Path) -> None:
    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3")
    with PrinterEmulator(0, tmp_path / "out") as printer:
        code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--printer",
                           printer.url)
        assert code == 0 and out["printed"]["printed"] is True
        assert printer.wait_for(1)
        text = printer.tickets[0].text()
        assert "A001" in text and "新生儿出生“一件事”" in text and "前面还有 0 人" in text
        assert any(line.qr and "/q/SY-ZW01/" in line.qr for line in printer.tickets[0].lines)


def test_printer_away_keeps_the_job_and_the_ticket(tmp_path: Path) -> None:
    cli(tmp_path, "setup", "--hall", "SY-ZW01", "--terminal", "K3")
    printer = PrinterEmulator(0, tmp_path / "out")
    printer.plug()
    url = printer.url
    printer.close()  # unplugged: nothing listens on that port now
    code, out, _ = cli(tmp_path, "ticket", "take", "--service", "newborn", "--printer", url)
    assert code == 0  # the ticket is issued; the print job waits in the spool
    assert out["ticket"]["number"] == "A001"
    assert out["printed"]["printed"] is False and out["printed"]["waiting"] == 1
    assert out["printed"]["state"] in ("offline", "unknown")
