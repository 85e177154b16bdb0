"""取号 at the kiosk through the real devices' emulators: a tapped ID card, a scanned 身份码, no
identification; the printed ticket read back from the printer emulator (text and QR); the
number spoken; search by pinyin initials."""

from __future__ import annotations

from pathlib import Path

from devices.emulators import people
from devices.voice import wav_seconds
from tests.kiosk.conftest import ISSUER, Kiosk


def _take_newborn(kiosk: Kiosk) -> None:
    w = kiosk.window
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.idle()  # the list is final (a mode switch lays it out again)
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.confirm)
    assert w.confirm.service.text() == "新生儿出生“一件事”"
    assert w.confirm.group.text() == "个人“一件事”"
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)


def test_card_then_bundle_then_printed_ticket(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    with kiosk.hall() as hall:  # two people already wait for the bundle
        for _ in range(2):
            hall.tickets.take(hall.kiosk(), "newborn")
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    assert w.services.who.text() == "您好，测**（420302********0010）"
    assert "测试甲" not in w.services.who.text()
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles and "等候 2 人" in
                          w.services.tiles["newborn"].detail.text(), timeout=10_000)
    _take_newborn(kiosk)
    ticket = kiosk.printed()
    text = ticket.text()
    number = w.ticket.number.text()
    assert number and number in text
    assert "新生儿出生“一件事”" in text and "请到 个人“一件事” 窗口办理" in text
    assert "前面还有 2 人" in text and w.ticket.ahead.text() == "您前面还有 2 人"
    with kiosk.hall() as hall:
        taken = hall.tickets.get(number)
        slip = hall.ticket_slip(taken)
        assert taken.service == "newborn" and taken.priority == "regular"
    assert [line.qr for line in ticket.lines if line.qr] == [slip.qr_url]
    assert people.RESIDENT.id_number not in text and "测试甲" not in text
    kiosk.qtbot.waitUntil(lambda: w.ticket.status_text() == "请取走下方的号票。", timeout=10_000)
    assert w.ticket.qr.matrix  # the QR is on screen too
    # the number is said, digit by digit as the calls say it
    said = [a for a in kiosk.ctx.guide.said if "您的号码是" in a.text]
    assert said and kiosk.ctx.guide.spoken_number(number) in said[-1].text
    wav = said[-1].rendered.result(timeout=30)
    assert Path(wav).exists() and wav_seconds(Path(wav)) > 1.0
    kiosk.tap(w.ticket.ok)
    kiosk.on(w.home)
    assert w.visit.read is None


def test_a_scanned_id_code_takes_a_number(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.tap(w.home.start)
    kiosk.on(w.identify)
    assert "身份码或企业码" in w.identify.ways.text()
    kiosk.scanner.scan(ISSUER.issue("测试甲乙", "990000198001010017"))
    kiosk.on(w.services)
    assert "测***（990000********0017）" in w.services.who.text()
    _take_newborn(kiosk)
    assert w.ticket.number.text() in kiosk.printed().text()
    with kiosk.hall() as hall:
        assert hall.tickets.get(w.ticket.number.text()).service == "newborn"


def test_a_forged_code_is_refused_plainly_and_a_card_still_works(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.tap(w.home.start)
    kiosk.on(w.identify)
    forged = ISSUER.issue("测试甲乙", "990000198001010017")[:-6] + "AAAAAA"
    kiosk.scanner.scan(forged)
    kiosk.qtbot.waitUntil(lambda: w.message.isVisible(), timeout=10_000)
    assert "无法" in w.message.text() or "不能" in w.message.text()
    assert w.stack.currentWidget() is w.identify
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)


def test_no_id_number_for_the_services_that_allow_it(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.tap(w.home.no_id_tile)
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: bool(w.services.tiles), timeout=10_000)
    assert sorted(w.services.tiles) == ["consultation", "result_pickup"]
    assert w.services.who.text() == "无证取号：仅限咨询、取件"
    kiosk.tap(w.services.tiles["consultation"])
    kiosk.on(w.confirm)
    assert w.confirm.who.text() == "无证取号"
    kiosk.tap(w.confirm.ok)
    kiosk.on(w.ticket)
    text = kiosk.printed().text()
    assert "综合咨询" in text and w.ticket.number.text() in text
    with kiosk.hall() as hall:
        assert hall.tickets.get(w.ticket.number.text()).service == "consultation"


def test_a_service_that_needs_id_asks_for_it(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.tap(w.home.notice_tile)  # 一次性告知 → 取号 for a bundle, no card yet
    kiosk.on(w.services)
    kiosk.qtbot.waitUntil(lambda: "newborn" in w.services.tiles, timeout=10_000)
    kiosk.tap(w.services.tiles["newborn"])
    kiosk.on(w.notice)
    kiosk.tap(w.notice.take_button)
    kiosk.on(w.identify)
    kiosk.card(people.RESIDENT)
    kiosk.on(w.confirm)  # straight to the service chosen before
    assert w.confirm.service.text() == "新生儿出生“一件事”"


def test_search_by_pinyin_initials_and_words(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    kiosk.card(people.RESIDENT)
    kiosk.on(w.services)
    kiosk.tap(w.services.keys_button)
    kiosk.type("xse", w.services.keyboard)
    kiosk.qtbot.waitUntil(lambda: list(w.services.tiles) == ["newborn"], timeout=10_000)
    kiosk.tap(w.services.keyboard.clear)
    kiosk.type("gjj", w.services.keyboard)
    kiosk.qtbot.waitUntil(lambda: list(w.services.tiles) == ["housing_fund_withdrawal"],
                          timeout=10_000)
    w.services.search.setText("户口")  # a word typed on a real keyboard (with an IME)
    kiosk.qtbot.waitUntil(lambda: list(w.services.tiles)[:2] == ["hukou_transfer", "newborn"],
                          timeout=10_000)
    w.services.search.setText("qqqq")
    kiosk.qtbot.waitUntil(lambda: w.services.empty.isVisible(), timeout=10_000)


def test_an_elder_card_turns_elder_mode_on_and_home_turns_it_off(make_kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk = make_kiosk()
    w = kiosk.window
    assert not w.theme.elder
    kiosk.card(people.RESIDENT_ELDER)
    kiosk.on(w.services)
    assert w.theme.elder and w.elder_button.text() == "标准模式"
    _take_newborn(kiosk)
    with kiosk.hall() as hall:
        assert hall.tickets.get(w.ticket.number.text()).priority == "elder"
    assert "老年人" in kiosk.printed().text()
    # elder mode speaks each step
    assert any("前面有" in a.text for a in kiosk.ctx.guide.said)
    kiosk.tap(w.home_button)
    kiosk.on(w.home)
    assert not w.theme.elder


def test_the_social_security_card_takes_a_number(make_kiosk, pcscd: str) -> None:  # type: ignore[no-untyped-def]
    import time

    from devices.emulators.sscard import VirtualSocialCard

    kiosk = make_kiosk(devices={"sscard_reader": pcscd})
    w = kiosk.window
    kiosk.qtbot.waitUntil(lambda: kiosk.ctx.devices.state("sscard_reader").ready,
                          timeout=15_000)
    card = VirtualSocialCard(people.SOCIAL)
    card.__enter__()
    try:
        kiosk.on(w.services, timeout=15_000)
        assert w.services.who.text() == "您好，测**（420302********0010）"
        time.sleep(0.1)  # let the watcher disconnect before the card goes (vpcd)
    finally:
        card.close()
