"""The desk's dialogs: 转移 (to a service or a window), 不予受理 (the written reasons), the
matters a window serves (set by a supervisor, seen by a clerk), and the list of conflicts sync
found (calls made offline at two windows, numbers issued twice)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hall.catalog import Service
from ui.parts import button, label
from ui.sync_state import Conflict
from ui.theme import Theme


class _Dialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        gap = Theme.instance().current.size("gap")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(gap * 2, gap * 2, gap * 2, gap * 2)
        self.body.setSpacing(gap)
        self.body.addWidget(label(title, "title"))

    def add_buttons(self, ok_text: str, role: str = "primary") -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = button(self.tr("Cancel"))
        self.ok_button = button(ok_text, role)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button.clicked.connect(self.accept)
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button)
        self.body.addLayout(row)


class TransferDialog(_Dialog):
    """转移: the ticket keeps its place (its issue time) in the new queue."""

    def __init__(self, ticket: str, services: list[Service], windows: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Transfer {ticket}").format(ticket=ticket), parent)
        self.body.addWidget(label(self.tr("The ticket keeps its place in line."), "muted"))
        self.to_service = QRadioButton(self.tr("To another matter"))
        self.to_window = QRadioButton(self.tr("To another window"))
        group = QButtonGroup(self)
        group.addButton(self.to_service)
        group.addButton(self.to_window)
        self.services = QComboBox()
        for s in services:
            self.services.addItem(s.name, s.id)
        self.windows = QComboBox()
        self.windows.setEditable(True)
        self.windows.addItems(windows)
        self.body.addWidget(self.to_service)
        self.body.addWidget(self.services)
        self.body.addWidget(self.to_window)
        self.body.addWidget(self.windows)
        self.to_service.toggled.connect(self._toggled)
        self.to_service.setChecked(True)
        self.body.addStretch(1)
        self.add_buttons(self.tr("Transfer"))

    def _toggled(self) -> None:
        self.services.setEnabled(self.to_service.isChecked())
        self.windows.setEnabled(self.to_window.isChecked())

    def target(self) -> tuple[str | None, str | None]:
        """(service id, window): one of them."""
        if self.to_service.isChecked():
            return str(self.services.currentData()), None
        return None, self.windows.currentText().strip() or None


class RefuseDialog(_Dialog):
    """不予受理: at least one written reason; printed on the refusal notice."""

    def __init__(self, service_name: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Refuse: {matter}").format(matter=service_name), parent)
        self.body.addWidget(label(self.tr("Choose or write the reasons; they are printed on the "
                                          "refusal notice."), "muted", wrap=True))
        self.quick = QComboBox()
        self.quick.addItems([self.tr("Choose a common reason…"),
                             self.tr("The matter is not handled at this hall."),
                             self.tr("The applicant does not meet the conditions of the matter."),
                             self.tr("A main material is missing and cannot be deferred."),
                             self.tr("The materials do not match the statutory form.")])
        self.quick.currentIndexChanged.connect(self._picked)
        self.body.addWidget(self.quick)
        self.reasons = QPlainTextEdit()
        self.reasons.setPlaceholderText(self.tr("One reason per line"))
        self.body.addWidget(self.reasons, 1)
        self.add_buttons(self.tr("Refuse and print notice"), "danger")

    def _picked(self, index: int) -> None:
        if index <= 0:
            return
        text = self.reasons.toPlainText().rstrip()
        self.reasons.setPlainText((text + "\n" if text else "") + self.quick.currentText())
        self.quick.setCurrentIndex(0)

    def reason_list(self) -> list[str]:
        return [r.strip() for r in self.reasons.toPlainText().splitlines() if r.strip()]


class WindowServicesDialog(_Dialog):
    """办理事项 of a window. A supervisor (the hall's permission "window") ticks the matters
    and saves them (hall.windows.configure); a clerk reads the list, and who may change it.
    The hall checks the permission again."""

    def __init__(self, window: str, services: list[Service], served: tuple[str, ...] | None,
                 can_edit: bool, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Matters of window {window}").format(window=window), parent)
        self.can_edit = can_edit
        self.boxes: dict[str, QCheckBox] = {}
        gap = Theme.instance().current.size("gap")
        if not can_edit:
            self.body.addWidget(label(self.tr("Only a supervisor can change the matters a "
                                              "window serves."), "muted", wrap=True))
            names = [s.name for s in services if served is None or s.id in served]
            self.body.addWidget(label(self.tr("This window serves every matter.")
                                      if served is None else "\n".join(names), wrap=True))
            self.body.addStretch(1)
            row = QHBoxLayout()
            row.addStretch(1)
            self.ok_button = button(self.tr("Close"), "primary")
            self.ok_button.clicked.connect(self.reject)
            row.addWidget(self.ok_button)
            self.body.addLayout(row)
            return
        self.every = QCheckBox(self.tr("Every matter"))
        self.every.setChecked(served is None)
        self.body.addWidget(self.every)
        boxes = QWidget()
        grid = QGridLayout(boxes)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(gap * 2)
        grid.setVerticalSpacing(0)
        rows = -(-len(services) // 2)
        for i, service in enumerate(services):
            box = QCheckBox(service.name)
            box.setChecked(served is not None and service.id in served)
            self.boxes[service.id] = box
            grid.addWidget(box, i % rows, i // rows)  # down the first column, then the second
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(boxes)
        scroll.setMinimumSize(boxes.sizeHint().width() + gap * 3,
                              min(boxes.sizeHint().height(), 560))
        self.body.addWidget(scroll, 1)
        self.add_buttons(self.tr("Save"))
        self.every.toggled.connect(self._changed)
        for box in self.boxes.values():
            box.toggled.connect(self._changed)
        self._changed()

    def _changed(self) -> None:
        for box in self.boxes.values():
            box.setEnabled(not self.every.isChecked())
        self.ok_button.setEnabled(self.chosen() != [])  # a window serving nothing: no choice

    def chosen(self) -> list[str] | None:
        """The service ids ticked; None for every matter."""
        if not self.can_edit or self.every.isChecked():
            return None
        return [sid for sid, box in self.boxes.items() if box.isChecked()]


class ConflictsDialog(_Dialog):
    def __init__(self, conflicts: tuple[Conflict, ...], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Conflicts found by sync"), parent)
        for c in conflicts:
            self.body.addWidget(label(describe(self, c), wrap=True))
        if not conflicts:
            self.body.addWidget(label(self.tr("No conflicts."), "muted"))
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button(self.tr("Close"), "primary")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        self.body.addLayout(row)


def describe(_widget: QWidget | None, c: Conflict) -> str:
    """A conflict as one sentence for the clerk (one translation context wherever it is said)."""
    at = c.detected_at[11:16]  # the hall's time (hall.core.zone), not this machine's clock
    if c.kind == "call":
        where = QCoreApplication.translate("Conflicts", "now at window {window}").format(
            window=c.window) if c.window else ""
        return QCoreApplication.translate(
            "Conflicts", "{time}: ticket {ticket} was called at two windows while one was "
                         "offline {where}. Agree with the other window who serves it.").format(
            time=at, ticket=c.ticket or "?", where=where)
    if c.kind == "number":
        return QCoreApplication.translate(
            "Conflicts", "{time}: number {labels} was issued twice. Both are kept and both are "
                         "called; the screen and the voice tell them apart.").format(
            time=at, labels=" / ".join(c.labels) or c.ticket)
    return QCoreApplication.translate(
        "Conflicts", "{time}: a record from another terminal could not be applied ({ticket}). "
                     "Please tell the hall's IT.").format(time=at, ticket=c.ticket or "—")
