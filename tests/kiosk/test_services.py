"""办件查询 (number, receipt QR, ID card), 好差评 (five grades, 差评 reasons), 预约签到, and
一次性告知 printed, at the kiosk through the emulators."""

from __future__ import annotations

from datetime import datetime, timedelta

from devices.emulators import people
from hall.actors import Actor
from hall.cases import MaterialItem
from tests.kiosk.conftest import OP, Kiosk


def _case(kiosk: Kiosk) -> str:
    """A case of the sample resident, accepted at a desk, two of its seven steps approved."""
    with kiosk.hall() as hall:
        read = hall.cards.read(OP, people.RESIDENT)
        service = hall.catalog.get("newborn")
        items = [MaterialItem(m.name, "submitted") for m in service.materials]
        case = hall.cases.accept(OP, "newborn", hall.cards.applicant(read), items).value
        health = Actor.account("wjw1", "department", department="市卫健委")  # 后台: its parts
        for step in (1, 2):
            hall.parts.decide(health, case.number, step, "received")
            hall.parts.decide(health, case.number, step, "approved")
        police = Actor.account("gaj1", "department", department="市公安局")
        hall.parts.decide(police, case.number, 3, "received")
        hall.parts.decide(police, case.number, 3, "correction", "缺页", bring=["户口簿"])
        return case.number


def _shown(kiosk: Kiosk) -> str:
    from PySide6.QtWidgets import QLabel

    page = kiosk.window.progress
    return "\n".join(label.text() for label in page.area.widget().findChildren(QLabel))


