"""Sample data for `--screenshots`: a throwaway terminal (its own temporary data directory, a
fictitious hall day made through the hall API) and each page of the desk fed
with what it would read. Nothing of a real hall is touched."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from desk.work import WorkPage
from ui.app import Shell
from ui.screenshots import PageFactory

PASSWORD = "sample-desk-2026"


@cache
def sample() -> dict[str, Any]:
    """One sample hall per process: a morning at window 3."""
    from desk.state import read_figures, read_queue
    from devices.emulators.people import HK_RESIDENT, RESIDENT
    from hall.cases import MaterialItem
    from hall.terminal_setup import setup_terminal
    from hall.timefmt import iso_of_ms
    from ui.opening import sample_door
    from ui.sync_state import Conflict

    folder = Path(tempfile.mkdtemp(prefix="tingduan-desk-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    setup_terminal(folder, "SY-ZW01", "D3", standalone=True, hall_name="十堰市政务服务中心")
    with sample_door(folder) as hall:
        admin = hall.first_admin("admin", PASSWORD)
        admin.accounts.add("li.na", "clerk", PASSWORD)
        admin.accounts.add("zhao.min", "supervisor", PASSWORD)
        clerk = hall.sign_in("li.na", PASSWORD, window="3")
        boss = hall.sign_in("zhao.min", PASSWORD, window="3")
        kiosk = hall.kiosk
        boss.windows.configure("3", ["newborn", "retirement", "hukou_transfer",
                                           "social_security_card"])
        boss.windows.configure("1", None)
        boss.windows.configure("5", ["enterprise_info_change", "tax_invoice"])
        for service, priority in [("newborn", "regular"), ("retirement", "elder"),
                                  ("newborn", "regular"), ("hukou_transfer", "regular"),
                                  ("social_security_card", "pregnant"), ("newborn", "regular"),
                                  ("retirement", "regular"), ("tax_invoice", "regular")]:
            kiosk.tickets.take(service, priority)
        for grade in (5, 1):
            t = clerk.tickets.call_next("3").value
            clerk.tickets.start(t.id)
            clerk.tickets.done(t.id)
            kiosk.ratings.rate(t.id, grade)
        parked = clerk.tickets.call_next("3").value
        clerk.tickets.park(parked.id)
        current = clerk.tickets.call_next("3").value
        kiosk.help.request("elder")
        read = clerk.cards.read(RESIDENT, purpose="case")
        expired = clerk.cards.read(HK_RESIDENT, purpose="case")
        due = (clerk.now() + timedelta(days=5)).date().isoformat()
        case = clerk.cases.accept("newborn", clerk.cards.applicant(read), [
            MaterialItem("申请人居民身份证", "exempt"), MaterialItem("户口簿", "exempt"),
            MaterialItem("申请表(系统自动生成,当场签字)", "submitted"),
            MaterialItem("出生医学证明", "submitted"),
            MaterialItem("父母结婚证", "deferred", due=due)],
            promise="申请人承诺五日内补交父母结婚证").value
        queue = read_queue(hall.display, "3")  # as no one signed in sees it
        now_ms = int(clerk.now().timestamp() * 1000)
        now_at = iso_of_ms(now_ms, clerk.zone)
        conflicts = (
            Conflict("number", "e1:number", "C001", ("C001", "C001·T2"), None, now_ms, now_at),
            Conflict("call", "e2:call", "A006", (), "5", now_ms, now_at))
        offline = replace(queue, sync=replace(queue.sync, enrolled=True, online=False,
                                              pending=3, conflicts=conflicts))
        clerk.tickets.call_next("1")
        return {
            "folder": folder, "queue": queue, "offline": offline, "read": read,
            "expired": expired, "current": current, "case": case,
            "services": list(clerk.catalog.services),
            "figures_clerk": read_figures(clerk),
            "figures_boss": read_figures(boss),
            "hall_name": clerk.config.display_name,
            "slip": clerk.slips.case_receipt(case),
        }


def _work(state: str = "queue", tab: int = 0, read: str | None = "read",
          mark_deferred: bool = True, role: str = "clerk") -> WorkPage:

    s = sample()
    page = WorkPage()
    page.show_session(s["hall_name"], "3", "li.na" if role == "clerk" else "zhao.min", role)
    page.show_queue(s[state])
    page.acceptance.set_services(s["services"])
    page.acceptance.choose("newborn")
    if read:
        page.applicant.show_read(s[read])
    if mark_deferred:
        page.acceptance.set_mark("户口簿", "submitted")
        page.acceptance.set_mark("申请表(系统自动生成,当场签字)", "submitted")
        page.acceptance.set_mark("出生医学证明", "submitted")
        page.acceptance.set_mark("父母结婚证", "deferred")
    page.tabs.setCurrentIndex(tab)
    return page


def _on_page(make_dialog: Callable[[], QWidget]) -> QWidget:
    """A dialog shown as it sits over the desk: centred on a page (a grab sees one widget)."""
    from ui.parts import card

    page = QWidget()
    page.setProperty("role", "page")
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    outer = QVBoxLayout(page)
    row = QHBoxLayout()
    row.addStretch(1)
    frame, inner = card()
    dialog = make_dialog()
    dialog.setWindowFlags(Qt.WindowType.Widget)
    inner.addWidget(dialog)
    frame.setMinimumWidth(900)
    row.addWidget(frame)
    row.addStretch(1)
    outer.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(1)
    return page


def desk_pages(shell: Shell) -> Mapping[str, PageFactory]:
    from desk.dialogs import (
        ConflictsDialog,
        RefuseDialog,
        TransferDialog,
        WindowServicesDialog,
    )
    from desk.signin import LockPage, SignInPage

    def signin() -> QWidget:
        page = SignInPage(sample()["hall_name"], "3")
        page.user.setText("li.na")
        return page

    def signin_refused() -> QWidget:
        from ui import messages

        page = signin()
        page.show_error(messages.text("wrong_password"))  # type: ignore[attr-defined]
        return page

    def locked() -> QWidget:
        page = LockPage()
        page.lock_for("li.na", "3")
        return page

    def accepted() -> QWidget:
        page = _work()
        case = sample()["case"]
        from PySide6.QtCore import QCoreApplication

        page.say(QCoreApplication.translate("DeskWindow",
                                            "Accepted: case {case}, promised by {date}.").format(
            case=case.number, date=case.promised), "status-ok")
        return page

    def expired() -> QWidget:
        return _work(read="expired", mark_deferred=False)

    def offline() -> QWidget:
        from desk.dialogs import describe

        page = _work(state="offline", read=None, mark_deferred=False)
        page.say(describe(page, sample()["offline"].sync.conflicts[0]), "error")
        return page

    def delivery() -> QWidget:
        page = _work(tab=1, read=None, mark_deferred=False)
        page.delivery.show_case(sample()["case"])
        page.delivery.case_input.setText(sample()["case"].number)
        return page

    def figures(who: str) -> Callable[[], QWidget]:
        def make() -> QWidget:
            page = _work(tab=2, read=None, mark_deferred=False,
                         role="clerk" if who == "clerk" else "supervisor")
            page.figures.show_figures(sample()[f"figures_{who}"], who == "boss")
            return page
        return make

    s = sample
    return {
        "desk-signin": signin,
        "desk-signin-refused": signin_refused,
        "desk-locked": locked,
        "desk-work": _work,
        "desk-accepted": accepted,
        "desk-expired-card": expired,
        "desk-offline-conflicts": offline,
        "desk-delivery": delivery,
        "desk-figures-clerk": figures("clerk"),
        "desk-figures-supervisor": figures("boss"),
        "dialog-transfer": lambda: _on_page(lambda: TransferDialog(
            s()["current"].number, s()["services"], ["1", "5"])),
        "dialog-refuse": lambda: _on_page(lambda: RefuseDialog(
            s()["services"][8].name)),
        "dialog-conflicts": lambda: _on_page(lambda: ConflictsDialog(
            s()["offline"].sync.conflicts)),
        "dialog-window-matters-supervisor": lambda: _on_page(lambda: WindowServicesDialog(
            "3", s()["services"], s()["queue"].served, True)),
        "dialog-window-matters-clerk": lambda: _on_page(lambda: WindowServicesDialog(
            "3", s()["services"], s()["queue"].served, False)),
    }
