"""社保卡 through the real stack: pyscard → pcscd → vpcd → our virtual card over TCP."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import date

import pytest

from devices import sscard
from devices.emulators import people
from devices.emulators.sscard import CardBehaviour, VirtualSocialCard, card_records
from devices.errors import CardBlocked, CardExpired, DeviceMissing, NoCard


def wait_until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "pcscd did not notice the card change"
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def no_card_left(request: pytest.FixtureRequest) -> Iterator[None]:
    """pcscd notices a removal late: the next test must not find the last test's card."""
    yield
    if "pcscd" in request.fixturenames:
        reader = request.getfixturevalue("pcscd")
        wait_until(lambda: not sscard.card_present(reader))


@pytest.fixture
def card(pcscd: str) -> Iterator[VirtualSocialCard]:
    with VirtualSocialCard(people.SOCIAL) as virtual:
        yield virtual


def test_reads_the_card_through_pcscd(card: VirtualSocialCard, pcscd: str) -> None:
    assert sscard.read_social_card(pcscd, timeout=5) == people.SOCIAL
    sent = card.behaviour.apdus
    assert sent[0] == sscard.SELECT_APP
    assert all(apdu[1] != 0x20 for apdu in sent)  # never a VERIFY


def test_any_reader_when_none_is_named(card: VirtualSocialCard) -> None:
    got = sscard.read_social_card(None, timeout=5)
    assert got.name == "测试甲" and got.nation == "汉" and got.expiry_date == "2029-03-01"


def test_unknown_reader_is_missing(pcscd: str) -> None:
    with pytest.raises(DeviceMissing, match="找不到读卡器"):
        sscard.read_social_card("No Such Reader", timeout=0.1)


def test_no_card_times_out(pcscd: str) -> None:
    with pytest.raises(NoCard):
        sscard.read_social_card(pcscd, timeout=0.3)


# The 61xx / 6Cxx / blocked paths, on the emulated card directly (no pcscd: fast)
def transmit_to(virtual: VirtualSocialCard):  # type: ignore[no-untyped-def]
    def transmit(apdu: list[int]) -> tuple[list[int], int, int]:
        answer = virtual.answer(bytes(apdu))
        assert answer is not None
        return list(answer[:-2]), answer[-2], answer[-1]
    return transmit


@pytest.mark.parametrize("behaviour", [CardBehaviour(le_strict=True), CardBehaviour(chain=True),
                                       CardBehaviour(le_strict=True, chain=True)])
def test_61xx_and_6cxx(behaviour: CardBehaviour) -> None:
    virtual = VirtualSocialCard(people.SOCIAL, behaviour=behaviour)
    try:
        fields = sscard.read_fields(transmit_to(virtual))
        assert sscard.decode_fields(fields, today=date(2024, 1, 1)) == people.SOCIAL
        answered = [a for a in behaviour.apdus if a[1] == 0xC0]
        assert bool(answered) == behaviour.chain
    finally:
        virtual.close()


def test_blocked_card_is_reported(pcscd: str) -> None:
    with VirtualSocialCard(people.SOCIAL, behaviour=CardBehaviour(blocked=True)), \
            pytest.raises(CardBlocked, match="锁定"):
        sscard.read_social_card(pcscd, timeout=5)


def test_expired_card_is_reported_with_the_card() -> None:
    expired = dataclasses.replace(people.SOCIAL, expiry_date="2020-01-01")
    virtual = VirtualSocialCard(expired)
    try:
        with pytest.raises(CardExpired, match="2020-01-01") as info:
            sscard.decode_fields(sscard.read_fields(transmit_to(virtual)))
        assert info.value.card == expired
    finally:
        virtual.close()


def test_records_round_trip_gbk_name() -> None:
    long_name = dataclasses.replace(people.SOCIAL, name="欧阳样例测试")
    records = card_records(long_name)
    assert records[0x09].startswith("欧阳样例测试".encode("gbk"))


def test_watcher_reports_insert_error_and_removal(pcscd: str) -> None:
    import threading

    from devices.sscard_watch import SocialCardWatcher

    cards: list[tuple[str, object]] = []
    errors: list[str] = []
    removed = threading.Event()
    inserted = threading.Event()

    def on_card(reader: str, card: object) -> None:
        cards.append((reader, card))
        inserted.set()

    def on_error(reader: str, error: Exception) -> None:
        errors.append(type(error).__name__)
        inserted.set()

    started = time.monotonic()
    with SocialCardWatcher(on_card, on_error, on_removed=lambda _r: removed.set(),
                           reader_name=pcscd):
        with VirtualSocialCard(people.SOCIAL):
            assert inserted.wait(5)
            time.sleep(0.1)  # let the watcher disconnect: a yank mid-disconnect confuses vpcd
        assert removed.wait(5)
        # a swap faster than pcscd's presence poll is one card to it: wait as a hand would
        wait_until(lambda: not sscard.card_present(pcscd))
        inserted.clear()
        with VirtualSocialCard(people.SOCIAL, behaviour=CardBehaviour(blocked=True)):
            assert inserted.wait(5)
            time.sleep(0.1)  # as above: no yank mid-disconnect (vpcd then misses the next card)
    assert cards == [(pcscd, people.SOCIAL)]
    assert errors == ["CardBlocked"]
    assert time.monotonic() - started < 10  # stop() did not wait out the 60 s poll


def test_a_watcher_can_start_again_in_the_same_process(pcscd: str) -> None:
    """pyscard starts its card monitor once per process: a second watcher after a stopped one
    (a face restarting its devices) must still hear cards."""
    import threading

    from devices.sscard_watch import SocialCardWatcher

    for _ in range(2):
        inserted = threading.Event()
        heard = inserted.set
        with SocialCardWatcher(lambda _r, _c, heard=heard: heard(),  # type: ignore[misc]
                               lambda _r, _e, heard=heard: heard(), reader_name=pcscd):
            with VirtualSocialCard(people.SOCIAL):
                assert inserted.wait(5)
                time.sleep(0.1)
            wait_until(lambda: not sscard.card_present(pcscd))
