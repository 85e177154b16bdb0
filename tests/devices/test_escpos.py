"""Layouts → ESC/POS bytes, decoded again by the printer emulator over a real TCP socket."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from devices.emulators.escpos_decode import Decoder
from devices.emulators.printer import PrinterEmulator
from devices.errors import PaperOut, PrinterOffline
from devices.escpos import QR, Layout, Text, encode, print_layout, receipt_layout, ticket_layout
from devices.escpos.transport import EscposPrinter, paper_state

URL60 = "https://zwfw.example.gov.cn/q/" + "t" * 30


def sample_ticket() -> Layout:
    return ticket_layout("A023", "社保卡补换", datetime(2024, 5, 1, 9, 30), 5, URL60,
                         "十堰市政务服务中心",
                         ["请留意叫号屏与语音提示", "过号请重新取号，谢谢配合！"])


def decode(data: bytes) -> list:  # type: ignore[type-arg]
    decoder = Decoder(lambda _b: None, lambda: 0x12)
    done = decoder.feed(data)
    return done + decoder.finish()


def test_ticket_bytes_are_small_and_chinese_mode() -> None:
    data = encode(sample_ticket())
    assert len(data) <= 512
    assert data.startswith(b"\x1b@\x1c&")
    assert "前面还有 5 人".encode("gb18030") in data
    assert b"\x1d(k" in data and data.endswith(b"\x1dVB\x03")


def test_round_trip_through_decoder() -> None:
    [ticket] = decode(encode(sample_ticket()))
    assert ticket.cut
    number = next(line for line in ticket.lines if line.text == "A023")
    assert (number.width, number.height, number.bold, number.align) == (3, 3, True, "center")
    assert [line.qr for line in ticket.lines if line.qr] == [URL60]
    assert "过号请重新取号，谢谢配合！" in ticket.text()


def test_full_width_punctuation_and_rare_characters_survive() -> None:
    # python-escpos 3.1 text() turns a line of full-width punctuation into '?'
    layout = Layout((Text("，。！？（）【】"), Text("𠀀䶮龘"), Text("ASCII only")))
    [ticket] = decode(encode(layout))
    assert [line.text for line in ticket.lines] == ["，。！？（）【】", "𠀀䶮龘", "ASCII only"]


def test_unmasked_id_number_is_masked_in_text_and_refused_in_a_qr() -> None:
    # typed text (a reason, a promise) is masked before layout; a QR's data must be exact
    assert Layout((Text("身份证 11010519491231002X"),)).elements[0].text == "身份证 110105********002X"
    with pytest.raises(ValueError, match="masked"):
        Layout((QR("11010519491231002X"),))
    with pytest.raises(ValueError):
        Layout((QR("x", module=17),))


@pytest.mark.parametrize(("byte", "state"), [(b"\x12", "ok"), (b"\x1e", "near_end"),
                                             (b"\x72", "out"), (b"", "unknown"),
                                             (b"\xff", "unknown")])
def test_paper_state_bits(byte: bytes, state: str) -> None:
    assert paper_state(byte) == state


def test_print_over_tcp_writes_png_and_text(printer: PrinterEmulator, tmp_path: Path) -> None:
    result = print_layout(printer.url, sample_ticket())
    assert result["printed"] and result["paper"] == "ok"
    assert printer.wait_for(1)
    text = (tmp_path / "out" / "ticket-0001.txt").read_text(encoding="utf-8")
    assert "A023" in text and "前面还有 5 人" in text and f"[QR {URL60}]" in text
    png = tmp_path / "out" / "ticket-0001.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_receipt(printer: PrinterEmulator) -> None:
    layout = receipt_layout("受理回执", [("事项", "居民身份证换领"), ("申请人", "张*")],
                            hall_name="演示政务服务中心", footer=["请凭此回执领取证件"])
    print_layout(printer.url, layout)
    assert printer.wait_for(1)
    assert "申请人：张*" in printer.tickets[0].text()


def test_status_reports_paper_and_silence(printer: PrinterEmulator) -> None:
    with EscposPrinter(printer.url, status_timeout=0.2) as p:
        assert p.paper_status() == "ok"
        printer.paper = "near_end"
        assert p.paper_status() == "near_end"
        printer.paper = "out"
        assert p.paper_status() == "out"
        printer.silent = True
        assert p.paper_status() == "unknown"  # no reply is never "ok"


def test_out_of_paper_and_closed_printer_are_clear_errors(printer: PrinterEmulator) -> None:
    printer.paper = "out"
    with pytest.raises(PaperOut):
        print_layout(printer.url, sample_ticket())
    printer.unplug()
    with pytest.raises(PrinterOffline):
        print_layout(printer.url, sample_ticket())


def test_python_escpos_default_is_much_bigger() -> None:
    from escpos.printer import Dummy

    dummy = Dummy()
    dummy.text("A023\n")
    dummy.qr(URL60)
    assert len(dummy.output) > 3 * len(encode(sample_ticket())) - 400
    dummy.close()
