"""大厅设置: the hall's settings as this desk runs them (version, who signed it), and a
supervisor's change. The change is recorded here and signed by the hub when the desk's sync
brings it there (hall/settings.py); the desk then runs the new version like every terminal."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from desk.dialogs import _Dialog
from ui.parts import label


class HallSettingsDialog(_Dialog):
    """Name, notices (one a line), elder age, the kiosk's idle time, and the opening hours
    (their JSON form, README "One hall, set up once"). Only what was changed is sent; the hall
    checks every value again and names a wrong one."""

    def __init__(self, version: int, signed_by: str | None, settings: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Hall settings"), parent)
        self.before = settings
        self.body.addWidget(label(
            self.tr("Version {version}, signed by {signer}").format(
                version=version, signer=signed_by or self.tr("nobody yet"))
            if version else self.tr("No hall settings heard from the hub yet."), "muted"))
        form = QFormLayout()
        self.name = QLineEdit(str(settings.get("name", "")))
        self.notices = QPlainTextEdit("\n".join(settings.get("notices") or []))
        self.elder_age = QSpinBox()
        self.elder_age.setRange(40, 120)
        self.elder_age.setValue(int(settings.get("elder_age", 60)))
        self.idle = QSpinBox()
        self.idle.setRange(15, 3600)
        self.idle.setValue(int(settings.get("kiosk_idle_s", 60)))
        hours = settings.get("hours")
        self.hours = QPlainTextEdit("" if hours is None else json.dumps(
            hours, ensure_ascii=False, indent=1))
        form.addRow(self.tr("Hall name"), self.name)
        form.addRow(self.tr("Notices (one a line)"), self.notices)
        form.addRow(self.tr("Elder age"), self.elder_age)
        form.addRow(self.tr("Kiosk idle seconds"), self.idle)
        form.addRow(self.tr("Opening hours"), self.hours)
        self.body.addLayout(form)
        self.body.addWidget(label(self.tr("The hub signs the change; every terminal of the "
                                          "hall then runs it."), "muted", wrap=True))
        self.add_buttons(self.tr("Save"))

    def changes(self) -> dict[str, Any]:
        """What differs from the version shown. Hours that are not JSON are sent as text, so
        the hall refuses them naming the key."""
        now: dict[str, Any] = {
            "name": self.name.text().strip(),
            "notices": [n.strip() for n in self.notices.toPlainText().splitlines() if n.strip()],
            "elder_age": self.elder_age.value(),
            "kiosk_idle_s": self.idle.value(),
        }
        text = self.hours.toPlainText().strip()
        try:
            now["hours"] = json.loads(text) if text else None
        except ValueError:
            now["hours"] = text
        return {k: v for k, v in now.items() if v != self.before.get(k)}
