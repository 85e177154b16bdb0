"""GA 467 over a real pty pair: the driver (pyserial) on the slave, the emulator on the master."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices import ga467
from devices.emulators import people
from devices.emulators.id_reader import IdReaderEmulator
from devices.errors import CardReadError, DeviceMissing, NoCard
from devices.idblock import NATIONS, decode_text_block, encode_text_block


@pytest.fixture
def emulator() -> IdReaderEmulator:
    with IdReaderEmulator(people.RESIDENT) as emu:
        yield emu


@pytest.fixture
def reader(emulator: IdReaderEmulator) -> ga467.Ga467Reader:
    with ga467.Ga467Reader(emulator.path, reply_timeout=0.3) as r:
        yield r


def test_frame_round_trip_and_checksum() -> None:
    frame = ga467.build_frame(b"\x20\x01")
    assert frame == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert ga467.parse_frame(frame) == b"\x20\x01"
    with pytest.raises(ga467.FrameError, match="校验和"):
        ga467.parse_frame(frame[:-1] + b"\x00")
    with pytest.raises(ga467.FrameError, match="长度"):
        ga467.parse_frame(frame[:-2])


@given(st.binary(max_size=300))
def test_parse_frame_never_accepts_garbage_silently(body: bytes) -> None:
    frame = ga467.build_frame(body)
    assert ga467.parse_frame(frame) == body
    for cut in (1, len(frame) // 2):
        with pytest.raises(ga467.FrameError):
            ga467.parse_frame(frame[:-cut])


def test_reads_resident_card(reader: ga467.Ga467Reader) -> None:
    card = reader.read_card(timeout=2)
    assert card == people.RESIDENT
    assert card.nation == "汉" and card.birth_date == "1980-01-01"
    assert len(card.photo_wlt) == 1024
    assert people.RESIDENT.id_number not in repr(card)


@pytest.mark.parametrize("key", ["elder", "foreign", "hk"])
def test_reads_every_card_type(emulator: IdReaderEmulator, reader: ga467.Ga467Reader,
                               key: str) -> None:
    emulator.present(people.ID_CARDS[key], english_name=people.FOREIGN_ENGLISH_NAME)
    card = reader.read_card(timeout=2)
    assert dataclasses.replace(card, photo_wlt=b"") == dataclasses.replace(
        people.ID_CARDS[key], photo_wlt=b"")


def test_long_term_validity_and_nation_table(reader: ga467.Ga467Reader,
                                             emulator: IdReaderEmulator) -> None:
    emulator.present(people.RESIDENT_ELDER)
    card = reader.read_card(timeout=2)
    assert card.valid_until == "长期" and card.nation == "维吾尔"
    assert len(NATIONS) == 58 and NATIONS["56"] == "基诺"


def test_sam_id_and_status(reader: ga467.Ga467Reader) -> None:
    reader.status()
    assert reader.sam_id().startswith("0000")


@pytest.mark.parametrize("fault", ["bad_checksum", "truncate", "silence", "garbage",
                                   "read_failed"])
def test_one_torn_reply_is_retried(emulator: IdReaderEmulator, reader: ga467.Ga467Reader,
                                   fault: str) -> None:
    emulator.faults.append(fault)
    assert reader.read_card(timeout=3) == people.RESIDENT


def test_persistent_fault_is_a_clear_error_not_half_a_card(
        emulator: IdReaderEmulator, reader: ga467.Ga467Reader) -> None:
    emulator.faults.extend(["bad_checksum"] * 10)
    with pytest.raises(CardReadError, match="校验和"):
        reader.read_card(timeout=3)


def test_card_pulled_mid_read(emulator: IdReaderEmulator, reader: ga467.Ga467Reader) -> None:
    # find and select answer, then the read is torn and the card is gone
    emulator.faults.extend([None, None, "truncate"])  # type: ignore[list-item]
    emulator.present(people.RESIDENT)
    original = emulator._reply

    def pull_after_torn(sw3: int, data: bytes = b"") -> None:
        original(sw3, data)
        if len(data) > 1000:
            emulator.present(None)

    emulator._reply = pull_after_torn  # type: ignore[method-assign]
    with pytest.raises(NoCard, match="放在读卡区"):
        reader.read_card(timeout=0.5)


def test_no_card_times_out(emulator: IdReaderEmulator, reader: ga467.Ga467Reader) -> None:
    emulator.present(None)
    with pytest.raises(NoCard):
        reader.read_card(timeout=0.2)


def test_missing_port_is_device_missing() -> None:
    with pytest.raises(DeviceMissing):
        ga467.read_id_card("/dev/does-not-exist", timeout=0.1)


def test_text_block_rejects_garbage() -> None:
    block = bytearray(encode_text_block(people.RESIDENT))
    block[30:32] = "7".encode("utf-16-le")  # sex code 7
    with pytest.raises(CardReadError, match="性别"):
        decode_text_block(bytes(block))
    with pytest.raises(CardReadError):
        decode_text_block(b"\xff" * 255)


def test_photo_decoder_plug_in() -> None:
    with pytest.raises(Exception, match="WLT"):
        ga467.decode_photo(b"\x00" * 1024)
    remove = ga467.register_photo_decoder(lambda wlt: b"BM" + wlt[:4])
    try:
        assert ga467.decode_photo(b"\x01\x02\x03\x04") == b"BM\x01\x02\x03\x04"
    finally:
        remove()
