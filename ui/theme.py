"""The theme: design tokens (resources/theme/tokens.json) → one stylesheet per mode.

Compact mode is the desk's on a small screen (1366×768): the same widgets at a mouse's sizes.
Elder mode (适老化) is a setting of the whole application: `Theme.set_mode("elder")` renders the
stylesheet from the same tokens with larger sizes and sets it on the QApplication, so every
widget of every face grows at once and no widget carries its own elder code. Faces style widgets
by role (`widget.setProperty("role", "primary")`), never with sizes or colours of their own.

A face of pages in a stack (the kiosk) asks for `PageStyler`: then a mode change restyles its
fixed parts and the page shown at once and each other page when it is next shown, not every
widget of the application (a kiosk's elder switch stalled 0.3–3.4 s restyling pages no one saw:
issue 29's soak).
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget
from shiboken6 import isValid

ROOT = Path(__file__).resolve().parents[1]
THEME_DIR = ROOT / "resources" / "theme"
TOKENS_FILE = THEME_DIR / "tokens.json"
QSS_FILE = THEME_DIR / "shell.qss"

Mode = Literal["normal", "elder", "compact"]
MODES: tuple[Mode, ...] = ("normal", "elder", "compact")
# what a citizen's face (kiosk, call screen) renders and its screenshots show: compact is a desk's
FACE_MODES: tuple[Mode, ...] = ("normal", "elder")


@dataclass(frozen=True)
class ModeTokens:
    """The tokens of one mode, sizes resolved to pixels."""

    mode: Mode
    families: tuple[str, ...]
    colors: dict[str, str]
    sizes: dict[str, int]
    line_spacing: float
    min_contrast: float
    min_target: int
    min_text: int
    min_line_spacing: float

    def size(self, name: str) -> int:
        return self.sizes[name]

    def color(self, name: str) -> str:
        return self.colors[name]

    def variables(self) -> dict[str, str]:
        """What the stylesheet template may name: sizes bare, colours as c_<name>."""
        out = {name: str(value) for name, value in self.sizes.items()}
        out["half_padding"] = str(max(self.sizes["padding"] // 2, 2))
        out.update({f"c_{name}": value for name, value in self.colors.items()})
        out["font_families"] = ", ".join(f'"{f}"' for f in self.families)
        return out


@dataclass(frozen=True)
class Tokens:
    raw: dict[str, Any]

    @classmethod
    def load(cls, path: Path = TOKENS_FILE) -> Tokens:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @property
    def font_files(self) -> list[str]:
        return list(self.raw["font"].get("files", []))

    def for_mode(self, mode: Mode) -> ModeTokens:
        if mode not in MODES:
            raise ValueError(f"unknown theme mode {mode!r} (one of {', '.join(MODES)})")
        raw = self.raw
        sizes = {k: int(v) for k, v in raw["size"].items()}
        colors = dict(raw["color"])
        line_spacing = float(raw["line_spacing"])
        if mode == "elder":
            elder = raw["elder"]
            sizes.update({k: round(sizes[k] * float(elder["scale"])) for k in elder["scaled"]})
            sizes.update({k: round(sizes[k] * float(elder.get("space_scale", elder["scale"])))
                          for k in elder.get("spaced", ())})
            sizes["target"] = int(elder["target"])
            line_spacing = float(elder["line_spacing"])
            # hints (muted) as dark as the text: an older reader gets no grey small print
            colors.update(elder.get("color", {}))
        elif mode == "compact":
            compact = raw["compact"]
            sizes.update({k: int(v) for k, v in compact["size"].items()})
            sizes["target"] = int(compact["target"])
            line_spacing = float(compact["line_spacing"])
        limits = raw["limits"]
        return ModeTokens(mode=mode, families=tuple(raw["font"]["families"]),
                          colors=colors, sizes=sizes, line_spacing=line_spacing,
                          min_contrast=float(limits["min_contrast"]),
                          min_target=int(limits["min_target"][mode]),
                          min_text=int(limits["min_text"][mode]),
                          min_line_spacing=float(limits["min_line_spacing"][mode]))


def render_qss(tokens: ModeTokens, template: str | None = None) -> str:
    """The stylesheet of one mode; a token the template names but the tokens lack is an error
    (KeyError), not an empty value."""
    text = QSS_FILE.read_text(encoding="utf-8") if template is None else template
    return string.Template(text).substitute(tokens.variables())


def load_fonts(tokens: Tokens) -> str | None:
    """Make sure a CJK family of the tokens is available (registering the font files when
    fontconfig does not list them) and return the first one that is; None means tofu."""
    families = set(QFontDatabase.families())
    wanted = list(tokens.raw["font"]["families"])
    if not any(f in families for f in wanted):
        for file in tokens.font_files:
            if Path(file).exists():
                QFontDatabase.addApplicationFont(file)
        families = set(QFontDatabase.families())
    return next((f for f in wanted if f in families), None)


class Theme(QObject):
    """The application's theme; one per QApplication (`Theme.instance()`)."""

    mode_changed = Signal(str)

    _instance: Theme | None = None

    def __init__(self, app: QApplication, tokens: Tokens | None = None,
                 mode: Mode = "normal") -> None:
        super().__init__(app)
        self.app = app
        self.tokens = tokens or Tokens.load()
        self.family = load_fonts(self.tokens)
        self._template = QSS_FILE.read_text(encoding="utf-8")
        self._mode: Mode = mode
        self._sheets: dict[Mode, str] = {}
        self._app_mode: Mode = mode
        self._stylers: list[PageStyler] = []
        Theme._instance = self
        self.apply()

    @classmethod
    def instance(cls) -> Theme:
        if cls._instance is None:
            raise RuntimeError("no Theme yet: ui.app.configure() makes one")
        return cls._instance

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def elder(self) -> bool:
        return self._mode == "elder"

    @property
    def current(self) -> ModeTokens:
        return self.tokens.for_mode(self._mode)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown theme mode {mode!r}")
        if mode == self._mode:
            return
        self._mode = next(m for m in MODES if m == mode)
        self._stylers = [s for s in self._stylers if s.alive()]
        shown = [s for s in self._stylers if s.shown()]
        if shown:  # the faces restyle what is shown; the application keeps its sheet
            for styler in shown:
                styler.restyle_shown()
        else:  # no such face on screen (a closed one restyles when it shows again)
            self.apply()
        self.mode_changed.emit(mode)

    def set_elder(self, on: bool) -> None:
        self.set_mode("elder" if on else "normal")

    def toggle_elder(self) -> None:
        self.set_elder(not self.elder)

    def sheet(self, mode: Mode) -> str:
        """The stylesheet of `mode`, rendered once."""
        if mode not in self._sheets:
            self._sheets[mode] = render_qss(self.tokens.for_mode(mode), self._template)
        return self._sheets[mode]

    def apply(self) -> None:
        """The current mode on the whole application: every widget restyled."""
        tokens = self.current
        font = QFont(self.family or "")
        font.setPixelSize(tokens.size("text"))
        font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        self.app.setFont(font)
        self.app.setStyleSheet(self.sheet(self._mode))
        self._app_mode = self._mode

    @property
    def app_mode(self) -> Mode:
        """The mode of the application's own stylesheet (what a widget with none shows)."""
        return self._app_mode


