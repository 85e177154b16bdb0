"""Today's figures: a clerk's own (what they served), a supervisor's the hall's — waits,
no-shows, ratings, the 差评 to follow up with their deadlines — and the export (CSV, XLSX), made
by the hall (hall.exports.stats) and only for those allowed to export."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desk.state import FiguresState
from hall.stats import Figures
from ui.parts import button, card_layout, label, restyle


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


class FiguresPanel(QFrame):
    export = Signal(str)  # csv | xlsx
    refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = card_layout(self)
        head = QHBoxLayout()
        self.title = label(self.tr("My figures today"), "heading")
        head.addWidget(self.title, 1)
        self.refresh_button = button(self.tr("Refresh"))
        self.csv_button = button(self.tr("Export CSV"))
        self.xlsx_button = button(self.tr("Export XLSX"))
        for b in (self.refresh_button, self.csv_button, self.xlsx_button):
            head.addWidget(b)
        layout.addLayout(head)
        self.summary = label("", wrap=True)
        layout.addWidget(self.summary)
        self.table = self._table([self.tr("Matter or window"), self.tr("Issued"),
                                  self.tr("Done"), self.tr("No-show"), self.tr("Waiting"),
                                  self.tr("Average wait"), self.tr("Average service")])
        layout.addWidget(self.table, 2)
        # 好差评 per window, clerk and department (hall/rating_figures.py)
        self.ratings_table = self._table([self.tr("Window, clerk or department"), self.tr("Ratings"),
                                          self.tr("Average grade"), self.tr("Poor"),
                                          self.tr("Poor rate")])
        layout.addWidget(self.ratings_table, 1)
        self.follow_caption = label(self.tr("Poor ratings to follow up"), "heading")
        layout.addWidget(self.follow_caption)
        self.follow = self._table([self.tr("Ticket"), self.tr("Rating"),
                                   self.tr("Follow up by"), self.tr("Given at"),
                                   self.tr("Window"), self.tr("Clerk")])
        layout.addWidget(self.follow, 1)
        self.message = label("", "status-ok", wrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        self.csv_button.clicked.connect(lambda: self.export.emit("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export.emit("xlsx"))
        self.refresh_button.clicked.connect(self.refresh.emit)

    @staticmethod
    def _table(headings: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headings)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def show_figures(self, state: FiguresState, can_export: bool) -> None:
        stats = state.stats
        self.title.setText(self.tr("The hall's figures today") if state.hall_wide
                           else self.tr("My figures today"))
        t = stats.total
        rated = sum(stats.ratings.values())
        good = sum(n for g, n in stats.ratings.items() if g >= 4)
        self.summary.setText(self.tr(
            "Issued {issued}, done {served}, no-show {no_show}, waiting {waiting}; average wait "
            "{wait}, average service {service}; rated {rated} times, {good} satisfied, "
            "{bad} poor.").format(issued=t.issued, served=t.served, no_show=t.no_show,
                                  waiting=t.waiting, wait=_seconds(t.wait_avg_s),
                                  service=_seconds(t.service_avg_s), rated=rated, good=good,
                                  bad=stats.follow_ups))
        rows: list[tuple[str, Figures]] = [(self.tr("All"), t)]
        rows += [(state.service_names.get(k, k), f) for k, f in stats.by_service.items()]
        rows += [(self.tr("Window {window}").format(window=k), f)
                 for k, f in stats.by_window.items()]
        self.table.setRowCount(len(rows))
        for r, (what, f) in enumerate(rows):
            for c, value in enumerate([what, f.issued, f.served, f.no_show, f.waiting,
                                       _seconds(f.wait_avg_s), _seconds(f.service_avg_s)]):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self._show_ratings(stats.rating_figures)
        self.follow.setRowCount(len(state.follow_ups))
        for r, rating in enumerate(state.follow_ups):
            for c, value in enumerate([rating.ticket, rating.grade_name,
                                       rating.follow_up_due or "—",
                                       rating.given_at[:16].replace("T", " "),
                                       rating.window or "—", rating.clerk or "—"]):
                self.follow.setItem(r, c, QTableWidgetItem(value))
        self.follow.setVisible(state.hall_wide)
        self.follow_caption.setVisible(state.hall_wide)
        self.csv_button.setVisible(can_export)
        self.xlsx_button.setVisible(can_export)

    def _show_ratings(self, figures: dict[str, Any]) -> None:
        rows = [(self.tr("Window {window}").format(window=k), v)
                for k, v in figures.get("by_window", {}).items()]
        rows += [(k, v) for k, v in figures.get("by_clerk", {}).items()]
        rows += [(self.tr("Dept. {department}").format(department=k), v)
                 for k, v in figures.get("per_department", {}).items()]
        self.ratings_table.setRowCount(len(rows))
        for r, (what, v) in enumerate(rows):
            rate = v.get("bad_rate")
            for c, value in enumerate([what, v.get("count", 0),
                                       "—" if v.get("mean") is None else f"{v['mean']:.2f}",
                                       v.get("bad", 0),
                                       "—" if rate is None else f"{rate:.0%}"]):
                self.ratings_table.setItem(r, c, QTableWidgetItem(str(value)))
        follow = figures.get("follow_ups") or {}
        if follow.get("opened"):
            self.follow_caption.setText(self.tr(
                "Poor ratings to follow up: {opened} opened, {closed} closed ({on_time} on "
                "time), {overdue} overdue").format(
                    opened=follow["opened"], closed=follow.get("closed", 0),
                    on_time=follow.get("closed_on_time", 0), overdue=follow.get("overdue", 0)))
        else:
            self.follow_caption.setText(self.tr("Poor ratings to follow up"))

    def say(self, text: str, role: str = "status-ok") -> None:
        restyle(self.message, role)
        self.message.setText(text)
        self.message.show()
