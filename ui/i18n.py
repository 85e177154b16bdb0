"""Chinese through Qt's translation system.

Source strings are English, in the code through `self.tr()` / `QCoreApplication.translate()`
(and `QT_TRANSLATE_NOOP` for tables such as ui/messages.py). Each package keeps its own catalog
in `resources/i18n/` (`tingduan_zh_CN.ts` for ui/, `kiosk_zh_CN.ts`, `desk_zh_CN.ts`), so the
faces are translated side by side without touching one file; `scripts/update_translations.sh
[PACKAGE]` refreshes them from the sources (pyside6-lupdate), `scripts/setup.sh` compiles them
to `.qm` (pyside6-lrelease), and `install()` loads every one of them at start with Qt's own
Chinese (qtbase: the buttons of standard dialogs).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

ROOT = Path(__file__).resolve().parents[1]
I18N_DIR = ROOT / "resources" / "i18n"
CATALOG = "tingduan"  # ui/'s own catalog
CATALOGS = {"ui": CATALOG, "kiosk": "kiosk", "desk": "desk", "display": "display",
            "rater": "rater"}  # package -> catalog
DEFAULT_LOCALE = "zh_CN"
SOURCE_PACKAGES = tuple(CATALOGS)  # where tr() strings live

log = logging.getLogger("tingduan.ui")


def ts_file(locale: str = DEFAULT_LOCALE, package: str = "ui") -> Path:
    return I18N_DIR / f"{CATALOGS[package]}_{locale}.ts"


def qm_file(locale: str = DEFAULT_LOCALE, package: str = "ui") -> Path:
    return I18N_DIR / f"{CATALOGS[package]}_{locale}.qm"


def tool(name: str) -> str | None:
    """pyside6-lupdate / pyside6-lrelease of this venv, else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def sources(root: Path = ROOT, package: str | None = None) -> list[Path]:
    """The Python files whose tr() strings go into a package's catalog (every package's: None)."""
    packages = SOURCE_PACKAGES if package is None else (package,)
    return sorted(p for pkg in packages for p in (root / pkg).rglob("*.py")
                  if "__pycache__" not in p.parts)


def compile_ts(ts: Path, qm: Path) -> None:
    lrelease = tool("pyside6-lrelease")
    if lrelease is None:
        raise FileNotFoundError("pyside6-lrelease not found (it comes with PySide6)")
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True,
                   capture_output=True, timeout=60)


def _fresh_qm(locale: str, package: str = "ui") -> Path | None:
    """A compiled catalog; compiled here when setup has not (yet) done it, so a checkout that
    skipped setup still shows Chinese rather than English."""
    ts, qm = ts_file(locale, package), qm_file(locale, package)
    if qm.exists() and (not ts.exists() or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    if not ts.exists():
        return None
    try:
        compile_ts(ts, qm)
        return qm
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("translations: cannot compile %s (%s); run scripts/setup.sh", ts, exc)
        return qm if qm.exists() else None


def install(app: QCoreApplication, locale: str = DEFAULT_LOCALE,
            qm: Path | None = None) -> list[QTranslator]:
    """Load our catalog and Qt's own for `locale`; returns the translators (keep them alive).
    An English locale ("en") loads nothing: the source strings are English."""
    QLocale.setDefault(QLocale(locale))
    if locale.startswith("en"):
        return []
    installed: list[QTranslator] = []
    catalogs = [qm] if qm is not None else [_fresh_qm(locale, pkg) for pkg in CATALOGS]
    for ours in catalogs:
        if ours is None:
            continue  # a face with no strings yet
        translator = QTranslator(app)
        if translator.load(str(ours)):
            app.installTranslator(translator)
            installed.append(translator)
    if not installed:
        log.warning("translations: no catalog for %s: the screens would show English", locale)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{locale}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