class PageStyler(QObject):
    """Restyles a face of pages by parts: on a mode change its `fixed` widgets (a header, a
    message line) and the page shown at once, every other page of `stack` when it is next
    shown. Each part carries a stylesheet of its own only while the mode differs from the
    application's (`Theme.app_mode`); the application's sheet and font stay as they are, so
    Qt repolishes only the parts restyled. Restyling a kiosk's shown page took 58 ms where
    the whole application took 0.3–3.4 s (issue 29's soak)."""

    PROPERTY = "themeMode"  # the mode a part was last styled in (none: the application's)

    def __init__(self, theme: Theme, stack: QStackedWidget, fixed: Sequence[QWidget]) -> None:
        super().__init__(stack)
        self.theme = theme
        self.stack = stack
        self.fixed = list(fixed)
        stack.currentChanged.connect(self._shown)
        theme._stylers.append(self)
        self._window: QWidget | None = None
        self.restyle_shown()  # made while the theme was in another mode than the application

    def alive(self) -> bool:
        return isValid(self) and isValid(self.stack)

    def shown(self) -> bool:
        """On screen: a closed window is restyled when it shows again, not now."""
        window = self.stack.window()
        if window is not self._window:  # its window's Show restyles it (the first: at once)
            window.installEventFilter(self)
            self._window = window
        return window.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and watched is self._window:
            self.restyle_shown()
        return False

    def restyle_shown(self) -> None:
        for widget in self.fixed:
            self.style(widget)
        self.style(self.stack.currentWidget())

    def style(self, widget: QWidget | None) -> None:
        """`widget` in the theme's mode, restyled only if it is not in it yet: call it before
        showing a page (the face's `go`), so that it is polished once, in its new style."""
        if widget is None or not isValid(widget):
            return
        mode = self.theme.mode
        if (widget.property(self.PROPERTY) or self.theme.app_mode) == mode:
            return
        widget.setStyleSheet("" if mode == self.theme.app_mode else self.theme.sheet(mode))
        widget.setProperty(self.PROPERTY, mode)

    def _shown(self, index: int) -> None:
        self.style(self.stack.widget(index))