def test_case_progress_by_number_receipt_qr_and_card(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    number = _case(kiosk)
    kiosk.tap(w.home.progress_tile)
    kiosk.on(w.progress)
    kiosk.type(number, w.progress.keyboard)
    assert w.progress.field.text() == number
    kiosk.tap(w.progress.find_button)
    kiosk.qtbot.waitUntil(lambda: "新生儿出生“一件事”" in _shown(kiosk), timeout=10_000)
    shown = _shown(kiosk)
    assert "办理进度：共7个环节，已完成2个" in shown and "状态：办理中" in shown
    assert "承诺办结时间：" in shown
    # each part: matter, department, state, due or decision date; a 补正 owed said plainly
    assert "《出生医学证明》办理(首签)（市卫健委）：已通过，" in shown and "办结" in shown
    assert "社会保障卡申领（市人社局）：待签收，承诺" in shown
    assert "需要补正：请到窗口携带户口簿。" in shown and "缺页" not in shown  # no free text
    import os

    if os.environ.get("TINGDUAN_SCREENS"):
        kiosk.qtbot.wait(300)
        w.grab().save(os.path.join(os.environ["TINGDUAN_SCREENS"], "kiosk_progress.png"))
    # the receipt's QR, scanned on the home screen
    kiosk.tap(w.home_button)
    kiosk.on(w.home)
    with kiosk.hall() as hall:
        qr = hall.case_receipt(hall.cases.get(OP, number)).qr_url
    assert qr is not None
    kiosk.scanner.scan(qr)
    kiosk.on(w.progress)
    kiosk.qtbot.waitUntil(lambda: f"办件编号：{number}" in _shown(kiosk), timeout=10_000)
    # by ID card
    kiosk.tap(w.home_button)
    kiosk.tap(w.home.progress_tile)
    kiosk.on(w.progress)
    kiosk.card(people.RESIDENT)
    kiosk.qtbot.waitUntil(lambda: f"办件编号：{number}" in _shown(kiosk), timeout=10_000)
    assert people.RESIDENT.name not in _shown(kiosk)
    # an unknown number is said plainly
    kiosk.tap(w.home_button)
    kiosk.tap(w.home.progress_tile)
    kiosk.type("SY-0000", w.progress.keyboard)
    kiosk.tap(w.progress.find_button)
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    assert w.message.text() == "没有找到该编号的办件。" or "办件" in w.message.text()


def _served(kiosk: Kiosk) -> str:
    with kiosk.hall() as hall:
        hall.windows.configure(OP, "1", None)
        ticket = hall.tickets.take(OP, "consultation").value
        hall.tickets.call_ticket(OP, ticket.id, "1")
        hall.tickets.start(OP, ticket.id)
        hall.tickets.done(OP, ticket.id)
        return ticket.number


def test_a_bad_rating_asks_for_reasons(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    number = _served(kiosk)
    kiosk.tap(w.home.rate_tile)
    kiosk.on(w.rate)
    kiosk.type(number, w.rate.keyboard)
    kiosk.tap(w.rate.next_button)
    kiosk.qtbot.waitUntil(lambda: w.rate.step == "grade", timeout=10_000)
    assert [b.text() for b in w.rate.grade_buttons.values()] == [
        "非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    kiosk.tap(w.rate.grade_buttons[1])
    assert w.rate.step == "reasons"
    assert [b.text() for b in w.rate.reason_buttons][:2] == ["等候时间长", "工作人员态度"]
    kiosk.tap(w.rate.reason_buttons[0])
    kiosk.tap(w.rate.reason_buttons[2])
    kiosk.tap(w.rate.submit)
    kiosk.qtbot.waitUntil(lambda: w.rate.step == "thanks", timeout=10_000)
    with kiosk.hall() as hall:
        [rating] = hall.ratings.follow_ups(OP)
    assert rating.ticket == number and rating.grade == 1
    assert rating.reasons == ("等候时间长", "材料要求不清楚") and rating.follow_up_due
    assert rating.comment is None  # the fixed reasons are no typed text
    # rated twice: said plainly
    kiosk.tap(w.home_button)
    kiosk.tap(w.home.rate_tile)
    kiosk.type(number, w.rate.keyboard)
    kiosk.tap(w.rate.next_button)
    kiosk.qtbot.waitUntil(lambda: w.rate.step == "grade", timeout=10_000)
    kiosk.tap(w.rate.grade_buttons[5])
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    assert "已经评价" in w.message.text() or "已评价" in w.message.text()


def test_a_good_rating_by_scanning_the_ticket(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    number = _served(kiosk)
    with kiosk.hall() as hall:
        qr = hall.ticket_slip(hall.tickets.get(number)).qr_url
    kiosk.scanner.scan(qr)
    kiosk.on(w.rate)
    kiosk.qtbot.waitUntil(lambda: w.rate.step == "grade", timeout=10_000)
    assert number in w.rate.instruction.text()
    kiosk.tap(w.rate.grade_buttons[5])
    kiosk.qtbot.waitUntil(lambda: w.rate.step == "thanks", timeout=10_000)
    with kiosk.hall() as hall:
        grades = hall.core.conn.execute("SELECT grade FROM ratings").fetchall()
    assert grades == [(5,)]


def test_appointment_check_in_gives_a_priority_ticket(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    with kiosk.hall() as hall:
        key = hall.cards.read(OP, people.RESIDENT).holder.key
        slot = datetime.now(hall.core.zone) + timedelta(minutes=5)
        if slot.date().isoformat() != hall.today():
            slot = datetime.now(hall.core.zone)
        hall.appointments.book(OP, "retirement", slot, key)
    kiosk.tap(w.home.check_in_tile)
    kiosk.on(w.check_in)
    kiosk.card(people.RESIDENT)
    kiosk.on(w.ticket)
    text = kiosk.printed().text()
    # the priority on a line of its own (issue 21), not glued to the service's name
    assert "退休“一件事”\n预约优先" in text and w.ticket.number.text() in text
    with kiosk.hall() as hall:
        ticket = hall.tickets.get(w.ticket.number.text())
        assert ticket.priority == "appointment"
        assert hall.appointments.of_holder(key)[0].status == "checked_in"
    # a second tap: no appointment left, said plainly
    kiosk.take_card_away()
    kiosk.tap(w.ticket.ok)
    kiosk.tap(w.home.check_in_tile)
    kiosk.on(w.check_in)
    kiosk.qtbot.wait(400)  # the reader sees the card gone
    kiosk.card(people.RESIDENT)
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    assert "预约" in w.message.text()


def test_the_notice_lists_and_prints_every_material(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.tap(w.home.notice_tile)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.notice)
    shown = "\n".join(x.text() for x in w.notice.area.widget().findChildren(QLabel))
    with kiosk.hall() as hall:
        service = hall.catalog.get("newborn")
    for m in service.materials:
        assert m.name in shown
    for c in service.conditions:
        assert c in shown
    assert "可用结婚证电子证照免交" in shown and "容缺" in shown
    kiosk.tap(w.notice.print_button)
    printed = kiosk.printed().text()
    assert "一次性告知单" in printed and all(m.name in printed for m in service.materials)
    kiosk.qtbot.waitUntil(lambda: "已打印" in w.notice.status.text(), timeout=10_000)
