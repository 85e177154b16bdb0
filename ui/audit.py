"""Checks a face's tests run on its widgets and on the theme: contrast (WCAG 2), touch-target
and text sizes, line spacing, clipped text, glyphs missing from the font, English left on screen.

`audit(page, theme.current)` returns the problems of a shown page as sentences; a test asserts
the list is empty, so a face inherits the elder-mode rules by calling it on each screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from ui.theme import ModeTokens


# --- contrast ----------------------------------------------------------------------------------
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of #RRGGBB."""
    h = hex_color.lstrip("#")
    if len(h) != 6:
        raise ValueError(f"expected #RRGGBB, got {hex_color!r}")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def qss_rules(qss: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of a flat stylesheet, one entry per comma-separated selector."""
    out: list[tuple[str, dict[str, str]]] = []
    for selectors, body in _RULE.findall(_COMMENT.sub("", qss)):
        decls = {}
        for part in body.split(";"):
            name, sep, value = part.partition(":")
            if sep:
                decls[name.strip()] = value.strip()
        out.extend((s.strip(), decls) for s in selectors.split(","))
    return out


def text_color_pairs(qss: str, tokens: ModeTokens) -> list[tuple[str, str, str]]:
    """Every (selector, text colour, fill) the stylesheet can paint.

    A rule's fill is its own background-color; else its base rule's (`X:pressed` → `X`); else
    the fills text can sit on (page and surface). A state rule that only changes the fill is
    paired with its base rule's text colour."""
    rules = qss_rules(qss)
    by_selector: dict[str, dict[str, str]] = {}
    for selector, decls in rules:
        by_selector.setdefault(selector, {}).update(decls)
    default_fg = by_selector.get("QWidget", {}).get("color", tokens.color("text"))
    grounds = [tokens.color("page"), tokens.color("surface")]
    pairs: list[tuple[str, str, str]] = []
    for selector, decls in by_selector.items():
        if "color" not in decls and "background-color" not in decls:
            continue
        base = by_selector.get(re.sub(r":[a-z-]+$", "", selector), {})
        fg = decls.get("color") or base.get("color") or default_fg
        bg = decls.get("background-color") or base.get("background-color")
        if bg in (None, "transparent"):
            pairs.extend((selector, fg, g) for g in grounds)
        else:
            pairs.append((selector, fg, bg))
    return pairs


# --- widgets -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    widget: str
    what: str

    def __str__(self) -> str:
        return f"{self.widget}: {self.what}"


TOUCHABLE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def _name(widget: QWidget) -> str:
    text = _text(widget)
    label = f" {text[:24]!r}" if text else ""
    return f"{type(widget).__name__}{'#' + widget.objectName() if widget.objectName() else ''}{label}"


def _text(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def audit(root: QWidget, tokens: ModeTokens, *, allow_latin: tuple[str, ...] = ()) -> list[Problem]:
    """Problems of the visible widgets under `root` (shown and laid out) in this mode."""
    problems: list[Problem] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not w.isVisibleTo(root) and w is not root:
            continue
        name = _name(w)
        if isinstance(w, TOUCHABLE) and (w.width() < tokens.min_target
                                         or w.height() < tokens.min_target):
            problems.append(Problem(name, f"touch target {w.width()}×{w.height()} px is under "
                                          f"{tokens.min_target}×{tokens.min_target}"))
        text = _text(w)
        if not text or (isinstance(w, QLabel) and _rich(w, text)):
            continue  # rich text: its markup is not what is shown; its page test checks it
        font = w.font()
        px = font.pixelSize() if font.pixelSize() > 0 else round(QFontInfo(font).pixelSize())
        if px < tokens.min_text:
            problems.append(Problem(name, f"text {px} px is under {tokens.min_text} px"))
        metrics = QFontMetricsF(font)
        if px > 0 and metrics.lineSpacing() / px < tokens.min_line_spacing:
            problems.append(Problem(name, f"line spacing {metrics.lineSpacing() / px:.2f} is "
                                          f"under {tokens.min_line_spacing}"))
        problems.extend(Problem(name, p) for p in _clipped(w, text))
        missing = sorted({c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))})
        if missing:
            problems.append(Problem(name, f"{QFontInfo(font).family()} has no glyph for "
                                          f"{''.join(missing)!r} (tofu)"))
        leftover = [m for m in _LATIN_WORD.findall(text) if m not in allow_latin]
        if leftover and not _CJK.search(text):
            problems.append(Problem(name, f"English on screen: {text[:40]!r}"))
    return problems


def _rich(label: QLabel, text: str) -> bool:
    fmt = label.textFormat()
    return fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText
                                             and "<" in text and ">" in text)


def _clipped(w: QWidget, text: str) -> list[str]:
    if isinstance(w, QLabel):
        if w.wordWrap():
            need = w.heightForWidth(w.width())
            if need > w.height() + 1:
                return [f"wrapped text needs {need} px of height, has {w.height()}"]
            return []
        hint = w.sizeHint()
        if hint.width() > w.width() + 1 or w.minimumSizeHint().height() > w.height() + 1:
            return [f"text needs {hint.width()}×{hint.height()} px, has {w.width()}×{w.height()}"]
        return []
    if isinstance(w, QAbstractButton):
        hint = w.sizeHint()
        if hint.width() > w.width() + 1 or hint.height() > w.height() + 1:
            return [f"label needs {hint.width()}×{hint.height()} px, has {w.width()}×{w.height()}"]
    return []
