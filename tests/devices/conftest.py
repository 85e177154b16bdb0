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


VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
VPCD_READER = "Virtual PCD 00 00"  # slot 0 listens on 35963


def _vpcd_reader_present() -> bool:
    from smartcard.Exceptions import SmartcardException
    from smartcard.pcsc.PCSCExceptions import BaseSCardException
    from smartcard.System import readers

    try:
        return VPCD_READER in [str(r) for r in readers()]
    except (SmartcardException, BaseSCardException):
        return False


@pytest.fixture(scope="session")
def pcscd() -> Iterator[str]:
    """pcscd with the vpcd driver; started here (and stopped after) when not already running."""
    import shutil
    import subprocess
    import time

    if not VPCD_CONF.exists() or shutil.which("pcscd") is None:
        pytest.skip("pcscd / vsmartcard-vpcd not installed (scripts/setup.sh installs them)")
    # One virtual card slot per machine: test runs of several checkouts take turns.
    import fcntl

    lock = open("/tmp/tingduan-vpcd.lock", "w")  # noqa: SIM115 (held for the session)
    fcntl.flock(lock, fcntl.LOCK_EX)
    proc = None
    if not _vpcd_reader_present():
        proc = subprocess.Popen(["pcscd", "--foreground"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _vpcd_reader_present():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                pytest.fail("pcscd did not come up with the vpcd reader")
            time.sleep(0.05)
    try:
        yield VPCD_READER
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        lock.close()
