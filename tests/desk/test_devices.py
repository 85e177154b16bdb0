"""The desk as `python main.py desk` builds it (desk.app.build_window: the bridge, the devices of
devices.json, the printers), with real stacks and emulators at their far ends:

- the 社保卡 through pcscd + vpcd fills the applicant, masked;
- a 身份码 and a 企业码 (signed by a sample issuer, resolved offline through security.json's
  resolver) scanned on a serial scanner (pty) fill it too;
- 受理 prints the slip on the thermal printer emulator (ESC/POS decoded: the case number, the
  QR of the case) and the A4 receipt through QPrinter → a private CUPS → an AppSocket printer
  emulator (the PDF it receives holds the case number and the promise), and nothing of it rests
  on disk: Qt's 0600 job file is gone once CUPS has the job, no PDF anywhere, CUPS's spool
  empty, the typed promise in no file of the terminal.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desk.app import build_window
from desk.window import DeskOptions, DeskWindow
from devices import sscard
from devices.emulators import people
from devices.emulators.printer import PrinterEmulator
from devices.emulators.scanner import ScannerEmulator
from devices.emulators.sscard import VirtualSocialCard
from hall.actors import Actor
from hall.app import Hall
from tests.desk import cups
from tests.desk.conftest import add_accounts, sign_in
from tests.desk.test_desk import pdf_text, take
from tests.security.samples import PEOPLE, SampleIssuer
from ui.app import Shell

QUEUE = "desk-a4"
PROMISE = "申请人承诺于2099年1月15日前补交父母结婚证"


@pytest.fixture
def built(shell: Shell, qtbot: QtBot) -> Iterator[Callable[[DeskOptions], DeskWindow]]:
    """Desks built by desk.app.build_window on a shell of their own, shut down after."""
    shells: list[Shell] = []

    def build(options: DeskOptions) -> DeskWindow:
        own = dataclasses.replace(shell, _on_quit=[])
        shells.append(own)
        window = build_window(own, options)
        assert isinstance(window, DeskWindow)
        window.resize(1920, 1080)
        window.show()
        qtbot.waitUntil(lambda: window.work.acceptance.service.count() > 0, timeout=20_000)
        return window

    yield build
    for own in reversed(shells):
        own.shutdown()


@pytest.fixture
def a4(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[cups.PrivateCups,
                                                          cups.A4PrinterEmulator]]:
    why = cups.available()
    if why:
        pytest.skip(why)
    root = Path(tempfile.mkdtemp(prefix="cups-", dir="/tmp"))  # short: a Unix socket's path
    printer = cups.A4PrinterEmulator()
    server = cups.PrivateCups(root)
    try:
        server.add_queue(QUEUE, printer.uri)
        monkeypatch.setenv("CUPS_SERVER", str(server.socket))
        yield server, printer
    finally:
        server.stop()
        printer.close()
        shutil.rmtree(root, ignore_errors=True)


class FolderWatch:
    """Every file that appears in a folder, with its mode, polled each millisecond."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for entry in os.scandir(self.folder):
                if entry.name not in self.seen:
                    try:
                        self.seen[entry.name] = stat.S_IMODE(entry.stat().st_mode)
                    except FileNotFoundError:
                        self.seen[entry.name] = -1  # gone before it could be looked at
            time.sleep(0.001)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _devices(folder: Path, **devices: str) -> None:
    (folder / "devices.json").write_text(json.dumps(devices), encoding="utf-8")


