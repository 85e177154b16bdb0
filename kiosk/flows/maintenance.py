"""Maintenance: the hidden panel behind the PIN or an admin's hall account (devices, paper,
voice, sync, a test print)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from devices.escpos.layout import receipt_layout
from kiosk.flows.base import (
    KioskBase,
    Visit,
)
from ui import messages

if TYPE_CHECKING:
    from hall.errors import HallError
    from hall.session import Session
    from hall.sync_status import SyncStatus


def _sync_status(kiosk: Session) -> SyncStatus:
    return kiosk.sync_status()


class MaintenanceFlow(KioskBase):
    """Maintenance, and the sync status it shows (the header's offline line too)."""

    def refresh_sync(self) -> None:
        self.call(_sync_status, self._sync_status, on_error=lambda _e: None)

    def _sync_status(self, state: SyncStatus) -> None:
        self.sync_state = state
        known = state.last_success_ms is not None or state.last_error is not None
        self.offline.setVisible(self.ctx.enrolled and known and not state.online)
        if self.stack.currentWidget() is self.maintenance:
            self._maintenance_panel()

    def open_maintenance(self) -> None:
        self.visit = Visit()
        self.maintenance.reset()
        self.go(self.maintenance)

    def check_pin(self, pin: str) -> None:
        self.call(lambda kiosk: kiosk.technician_sign_in(pin), self._pin_ok,
                  on_error=self._pin_refused)

    def check_account(self, user: str, password: str) -> None:
        """A hall account (an admin's) instead of the PIN: checked as at any desk of the hall,
        from what this kiosk last heard of the hall's accounts."""
        self.call(lambda kiosk: kiosk.maintenance_sign_in(user, password), self._pin_ok,
                  on_error=self._pin_refused)

    def _pin_refused(self, error: HallError) -> None:
        seconds = error.params.get("seconds") if error.code == "locked_out" else None
        self.maintenance.show_pin_error(messages.for_error(error),
                                        int(seconds) if isinstance(seconds, int) else 0)

    def _pin_ok(self, _actor: object) -> None:
        self.maintenance.show_pin_error("")
        self.maintenance.open_panel()
        self._maintenance_panel()
        if self.ctx.enrolled:
            self.refresh_sync()

    def _maintenance_panel(self) -> None:
        names = {"id_reader": self.tr("ID card reader"),
                 "sscard_reader": self.tr("Social security card reader"),
                 "scanner": self.tr("Code scanner"), "printer": self.tr("Printer")}
        lines = []
        for state in self.devices.states():
            if not state.configured:
                status = self.tr("not configured")
            elif state.ready:
                status = self.tr("working")
            else:
                status = messages.text(state.code or "device")
            lines.append(self.tr("{device}: {status}").format(device=names[state.kind],
                                                              status=status))
        m = self.maintenance
        m.devices.setText("\n".join(lines))
        paper = self.ctx.paper
        m.paper.setText(self.tr("{count} slips printed since the roll was changed; {state}")
                        .format(count=paper.printed,
                                state=self.tr("out of paper") if self.devices.paper_out()
                                else self.tr("paper loaded")))
        problems = {"no_player": self.tr("no audio player is installed: nothing is heard"),
                    "no_sound_device": self.tr("no sound device was found: nothing is heard"),
                    "play_failed": self.tr("the sound device does not play: nothing is heard")}
        heard = self.guide.problem
        if not self.guide.available:
            m.voice.setText(messages.text(self.guide.error.code if self.guide.error
                                          else "voice_missing"))
        else:
            m.voice.setText(problems.get(heard, heard) if heard else self.tr("working"))
        m.settings.setText(self.tr("Hall settings version {version}").format(
            version=self.facts.settings_version) if self.facts and self.facts.settings_version
            else self.tr("No hall settings heard yet (config.json values)."))
        sync = self.sync_state
        if not self.ctx.enrolled:
            m.sync.setText(self.tr("This terminal works alone (not enrolled with a hub)."))
        elif sync is None:
            m.sync.setText(self.tr("Checking…"))
        else:
            m.sync.setText(self.tr("{online}; {pending} events waiting to be sent").format(
                online=self.tr("online") if sync.online else self.tr("offline"),
                pending=sync.pending))

    def check_devices(self) -> None:
        self.devices.printer.check_now()
        QTimer.singleShot(1500, self, self._maintenance_panel)
        self._maintenance_panel()

    def test_print(self) -> None:
        layout = receipt_layout(self.tr("Test print"),
                                [(self.tr("Terminal"), self.facts.name if self.facts else ""),
                                 (self.tr("Printed since the roll was changed"),
                                  str(self.ctx.paper.printed))])
        token = self.devices.printer.print_layout(layout, kind="test")
        self._prints[token] = "test"

    def paper_changed(self) -> None:
        self.ctx.paper.reset()
        self._maintenance_panel()
