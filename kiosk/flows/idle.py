"""Elder mode and idle: back to the start (and to the default text size) when a visit ends or
no one touches the screen, with a visible countdown.
"""

from __future__ import annotations

from kiosk.flows.base import (
    KioskBase,
    Visit,
)


class IdleFlow(KioskBase):
    """Elder mode and idle."""

    def go_home(self) -> None:
        """Back to the start and forget: the card, the choices, what the pages showed, and the
        text size (elder mode switched on by hand or by a card is this citizen's, not the
        next one's)."""
        if self.theme.mode != self.default_mode:
            self.theme.set_mode(self.default_mode)
        self.visit = Visit()
        for page in self.pages:
            page.reset()
        self.idle.timeout = self.idle_s
        self.go(self.home)

    def _countdown(self, seconds: int) -> None:
        self.countdown_text.setText(self.tr("Back to the start screen in {seconds} seconds")
                                    .format(seconds=seconds))
        self.countdown.show()
