"""The durable print queue against the TCP printer emulator: jobs wait out problems, print once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from devices.emulators.printer import PrinterEmulator
from devices.errors import PrinterOffline
from devices.escpos import Layout, Text, print_layout, ticket_layout
from devices.escpos.spool import PrintQueue, QueueState
from devices.ports import PaperState


def ticket(number: str) -> Layout:
    return ticket_layout(number, "综合受理", "2024-05-01 09:30", 0, None, "演示大厅", ["张*"])


def test_out_of_paper_waits_then_prints_once(printer: PrinterEmulator, tmp_path: Path) -> None:
    printer.paper = "out"
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        job = queue.submit(ticket("A001"))
        state = queue.pump()
        assert (state.state, state.waiting, state.paper) == ("out_of_paper", 1, "out")
        assert printer.lost == 0 and not printer.tickets  # nothing was sent into the void
        printer.paper = "ok"
        assert queue.pump().state == "idle"
        assert queue.pump().state == "idle"
        assert queue.job_state(job) == "printed"
    assert printer.wait_for(1)
    assert [t.lines[1].text for t in printer.tickets] == ["A001"]


def test_jobs_survive_a_restart_with_the_printer_unplugged(printer: PrinterEmulator,
                                                          tmp_path: Path) -> None:
    printer.unplug()
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        queue.submit(ticket("A001"))
        queue.submit(ticket("A002"))
        state = queue.pump()
        assert state.state == "offline" and state.waiting == 2 and state.reason
    printer.plug()
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        assert queue.waiting() == 2
        assert queue.pump().state == "idle"
    assert printer.wait_for(2)
    assert [t.lines[1].text for t in printer.tickets] == ["A001", "A002"]
    with sqlite3.connect(tmp_path / "spool" / "print-queue.sqlite3") as db:
        assert db.execute("SELECT sum(length(payload)) FROM jobs").fetchone()[0] == 0
    db.close()


def test_a_printed_job_leaves_no_bytes_on_disk(printer: PrinterEmulator, tmp_path: Path) -> None:
    """A receipt waiting for paper carries the promise a person typed; once printed, no file of
    the spool holds it (neither the database's freed pages nor its WAL)."""
    from devices.escpos import receipt_layout

    promise = "申请人承诺于2099年1月15日前补交父母结婚证"
    printer.paper = "out"
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        queue.submit(receipt_layout("受理回执", [("告知承诺", promise)]))
        assert queue.pump().state == "out_of_paper"
        files = [f for f in (tmp_path / "spool").iterdir() if f.is_file()]
        # waiting (wrapped to the paper: its first line at least)
        assert any(promise[:8].encode("gb18030") in f.read_bytes() for f in files)
        printer.paper = "ok"
        assert queue.pump().state == "idle"
        for f in (tmp_path / "spool").iterdir():
            assert promise[:8].encode("gb18030") not in f.read_bytes(), f.name
    assert printer.wait_for(1) and promise in printer.tickets[0].text().replace("\n", "")


def test_silent_printer_is_unknown_not_ok(printer: PrinterEmulator, tmp_path: Path) -> None:
    printer.silent = True
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        queue.submit(ticket("A001"))
        assert queue.pump().state == "unknown"
        assert queue.waiting() == 1
        queue.print_when_unknown = True
        assert queue.pump().state == "idle"
    assert printer.wait_for(1)


def test_background_worker_prints_when_the_printer_comes_back(printer: PrinterEmulator,
                                                             tmp_path: Path) -> None:
    printer.unplug()
    states: list[QueueState] = []
    with PrintQueue(tmp_path / "spool", printer.url, retry_interval=0.05,
                    on_state=states.append) as queue:
        queue.start()
        queue.submit(ticket("A001"))
        printer.plug()
        assert queue.wait_idle(5)
    assert printer.wait_for(1) and len(printer.tickets) == 1
    assert states[-1].state == "idle"


class BrokenMidJob:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def paper_status(self) -> PaperState:
        return "ok"

    def write(self, data: bytes) -> None:
        raise PrinterOffline("cable pulled")

    def close(self) -> None:
        pass


def test_failed_write_keeps_the_job(tmp_path: Path) -> None:
    with PrintQueue(tmp_path / "spool", "tcp://x", connect=lambda _u: BrokenMidJob()) as queue:
        job = queue.submit(ticket("A001"))
        state = queue.pump()
        assert state.state == "offline" and state.reason == "cable pulled"
        assert queue.job_state(job) == "pending"


def test_print_layout_with_spool_reports_instead_of_raising(printer: PrinterEmulator,
                                                           tmp_path: Path) -> None:
    printer.paper = "out"
    result = print_layout(printer.url, ticket("A009"), spool_dir=tmp_path / "spool")
    assert result["printed"] is False and result["state"] == "out_of_paper"
    printer.paper = "ok"
    result = print_layout(printer.url, Layout((Text("next"),)), spool_dir=tmp_path / "spool")
    assert result["printed"] and result["waiting"] == 0
    assert printer.wait_for(1)


def test_a_waiting_receipt_holds_no_plain_numbers_and_only_its_owner_reads_it(
        printer: PrinterEmulator, tmp_path: Path) -> None:
    """Issue #19: a 不予受理 receipt waiting for paper held a mobile number and ID numbers (18,
    15 and spaced) in plain text in a 0644 spool. They are masked before layout; the spool and
    its WAL are 0600 in a 0700 folder."""
    from devices.escpos import receipt_layout

    reasons = ("材料不齐：联系 13912345678；身份证 420302199001011234；旧证 420302900101123；"
               "另一证件 420302 19900101 123X、4203-0219-9001-0112-34")
    printer.paper = "out"
    with PrintQueue(tmp_path / "spool", printer.url) as queue:
        queue.submit(receipt_layout("不予受理告知书", [("理由", reasons)]), kind="receipt")
        assert queue.pump().state == "out_of_paper"
        files = sorted((tmp_path / "spool").iterdir())
        assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files), files
        assert (tmp_path / "spool").stat().st_mode & 0o777 == 0o700
        held = b"".join(f.read_bytes() for f in files)
    for plain in ("13912345678", "420302199001011234", "420302900101123", "19900101",
                  "0219-9001"):
        for encoding in ("gb18030", "utf-8"):
            assert plain.encode(encoding) not in held, plain
    assert "139****5678".encode("gb18030") in held
