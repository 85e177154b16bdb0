"""A guard against PySide6 6.12.0 on Python 3.11, whose generated bindings return the singletons
without taking a reference to them: every void call from Python (`label.setText()`,
`processEvents()`) takes one reference away from `None`, every `signal.emit()` one from `True`.
On Python 3.12+ the singletons are immortal and nothing happens; on 3.11 (Debian 12's Python) a
face dies with "Fatal Python error: none_dealloc" (or bool_dealloc) after some thousand calls,
which a kiosk reaches in minutes. pyproject.toml keeps PySide6 below 6.12; this guard covers a
venv that has 6.12.0 anyway: it measures whether calls lose references and, if so, gives
None, True and False so many that no run of the program can use them up.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

PAD = 1 << 48  # ~2.8e14 lost references: centuries at a million calls a second
SINGLETONS = (None, True, False)


class _Probe(QObject):
    ping = Signal()


def _total() -> int:
    return sum(sys.getrefcount(value) for value in SINGLETONS)


def calls_lose_references() -> bool:
    probe = _Probe()
    before = _total()
    for _ in range(16):
        probe.ping.emit()  # loses True on 6.12.0
        probe.setObjectName("probe")  # loses None on 6.12.0
    return _total() <= before - 16


def guard_singleton_refcounts() -> bool:
    """Pad the singletons' reference counts when PySide6 loses them; True if it had to."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not calls_lose_references():
        return False
    for value in SINGLETONS:
        # ob_refcnt is the first field of every CPython object (Py_ssize_t at its address)
        ctypes.c_ssize_t.from_address(id(value)).value += PAD
    return True


GUARDED = guard_singleton_refcounts()
