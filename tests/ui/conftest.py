"""Fixtures of the shell's tests: the configured application (Chinese, theme), and terminal
data directories set up through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import ROOT
from ui.app import Shell, configure


@pytest.fixture(scope="session")
def shell(qapp: QApplication) -> Iterator[Shell]:
    """The shell as a face gets it: zh_CN loaded, the theme applied (normal mode)."""
    made = configure(qapp)
    yield made
    made.theme.set_mode("normal")


@pytest.fixture
def normal_mode(shell: Shell) -> Iterator[Shell]:
    shell.theme.set_mode("normal")
    yield shell
    shell.theme.set_mode("normal")


@pytest.fixture(scope="session")
def terminal_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("terminal-template") / "data"
    subprocess.run([sys.executable, str(ROOT / "main.py"), "setup", "--data-dir", str(folder),
                    "--hall", "SY-ZW01", "--terminal", "K3", "--standalone"], check=True,
                   capture_output=True, timeout=60)
    return folder


@pytest.fixture
def data_dir(terminal_template: Path, tmp_path: Path) -> Path:
    """A terminal's data directory, set up (config, keys, encrypted store), fresh per test."""
    folder = tmp_path / "terminal"
    shutil.copytree(terminal_template, folder)
    return folder
