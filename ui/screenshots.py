"""Render pages offscreen to PNG: every page, in normal and elder mode, at the sizes of the
hall's screens. `python main.py kiosk --screenshots DIR` and the desk's and display's do it
through ui.app.run_face; a face's tests can call `render_pages` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QSize
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from ui.theme import FACE_MODES, Mode, Theme

PageFactory = Callable[[], QWidget]

LANDSCAPE = QSize(1920, 1080)
PORTRAIT = QSize(1080, 1920)
SIZES: dict[str, QSize] = {"landscape": LANDSCAPE, "portrait": PORTRAIT}


def settle(widget: QWidget) -> None:
    """Let layouts, polish and deferred updates finish before a grab (a few rounds: a layout
    change can post another layout request)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
    widget.ensurePolished()


def visible_texts(widget: QWidget) -> list[str]:
    """What a shown page says: the texts of its visible labels, buttons, fields (and their
    placeholders), group titles, tabs and lists, rich text as plain, in widget order."""
    found: list[str] = []

    def plain(text: str) -> str:
        if "<" in text:  # rich text (a label's markup): what it shows, not its tags
            text = QTextDocumentFragment.fromHtml(text).toPlainText()
        return text.strip()

    for w in [widget, *widget.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton):
            found.append(plain(w.text()))
        elif isinstance(w, QLineEdit):
            found += [w.text(), w.placeholderText()]
        elif isinstance(w, QTextEdit):
            found += [w.toPlainText(), w.placeholderText()]
        elif isinstance(w, QGroupBox):
            found.append(w.title())
        elif isinstance(w, QTabBar):
            found += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            found += [w.itemText(i) for i in range(w.count())]
    return [t for t in (s.strip() for s in found) if t]


def render(widget: QWidget, size: QSize, path: Path, *, texts: bool = False) -> Path:
    """Show `widget` at `size` (offscreen under QT_QPA_PLATFORM=offscreen) and save it as PNG
    (and, with `texts`, what it says as NAME.txt beside it, one text a line)."""
    widget.resize(size)
    widget.show()
    settle(widget)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    if texts:
        lines = [t.replace("\n", " ") for t in visible_texts(widget)]
        path.with_suffix(".txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def render_pages(pages: Mapping[str, PageFactory], out_dir: Path, theme: Theme, *,
                 sizes: Mapping[str, QSize] = SIZES,
                 modes: Iterable[Mode] = FACE_MODES, texts: bool = False) -> list[Path]:
    """`<page>-<mode>-<W>x<H>.png` for each page, mode and size; the theme's mode is restored
    afterwards. A fresh widget per shot, so no page carries state from the last one."""
    written: list[Path] = []
    before = theme.mode
    try:
        for mode in modes:
            theme.set_mode(mode)
            for name, factory in pages.items():
                for size in sizes.values():
                    widget = factory()
                    try:
                        path = out_dir / f"{name}-{mode}-{size.width()}x{size.height()}.png"
                        written.append(render(widget, size, path, texts=texts))
                    finally:
                        widget.close()
                        widget.deleteLater()
                QApplication.processEvents()
    finally:
        theme.set_mode(before)
    return written
