"""Shared fixtures for device tests: emulators at the far end of real transports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.emulators.printer import PrinterEmulator


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[PrinterEmulator]:
    """A TCP printer on 127.0.0.1 (an ephemeral port), writing PNGs into tmp_path/out."""
    with PrinterEmulator(0, tmp_path / "out") as emu:
        yield emu


# pcscd + vpcd (the `pcscd` fixture) live in tests/conftest.py: the ui tests use them too.