def test_the_social_card_fills_the_applicant_and_the_receipt_prints_on_both_printers(
        pcscd: str, a4, built, data_dir: Path, tmp_path: Path, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server, a4_printer = a4
    add_accounts(data_dir)
    take(data_dir, "newborn")
    job_tmp = tmp_path / "job-tmp"  # where Qt's CUPS engine puts its job file ($TMPDIR)
    job_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(job_tmp))
    with PrinterEmulator(0, tmp_path / "thermal") as thermal:
        _devices(data_dir, sscard_reader=pcscd, printer=thermal.url)
        desk = built(DeskOptions(data_dir, window="3", a4_printer=QUEUE))  # no --receipt-pdf
        assert desk.options.receipt_pdf is None and desk.printer is not None
        sign_in(qtbot, desk, "li", "3")
        QTest.keyClick(desk, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: desk.current() is not None, timeout=10_000)

        with VirtualSocialCard(people.SOCIAL):  # the 社保卡 inserted
            qtbot.waitUntil(lambda: desk.read is not None, timeout=20_000)
            time.sleep(0.1)  # let the watcher disconnect before the card goes (vpcd)
        assert desk.read.kind == "sscard" and desk.read.verified
        values = {k: v.text() for k, v in desk.work.applicant.values.items()}
        assert values["kind"] == "社会保障卡" and values["name"] == "测**"
        assert values["id"] == "420302********0010" and values["valid"] == "2029-03-01"
        shown = " ".join(values.values())
        assert people.SOCIAL.name not in shown and people.SOCIAL.ssn not in shown
        assert not desk.work.applicant.warning.isVisible()

        panel = desk.work.acceptance
        assert panel.current_service().id == "newborn"
        panel.all_submitted.click()
        panel.set_mark("父母结婚证", "deferred", "2099-01-15")
        panel.promise.setText(PROMISE)
        watch = FolderWatch(job_tmp)
        try:
            panel.accept_button.click()
            # (waited for with the event loop turning: the prints start from its slots)
            qtbot.waitUntil(lambda: len(thermal.tickets) >= 1, timeout=20_000)
            qtbot.waitUntil(lambda: len(a4_printer.jobs) >= 1, timeout=60_000)
            assert server.wait_idle(), server.log()
            qtbot.waitUntil(lambda: not any(job_tmp.iterdir()), timeout=10_000)
        finally:
            watch.stop()
        with Hall.open(data_dir) as hall:
            case = hall.cases.list(Actor.operator("t"))[0]
        assert case.applicant and people.SOCIAL.name not in case.applicant

    # the thermal slip: its decoded text has the case number, its QR the case's URL
    slip = thermal.tickets[0]
    assert case.number in slip.text() and "受理回执" in slip.text()
    qrs = [line.qr for line in slip.lines if line.qr]
    assert len(qrs) == 1 and qrs[0].endswith(case.number)
    # the A4 paper the printer received: the case number and the promise, on paper only
    paper = tmp_path / "a4-received.pdf"
    paper.write_bytes(a4_printer.jobs[0])
    text = pdf_text(paper)
    paper.unlink()
    assert a4_printer.jobs[0].startswith(b"%PDF")
    assert case.number in text and PROMISE in text and "受理回执" in text
    # …and nothing of it rests on disk
    assert watch.seen and set(watch.seen.values()) <= {0o600, -1}, watch.seen  # Qt's job file
    assert not any(job_tmp.iterdir())  # removed once CUPS had the job
    assert server.spooled_files() == []  # PreserveJobFiles No: CUPS dropped its copy
    assert sorted(tmp_path.rglob("*.pdf")) == [] and sorted(data_dir.rglob("*.pdf")) == []
    needles = [PROMISE.encode("utf-8"), PROMISE.encode("gb18030"),
               people.SOCIAL.name.encode("utf-8"), people.SOCIAL.ssn.encode("ascii")]
    leaks = [f"{f.relative_to(data_dir)}: {n!r}" for f in data_dir.rglob("*") if f.is_file()
             for n in needles if n in f.read_bytes()]
    assert leaks == []


def test_a_scanned_identity_or_enterprise_code_fills_the_applicant(
        built, data_dir: Path, qtbot: QtBot) -> None:
    add_accounts(data_dir)
    issuer = SampleIssuer("HBID1.")
    (data_dir / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": issuer.public_key}]}), encoding="utf-8")
    name, id_number, _, _ = PEOPLE[0]
    firm, credit_code = "样例测试科技有限公司", "91990000MA0000001X"
    with ScannerEmulator() as scanner:
        _devices(data_dir, scanner=scanner.path)
        desk = built(DeskOptions(data_dir, window="2"))
        sign_in(qtbot, desk, "li", "2")
        qtbot.wait(500)  # the scanner's port is open (its watch polls every 0.3 s)

        scanner.scan(issuer.issue(name, id_number))  # 身份码
        qtbot.waitUntil(lambda: desk.read is not None, timeout=20_000)
        values = {k: v.text() for k, v in desk.work.applicant.values.items()}
        assert desk.read.kind == "code" and desk.read.verified
        assert values["kind"] == "身份码" and values["name"] == "测***"
        assert values["id"] == "990000********0017" and values["birth"].startswith("1980-01-01")
        assert desk.work.applicant.captions["name"].text() == "姓名"
        assert name not in str(values) and id_number not in str(values)
        assert not desk.work.applicant.warning.isVisible()

        desk.show_read(None)
        scanner.scan(issuer.issue(firm, credit_code, kind="enterprise"))  # 企业码
        qtbot.waitUntil(lambda: desk.read is not None, timeout=20_000)
        values = {k: v.text() for k, v in desk.work.applicant.values.items()}
        assert values["kind"] == "企业码" and values["name"] == "样*********"
        assert values["id"] == "919900********001X"
        assert desk.work.applicant.captions["name"].text() == "单位名称"
        assert desk.work.applicant.captions["id"].text() == "统一社会信用代码"
        assert firm not in str(values) and credit_code not in str(values)

        # a code is good once: shown again, it is refused with the hall's sentence
        desk.show_read(None)
        replayed = issuer.issue(name, id_number, jti="once-only")
        scanner.scan(replayed)
        qtbot.waitUntil(lambda: desk.read is not None, timeout=20_000)
        desk.show_read(None)
        scanner.scan(replayed)
        qtbot.waitUntil(lambda: desk.work.applicant.warning.isVisible(), timeout=20_000)
        assert desk.read is None and "已使用" in desk.work.applicant.warning.text()


@pytest.fixture(autouse=True)
def no_card_left(request: pytest.FixtureRequest) -> Iterator[None]:
    """pcscd notices a removal late: the next test must not find this test's card."""
    yield
    if "pcscd" in request.fixturenames:
        reader = request.getfixturevalue("pcscd")
        deadline = time.monotonic() + 5
        while sscard.card_present(reader) and time.monotonic() < deadline:
            time.sleep(0.02)
