"""一次性告知: a service's materials and conditions on the screen and on paper, and a number from
there.
"""

from __future__ import annotations

from typing import Any

from devices.escpos.layout import receipt_slip_layout
from kiosk.flows.take import TakeFlow


class NoticeFlow(TakeFlow):
    """一次性告知."""

    def start_notice(self) -> None:
        self.visit.purpose = "notice"
        self.services.set_who(None, False)
        self.search(self.services.search.text())
        self.go(self.services, self.tr("Choose a service to see what to bring."))

    def print_notice(self) -> None:
        service = self.visit.service
        if service is None:
            return
        if not self.devices.config.get("printer") or self.devices.paper_out():
            self.notice.set_status(self._no_print_text(self.devices.printer.state))
            return
        self.call(lambda kiosk: kiosk.slips.notice_slip(service.id), self._print_notice_slip)

    def _print_notice_slip(self, slip: Any) -> None:
        token = self.devices.printer.print_layout(receipt_slip_layout(slip), kind="notice")
        self._prints[token] = "notice"
        self.idle.hold("printing")
        self.notice.set_status(self.tr("Printing…"))

    def take_from_notice(self) -> None:
        service = self.visit.service
        self.visit.purpose = "take"
        if service is not None:
            self.choose(service.id)
