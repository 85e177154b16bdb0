"""帮办: a request for a helper, and its answer shown while the person waits."""

from __future__ import annotations

from typing import Any

from kiosk.flows.base import (
    KioskBase,
)


class HelpFlow(KioskBase):
    """帮办."""

    def start_help(self) -> None:
        self.visit.purpose = "help"
        self.go(self.help, self.help.instruction.text())

    def ask_help(self, kind: str) -> None:
        self.call(lambda kiosk: kiosk.help.request(kind).value, self._help_sent)

    def _help_sent(self, request: Any) -> None:
        self.visit.help_id = request.id
        self.help.show_sent(False)
        self.guide_step(self.help.sent.text())

    def _help_state(self, request: Any) -> None:
        if request.status != "open" and self.stack.currentWidget() is self.help:
            self.help.show_sent(True)
            self.guide_step(self.help.sent.text())
