"""`python main.py devices …` in-process against the emulators, and its start-up discipline."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli import main
from devices.emulators import people
from devices.emulators.id_reader import IdReaderEmulator
from devices.emulators.printer import PrinterEmulator
from devices.emulators.scanner import ScannerEmulator
from devices.emulators.sscard import VirtualSocialCard


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["devices", *argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def test_read_id_is_masked_unless_revealed(capsys: pytest.CaptureFixture[str]) -> None:
    with IdReaderEmulator(people.RESIDENT) as emu:
        code, result = run(capsys, "read-id", "--port", emu.path, "--timeout", "2")
        assert code == 0
        assert result["card"]["id_number"] == people.RESIDENT.id_number[:6] + "********" + \
            people.RESIDENT.id_number[-4:]
        assert result["card"]["name"] == "测**" and "photo_wlt" not in result["card"]
        code, result = run(capsys, "read-id", "--port", emu.path, "--reveal")
        assert result["card"]["id_number"] == people.RESIDENT.id_number
        assert set(result["card"]) == {"type", "name", "sex", "nation", "birth_date", "address",
                                       "id_number", "issuing_authority", "valid_from",
                                       "valid_until"}


def test_read_id_errors_follow_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run(capsys, "read-id", "--port", "/dev/nonexistent-reader")
    assert code == 4 and result["error"] == "device_missing"
    with IdReaderEmulator(None) as emu:
        code, result = run(capsys, "read-id", "--port", emu.path, "--timeout", "0.2")
        assert code == 4 and result["error"] == "no_card"


def test_read_sscard(capsys: pytest.CaptureFixture[str], pcscd: str) -> None:
    from devices import sscard

    with VirtualSocialCard(people.SOCIAL):
        code, result = run(capsys, "read-sscard", "--reader", pcscd, "--timeout", "5")
    assert code == 0 and result["card"]["ssn"].count("*") == 8
    assert result["card"]["card_version"] == "3.00"
    deadline = 50
    while sscard.card_present(pcscd) and deadline:  # leave no card for the next test
        threading.Event().wait(0.05)
        deadline -= 1


def test_print_test_and_check(capsys: pytest.CaptureFixture[str],
                              printer: PrinterEmulator, tmp_path: Path) -> None:
    code, result = run(capsys, "print-test", "--printer", printer.url)
    assert code == 0 and len(result["jobs"]) == 2
    assert printer.wait_for(2)
    assert "受理回执（测试）" in printer.tickets[1].text()
    (tmp_path / "devices.json").write_text(json.dumps(
        {"printer": printer.url, "scanner": "/dev/nonexistent-scanner"}), encoding="utf-8")
    code, result = run(capsys, "check", "--data-dir", str(tmp_path))
    states = {d["kind"]: d["state"] for d in result["devices"]}
    assert states == {"printer": "ok", "scanner": "missing"}
    printer.paper = "out"
    code, result = run(capsys, "check", "--data-dir", str(tmp_path))
    assert {d["kind"]: d["state"] for d in result["devices"]}["printer"] == "error"
    code, result = run(capsys, "list", "--data-dir", str(tmp_path))
    assert code == 0 and result["printers"] == [printer.url]


def test_scan(capsys: pytest.CaptureFixture[str]) -> None:
    with ScannerEmulator() as emu:
        # The command opens the port (and drops what waited there) only once its modules are
        # imported, which on a cold, busy machine takes longer than any fixed delay: the
        # emulator scans again every 0.2 s until the command has answered.
        answered = threading.Event()

        def scan_until_answered() -> None:
            while not answered.wait(0.2):
                emu.scan("QYM:demo")

        scanner = threading.Thread(target=scan_until_answered)
        scanner.start()
        try:
            code, result = run(capsys, "scan", "--port", emu.path, "--timeout", "10")
        finally:
            answered.set()
            scanner.join()
    assert code == 0 and result == {"payload": "QYM:demo"}


def test_printer_emulator_command(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "main.py", "devices", "printer-emulator", "--port", "0", "--out",
         str(tmp_path), "--seconds", "10", "--json"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        assert proc.stdout is not None
        url = json.loads(proc.stdout.readline())["url"]
        from devices.escpos import print_layout, ticket_layout

        print_layout(url, ticket_layout("B007", "不动产登记", "2024-05-01 10:00", 2, None, "演示"))
        for _ in range(200):
            if (tmp_path / "ticket-0001.png").exists():
                break
            threading.Event().wait(0.02)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert json.loads(out.strip().splitlines()[-1])["tickets"] == 1
    assert (tmp_path / "ticket-0001.png").exists()
    assert "B007" in (tmp_path / "ticket-0001.txt").read_text(encoding="utf-8")


def _emulator(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "main.py", "devices", "emulate", *argv,
                             "--seconds", "30", "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])


def _command(proc: subprocess.Popen[str], line: str) -> dict:  # type: ignore[type-arg]
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())  # type: ignore[no-any-return]


def test_emulated_reader_lifts_and_lays_cards_from_stdin(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`devices emulate id-reader` takes `lift` / `put KIND` while it runs (README walkthrough)."""
    proc = _emulator("id-reader", "--card", "none")
    try:
        assert proc.stdout is not None
        port = json.loads(proc.stdout.readline())["port"]
        code, result = run(capsys, "read-id", "--port", port, "--timeout", "0.3")
        assert code == 4 and result["error"] == "no_card"
        assert "elder card" in _command(proc, "put elder")["status"]
        code, result = run(capsys, "read-id", "--port", port, "--reveal")
        assert code == 0 and result["card"]["id_number"] == people.RESIDENT_ELDER.id_number
        assert "lifted" in _command(proc, "lift")["status"]
        code, result = run(capsys, "read-id", "--port", port, "--timeout", "0.3")
        assert code == 4 and result["error"] == "no_card"
        assert "unknown command" in _command(proc, "shake")["status"]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_emulated_printer_runs_out_of_paper_from_stdin(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    proc = _emulator("printer", "--port", "0", "--out", str(tmp_path), "--paper", "out")
    try:
        assert proc.stdout is not None
        url = json.loads(proc.stdout.readline())["url"]
        (tmp_path / "devices.json").write_text(json.dumps({"printer": url}), encoding="utf-8")

        def printer_state() -> str:
            _, result = run(capsys, "check", "--data-dir", str(tmp_path))
            states = {d["kind"]: d["state"] for d in result["devices"]}
            return str(states["printer"])

        assert printer_state() == "error"
        assert _command(proc, "paper ok")["status"] == "paper ok"
        assert printer_state() == "ok"
        _command(proc, "unplug")
        assert printer_state() in ("missing", "error")
        _command(proc, "plug")
        assert printer_state() == "ok"
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_cli_module_imports_nothing_heavy() -> None:
    code = ("import sys, cli.devices_cmd; heavy = {'serial', 'smartcard', 'escpos', 'PIL', "
            "'qrcode'} & {m.split('.')[0] for m in sys.modules}; print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[2]).stdout
    assert out.strip() == "[]"
