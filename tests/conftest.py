"""Fixtures shared by every test folder: a hall core on a real SQLite store, and a clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from hall.actors import Actor
from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import CallPolicy, TerminalConfig
from hall.core import Core
from hall.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The actor of tests that are not about actors: the local operator (may do everything but manage
# accounts). Tests about permissions name their actors themselves.
OP = Actor.operator("tests")


def hall_of(store: Store, config: TerminalConfig, **options: object) -> Hall:
    """A hall over an open store (the test's own config, catalog and clock)."""
    return Hall(Core(store, config, load_catalog(), **options))  # type: ignore[arg-type]

# CI replays the same examples on every run (main stays green on what was proven); a developer's
# run explores new ones, which is how the property tests and fuzzers find new cases.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", help="run tests that need real devices")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The machine has one virtual card slot (pcscd + vpcd, held under a flock for a session):
    # every test that needs it runs on the same worker, so no worker waits on another's session.
    for item in items:
        if "pcscd" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("pcscd"))
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs a real device (run with --hardware)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, **kw: float) -> None:
        self.now += timedelta(seconds=seconds, **kw)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def make_hall(tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    opened: list[Hall] = []

    def make(name: str = "t1", **config: object) -> Hall:
        policy = config.pop("policy", CallPolicy())
        config.setdefault("numbering", "standalone")  # plain numbers: A001, A002, …
        cfg = TerminalConfig(hall_id=str(config.pop("hall_id", "H1")),
                             terminal_id=str(config.pop("terminal_id", "K3")),
                             policy=policy, **config)  # type: ignore[arg-type]
        hall = hall_of(Store.open(tmp_path / name), cfg, wall=clock, index_key=b"k" * 32)
        opened.append(hall)
        return hall

    yield make
    for hall in opened:
        hall.close()


@pytest.fixture
def hall(make_hall: object) -> Hall:
    return make_hall()  # type: ignore[operator, no-any-return]


# --- pcscd + vpcd: the 社保卡 emulator's reader (tests/devices and tests/ui) ----------------
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
