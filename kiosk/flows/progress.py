"""办件查询: a case's progress by its number, a receipt's QR or the applicant's card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk.flows.base import (
    KioskBase,
)

if TYPE_CHECKING:
    from hall.views import Progress


class ProgressFlow(KioskBase):
    """办件查询."""

    def start_progress(self) -> None:
        self.visit.purpose = "progress"
        self.go(self.progress, self.progress.instruction.text())

    def lookup_case(self, number: str) -> None:
        self.call(lambda kiosk: [kiosk.views.progress(number)], self._progress, hold="lookup")

    def _progress(self, found: Sequence[Progress]) -> None:
        self.progress.show_results(found)
        if found:
            p = found[0]
            self.guide_step(self.tr("{service}: {done} of {total} steps done.").format(
                service=p.service_name, done=p.steps_done, total=p.steps_total))
        self.finished()
