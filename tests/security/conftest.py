"""Fixtures of the security tests: a hall on a real SQLCipher store in a data dir with key files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import CallPolicy, TerminalConfig, save
from hall.core import Core
from hall.security import keys
from hall.store import Store
from tests.security.samples import needles

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _close_logs() -> Iterator[None]:
    yield
    from hall import logs

    logs.shutdown()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    Store.open(folder).close()  # as setup does: the store first (a set-up dir never makes one)
    save(folder, TerminalConfig("H1", "K3", short_code="K3", policy=CallPolicy()))
    return folder


@pytest.fixture
def secure_hall(data_dir: Path, clock: object) -> Iterator[Hall]:
    hall = Hall(Core(Store.open(data_dir), TerminalConfig("H1", "K3"), load_catalog(),
                       wall=clock,  # type: ignore[arg-type]
                       index_key=keys.load_or_create(data_dir, keys.INDEX)))
    yield hall
    hall.core.store.close()


def run_cli(*args: str, data_dir: Path, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**os.environ, **(env or {})})


def plaintext_hits(paths: list[Path], extra: list[bytes] | None = None) -> list[str]:
    """Which sample strings appear in which files (every file under a folder)."""
    hits = []
    files: list[Path] = []
    for p in paths:
        files += [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
    for f in files:
        if f.suffix == ".key":
            continue
        data = f.read_bytes()
        for needle in needles() + (extra or []):
            if needle in data:
                hits.append(f"{f.name}: {needle.decode(errors='replace')}")
    return hits
