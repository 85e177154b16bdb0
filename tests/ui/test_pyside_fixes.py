"""PySide6 6.12.0 loses a reference to None on every void call and to True on every emit (fatal
on Python 3.11 after some thousand calls): with the shell imported, they are harmless whatever
the version."""

from __future__ import annotations

import subprocess
import sys

import PySide6

from tests.conftest import ROOT

CALLS = """
import ui
from PySide6.QtCore import QCoreApplication, QObject, Signal
class A(QObject):
    s = Signal(object)
app = QCoreApplication([])
a = A()
a.s.connect(lambda _x: None)
for _ in range(50_000):
    a.s.emit(1)
    a.setObjectName("a")
    app.processEvents()
print(ui.PYSIDE_GUARDED)
"""


def test_fifty_thousand_calls_do_not_kill_the_process() -> None:
    done = subprocess.run([sys.executable, "-c", CALLS], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen",
                                                       "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"\nPySide6 {PySide6.__version__}: reference guard needed: {done.stdout.strip()}")
