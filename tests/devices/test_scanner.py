"""Serial scanners over a pty pair, and the keyboard-wedge burst detector."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.emulators.scanner import SAMPLE_PAYLOADS, ScannerEmulator
from devices.errors import DeviceTimeout, ScanError
from devices.scanner import SerialScanner, WedgeDetector, decode_payload


@pytest.fixture
def scanner_pair() -> Iterator[tuple[ScannerEmulator, SerialScanner]]:
    with ScannerEmulator() as emu, SerialScanner(emu.path) as scanner:
        yield emu, scanner


def test_utf8_payloads_arrive_whole(scanner_pair: tuple[ScannerEmulator, SerialScanner]) -> None:
    emu, scanner = scanner_pair
    for payload in SAMPLE_PAYLOADS.values():
        emu.scan(payload)
    assert [scanner.read_payload(2) for _ in SAMPLE_PAYLOADS] == list(SAMPLE_PAYLOADS.values())


def test_gb18030_scanner_and_bare_cr() -> None:
    with ScannerEmulator(encoding="gb18030", terminator=b"\r") as emu, \
            SerialScanner(emu.path) as scanner:
        emu.scan("取件码：演示123")
        assert scanner.read_payload(2) == "取件码：演示123"


def test_timeout(scanner_pair: tuple[ScannerEmulator, SerialScanner]) -> None:
    with pytest.raises(DeviceTimeout):
        scanner_pair[1].read_payload(0.1)


def test_undecodable_payload() -> None:
    with pytest.raises(ScanError):
        decode_payload(b"\xff\xfe\xfd\x80")


def keys(text: str, start: float, gap: float) -> list[tuple[str, float]]:
    return [(c, start + i * gap) for i, c in enumerate(text)]


def test_scanner_burst_is_detected() -> None:
    detector = WedgeDetector()
    results = [detector.feed(c, t) for c, t in keys("QYM:914203\r", 10.0, 0.008)]
    assert results[-1] == "QYM:914203" and detector.take_typed() == ""


def test_person_typing_is_not_a_scan() -> None:
    detector = WedgeDetector()
    results = [detector.feed(c, t) for c, t in keys("A023\r", 10.0, 0.15)]
    assert results == [None] * 5 and detector.take_typed() == "A023\r"


def test_typing_then_scan() -> None:
    detector = WedgeDetector()
    events = keys("ab", 1.0, 0.2) + keys("CODE1234\n", 2.0, 0.015)
    results = [detector.feed(c, t) for c, t in events]
    assert results[-1] == "CODE1234" and detector.take_typed() == "ab"


@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=4,
               max_size=60), st.floats(min_value=0.005, max_value=0.020))
def test_any_burst_5_to_20_ms(payload: str, gap: float) -> None:
    detector = WedgeDetector()
    results = [detector.feed(c, t) for c, t in keys(payload + "\r", 100.0, gap)]
    assert results[-1] == payload


def test_a_lone_keystroke_expires_to_typed() -> None:
    detector = WedgeDetector()
    assert detector.feed("7", 5.0) is None and detector.pending
    assert not detector.expire(5.01)  # a scanner could still be sending
    assert detector.expire(5.05) and not detector.pending
    assert detector.take_typed() == "7"
