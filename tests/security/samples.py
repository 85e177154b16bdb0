"""Obviously fictitious people for the security tests (region 990000 does not exist).

These strings must never appear in plain text in a store, its WAL, a log or an export."""

from __future__ import annotations

PEOPLE = [
    # (name, ID number, address, phone)
    ("测试甲乙", "990000198001010017", "虚构省测试市样例区假想路一号", "13900000001"),
    ("样本丙丁", "99000019900202002X", "虚构省测试市样例区假想路二号", "13900000002"),
    ("假名戊己", "990000200003030036", "虚构省测试市样例区假想路三号", "13900000003"),
]


def needles() -> list[bytes]:
    """Every plaintext form a scan looks for (UTF-8, and the ID numbers as ASCII)."""
    out: list[bytes] = []
    for name, id_number, address, phone in PEOPLE:
        out += [name.encode(), id_number.encode(), address.encode(), phone.encode(),
                id_number[6:14].encode()]  # the birth date alone would also leak
    return out
