"""A clerk's desk on a 1366×768 screen (common on hall PCs): in compact mode every page of the
signed-in desk fits the screen's free area; the desk chooses compact by the screen's height."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desk.app import density_for
from tests.desk.conftest import add_accounts, sign_in
from ui.app import Shell

FREE = (1366, 728)  # 1366×768 less a 40 px taskbar


def test_density_follows_the_screen() -> None:
    assert density_for("auto", 728) == "compact"
    assert density_for("auto", 860) == "compact"  # 1440×900
    assert density_for("auto", 1040) == "normal"  # 1920×1080
    assert density_for("auto", None) == "normal"
    assert density_for("normal", 728) == "normal"  # what the clerk asked for wins
    assert density_for("compact", 1040) == "compact"


def test_every_page_of_the_compact_desk_fits_1366x768(  # type: ignore[no-untyped-def]
        shell: Shell, make_desk, data_dir: Path, qtbot: QtBot) -> None:
    shell.theme.set_mode("compact")
    try:
        add_accounts(data_dir)
        desk = make_desk(data_dir)
        assert desk.minimumSizeHint().height() <= FREE[1]  # the sign-in page
        sign_in(qtbot, desk, "li", "1")
        desk.resize(*FREE)
        for index in range(desk.work.tabs.count()):
            desk.work.tabs.setCurrentIndex(index)
            hint = desk.minimumSizeHint()
            assert hint.width() <= FREE[0] and hint.height() <= FREE[1], (
                desk.work.tabs.tabText(index), hint)
    finally:
        shell.theme.set_mode("normal")
