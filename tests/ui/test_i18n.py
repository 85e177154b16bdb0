"""Chinese through Qt's translation system: every tr() string of ui/, kiosk/ and desk/ has a
finished translation (found by running pyside6-lupdate on the sources now, so a string added
in code and not in the .ts fails here), and the application shows it."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui import i18n
from ui.app import Shell
from ui.sample import SamplePage


def _lupdate_into(ts: Path, package: str) -> None:
    lupdate = i18n.tool("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate not found")
    files = i18n.sources(package=package)
    if not files:
        return
    subprocess.run([lupdate, "-no-obsolete", "-locations", "none",
                    *map(str, files), "-ts", str(ts)],
                   check=True, capture_output=True, timeout=120)


@pytest.mark.parametrize("package", i18n.SOURCE_PACKAGES)
def test_every_string_has_a_finished_translation(tmp_path: Path, package: str) -> None:
    ts = tmp_path / "check.ts"
    if i18n.ts_file(package=package).exists():
        shutil.copy(i18n.ts_file(package=package), ts)
    _lupdate_into(ts, package)  # adds what the code has and the .ts lacks, as unfinished
    if not ts.exists():
        return  # no strings in this package yet
    missing = []
    total = 0
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            total += 1
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
            if translation.get("type") in ("unfinished", "vanished", "obsolete") or \
                    not all(f and f.strip() for f in forms):
                missing.append(f"{name}: {message.findtext('source')!r}")
    assert total > 50 or package != "ui"
    assert not missing, ("strings without a finished Chinese translation (run "
                         f"scripts/update_translations.sh {package}, then translate them in "
                         f"{i18n.ts_file(package=package).relative_to(i18n.ROOT)}):\n"
                         + "\n".join(missing))


@pytest.mark.parametrize("package", i18n.SOURCE_PACKAGES)
def test_translations_keep_their_placeholders(package: str) -> None:
    """A {name} in the English must be in the Chinese, or .format() fails on screen."""
    import re

    if not i18n.ts_file(package=package).exists():
        return
    root = ET.parse(i18n.ts_file(package=package)).getroot()
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        target = message.findtext("translation") or ""
        assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", target)), source
        assert source.count("%n") == target.count("%n"), source


def test_the_application_speaks_chinese(shell: Shell) -> None:
    assert shell.translators, "no translation loaded"
    page = SamplePage(shell.theme)
    try:
        assert page.title.text() == "取号"
        assert page.start.text() == "请刷身份证，或选择要办的事"
        # Qt's own strings too (standard dialog buttons)
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        page.deleteLater()


def test_a_stale_or_missing_qm_is_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    shutil.copy(i18n.ROOT / "resources" / "i18n" / "tingduan_zh_CN.ts", tmp_path)
    found = i18n._fresh_qm("zh_CN")
    assert found == tmp_path / "tingduan_zh_CN.qm" and found.stat().st_size > 1000
