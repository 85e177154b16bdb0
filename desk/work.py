"""The desk's work page: a bar (hall, window and its matters, clerk, sync), a notice line, the
queue panel on the left, and on the right the applicant with 一件事 acceptance, 出件, and the
day's figures. It only shows; desk/window.py feeds it and acts on its signals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desk.acceptance import AcceptancePanel
from desk.applicant import ApplicantPanel
from desk.bookings import BookingsPanel
from desk.delivery import DeliveryPanel
from desk.figures import FiguresPanel
from desk.follow_ups import FollowUpsPanel
from desk.names import ROLE, name
from desk.queue_panel import QueuePanel
from desk.state import QueueState
from ui.parts import button, label, restyle
from ui.sync_state import SyncState
from ui.theme import Theme


class WorkPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        gap = Theme.instance().current.size("gap")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(gap, gap, gap, gap)
        outer.setSpacing(gap)

        bar = QHBoxLayout()
        self.where = label("", "heading")
        self.matters_button = button("")  # the window's matters: seen by all, set by a supervisor
        self.who = label("")
        self.sync = label("", "muted")
        self.sync.setAlignment(Qt.AlignmentFlag.AlignCenter)  # a badge: its word in the middle
        self.conflicts_button = button("")
        self.conflicts_button.hide()
        self.settings_button = button(self.tr("Hall settings"))  # a supervisor's (大厅设置)
        self.settings_button.hide()
        self.lock_button = button(self.tr("Lock"))
        self.sign_out_button = button(self.tr("Sign out"))
        bar.addWidget(self.where)
        bar.addWidget(self.matters_button)
        bar.addStretch(1)
        for w in (self.who, self.sync, self.conflicts_button, self.settings_button,
                  self.lock_button, self.sign_out_button):
            bar.addWidget(w)
        outer.addLayout(bar)
        self.notice = label("", "notice", wrap=True)
        self.notice.hide()
        outer.addWidget(self.notice)

        body = QHBoxLayout()
        body.setSpacing(gap)
        self.queue = QueuePanel()
        body.addWidget(self.queue, 9)
        self.tabs = QTabWidget()
        accept_tab = QWidget()
        accept_layout = QVBoxLayout(accept_tab)
        accept_layout.setContentsMargins(0, gap // 2, 0, 0)
        accept_layout.setSpacing(gap // 2)
        self.applicant = ApplicantPanel()
        self.acceptance = AcceptancePanel()
        accept_layout.addWidget(self.applicant)
        accept_layout.addWidget(self.acceptance, 1)
        self.delivery = DeliveryPanel()
        self.figures = FiguresPanel()
        self.tabs.addTab(accept_tab, self.tr("Applicant and acceptance"))
        # 待出件, the case, 补交 and 补正 make a long page: it scrolls within the clerk's screen
        self.delivery_page = QScrollArea()
        self.delivery_page.setWidget(self.delivery)
        self.delivery_page.setWidgetResizable(True)
        self.delivery_page.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(self.delivery_page, self.tr("Hand out results"))
        self.tabs.addTab(self.figures, self.tr("Today's figures"))
        self.bookings = BookingsPanel()  # 预约 (desk/bookings.py)
        self.tabs.addTab(self.bookings, self.tr("Bookings"))
        self.follow_ups = FollowUpsPanel()  # 差评整改: a supervisor's (desk/follow_ups.py)
        self.follow_ups_tab = self.tabs.addTab(self.follow_ups, self.tr("Follow-ups"))
        self.tabs.setTabVisible(self.follow_ups_tab, False)
        body.addWidget(self.tabs, 16)
        outer.addLayout(body, 1)

    def show_session(self, hall_name: str, window: str, user: str, role: str) -> None:
        self.where.setText(self.tr("{hall} · Window {window}").format(hall=hall_name,
                                                                      window=window))
        self.who.setText(f"{user}（{name(ROLE, role)}）")

    def show_queue(self, state: QueueState) -> None:
        self.queue.show_state(state)
        if state.services is None:
            self.matters_button.setText(self.tr("Matters: all"))
            self.matters_button.setToolTip("")
        else:
            self.matters_button.setText(self.tr("Matters: {n}").format(n=len(state.services)))
            self.matters_button.setToolTip("、".join(state.services))
        self.show_sync(state.sync)

    def show_sync(self, sync: SyncState) -> None:
        if not sync.enrolled:
            text, role = self.tr("Stand-alone"), "muted"
        elif sync.online:
            text = self.tr("Online") if not sync.pending else self.tr(
                "Online, {n} to send").format(n=sync.pending)
            role = "status-ok"
        else:
            text, role = self.tr("Offline: {n} to send").format(n=sync.pending), "error"
        self.sync.setText(text)
        restyle(self.sync, role)
        # a badge keeps its padding in a crowded bar: the bar squeezed it to the bare text
        pad = Theme.instance().current.size("padding")
        self.sync.setMinimumWidth(self.sync.fontMetrics().horizontalAdvance(text) + 2 * pad + 4)
        count = len(sync.conflicts)
        self.conflicts_button.setVisible(count > 0)
        self.conflicts_button.setText(self.tr("{n} conflicts").format(n=count))
        restyle(self.conflicts_button, "danger")

    def say(self, text: str, role: str = "notice") -> None:
        restyle(self.notice, role)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
