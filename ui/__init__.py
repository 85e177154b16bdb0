"""The shared Qt shell: app start, theme, elder mode, the bridge from core threads to signals."""

# First, before any Qt call: PySide6 6.12.0 on Python 3.11 loses references (see the module).
from ui.pyside_fixes import GUARDED as PYSIDE_GUARDED

__all__ = ["PYSIDE_GUARDED"]
