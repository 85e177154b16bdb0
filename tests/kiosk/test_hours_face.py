"""The kiosk and the hall's hours (issue 25): outside hours it says so plainly, with the next
opening, and offers only what works without a clerk; a new settings version (here: hours
lifted) reaches its screen without a restart; the version it runs is shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hall.app import Hall
from tests.kiosk.conftest import Kiosk

ZONE = ZoneInfo("Asia/Shanghai")


def _closed_until_tomorrow(folder: Path) -> str:
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).date().isoformat()
    with Hall.open(folder) as hall:
        admin = hall.accounts.add(None, "admin", "admin", "admin-pass-1").value
        hall.settings.request(admin, {"name": "十堰市民服务中心", "hours": {
            "week": {}, "special": {tomorrow: ["08:30-17:30"]}}})
    return tomorrow


def test_closed_kiosk_says_so_and_opens_with_new_settings(make_kiosk, data_dir: Path,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    tomorrow = _closed_until_tomorrow(data_dir)
    k: Kiosk = make_kiosk(data_dir)
    home = k.window.home
    k.qtbot.waitUntil(lambda: home.hours.isVisible(), timeout=10_000)
    assert k.window.hall_name.text() == "十堰市民服务中心"
    assert home.closed and not home.start.isVisible() and not home.no_id_tile.isVisible()
    assert home.progress_tile.isVisible() and home.notice_tile.isVisible()
    assert home.rate_tile.isVisible()
    assert "08:30" in home.hours.text() and tomorrow[5:] in home.hours.text()
    assert k.window.facts is not None and k.window.facts.settings_version == 1
    assert k.window.grab().save(str(tmp_path / "kiosk-closed.png"))  # looked at

    # the hours lifted by a supervisor (another connection, as sync would bring it)
    with Hall.open(data_dir) as hall:
        admin = hall.accounts.sign_in("admin", "admin-pass-1")
        hall.settings.request(admin, {"hours": None})
    k.qtbot.waitUntil(lambda: home.start.isVisible(), timeout=10_000)
    assert not home.hours.isVisible() and not home.closed
    assert k.window.facts is not None and k.window.facts.settings_version == 2
