"""社会保障卡 over PC/SC (pyscard): select the application, read EF05/EF06 by tag.

Only SELECT, READ RECORD and GET RESPONSE are ever sent: a PIN is never verified here (a wrong
guess would count towards blocking a citizen's card), so fields behind a PIN are not read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from devices.errors import (
    CardBlocked,
    CardExpired,
    CardReadError,
    DeviceError,
    DeviceMissing,
    NoCard,
)
from devices.idblock import NATIONS
from hall.identity import SocialCard

# "sx1.sh.社会保障" with the Chinese in GBK: the application every 社保卡 carries.
AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
SELECT_APP = bytes([0x00, 0xA4, 0x04, 0x00, len(AID)]) + AID
SELECT_EF05 = bytes.fromhex("00A4020002EF05")
SELECT_EF06 = bytes.fromhex("00A4020002EF06")

# tag → (field, value length); READ RECORD answers tag, length, value (hence Le = length + 2)
EF05 = {0x01: ("card_id", 16), 0x02: ("card_type", 1), 0x03: ("card_version", 4),
        0x04: ("issuing_org", 12), 0x05: ("issue_date", 4), 0x06: ("expiry_date", 4),
        0x07: ("card_number", 9)}
EF06 = {0x08: ("ssn", 18), 0x09: ("name", 30), 0x0A: ("sex", 1), 0x0B: ("nation", 1),
        0x0C: ("birthplace", 3), 0x0D: ("birth_date", 4)}

BLOCKED = {(0x6A, 0x81): "卡片应用已锁定", (0x62, 0x83): "卡片应用已失效（挂失或注销）",
           (0x69, 0x83): "卡片认证已锁定", (0x93, 0x03): "卡片应用已永久锁定"}
REASONS = {(0x6A, 0x82): "不是社会保障卡（找不到社保应用或文件）",
           (0x69, 0x82): "此项信息需要输入密码才能读取，本机不读取",
           (0x6A, 0x83): "卡片记录不存在", (0x67, 0x00): "命令长度错误",
           (0x6D, 0x00): "卡片不支持该命令"}

Transmit = Callable[[list[int]], tuple[list[int], int, int]]


def exchange(transmit: Transmit, apdu: bytes) -> bytes:
    """Send one APDU; follow 6Cxx (resend with Le=xx) and 61xx (GET RESPONSE) to 9000."""
    data, sw1, sw2 = transmit(list(apdu))
    if sw1 == 0x6C:  # wrong Le: the card says how many bytes it has
        data, sw1, sw2 = transmit([*apdu[:-1], sw2])
    out = bytes(data)
    for _ in range(16):  # 61xx: xx more bytes are waiting
        if sw1 != 0x61:
            break
        data, sw1, sw2 = transmit([0x00, 0xC0, 0x00, 0x00, sw2])
        out += bytes(data)
    if (sw1, sw2) in BLOCKED:
        raise CardBlocked(f"社会保障卡不能使用：{BLOCKED[(sw1, sw2)]}")
    if (sw1, sw2) != (0x90, 0x00):
        reason = REASONS.get((sw1, sw2), "卡片返回错误")
        raise CardReadError(f"社会保障卡读取失败：{reason}（{sw1:02X}{sw2:02X}）")
    return out


def read_record(transmit: Transmit, tag: int, length: int) -> bytes:
    reply = exchange(transmit, bytes([0x00, 0xB2, tag, 0x04, length + 2]))
    if len(reply) >= 2 and reply[0] == tag and reply[1] == len(reply) - 2:
        return reply[2:]  # TLV as the card stores it
    return reply


def _bcd_date(value: bytes) -> str:
    digits = value.hex()
    if len(digits) != 8 or not digits.isdigit():
        raise CardReadError("社会保障卡日期字段无效")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _text(value: bytes) -> str:
    return value.rstrip(b"\x00 \xff").decode("gbk", errors="strict").strip()


def read_fields(transmit: Transmit) -> dict[str, bytes]:
    """The raw records of EF05 and EF06, by field name."""
    exchange(transmit, SELECT_APP)
    fields: dict[str, bytes] = {}
    for select, records in ((SELECT_EF05, EF05), (SELECT_EF06, EF06)):
        exchange(transmit, select)
        for tag, (name, length) in records.items():
            fields[name] = read_record(transmit, tag, length)
    return fields


def decode_fields(fields: dict[str, bytes], today: date | None = None) -> SocialCard:
    try:
        sex_code = _text(fields["sex"]) or "0"
        nation = fields["nation"]
        nation_code = nation.hex() if len(nation) == 1 else _text(nation)
        card = SocialCard(
            ssn=_text(fields["ssn"]), name=_text(fields["name"]),
            sex={"1": "男", "2": "女"}.get(sex_code[-1:], "未知"),
            nation=NATIONS.get(nation_code.zfill(2), nation_code),
            birth_date=_bcd_date(fields["birth_date"]), card_number=_text(fields["card_number"]),
            issuing_org=_text(fields["issuing_org"]), issue_date=_bcd_date(fields["issue_date"]),
            expiry_date=_bcd_date(fields["expiry_date"]),
            card_version=_text(fields["card_version"]),
        )
    except (KeyError, UnicodeDecodeError) as exc:
        raise CardReadError(f"社会保障卡信息不完整或无法解码（{exc}）") from exc
    if not card.ssn or not card.name:
        raise CardReadError("社会保障卡姓名或社会保障号码为空")
    if card.expiry_date < (today or date.today()).isoformat():
        raise CardExpired(f"社会保障卡已于 {card.expiry_date} 过期", card=card)
    return card


def close_connection(connection: Any) -> None:
    """Disconnect and release the PC/SC context even when the card is already gone: a context
    left to __del__ raises there once pcscd has stopped."""
    from smartcard.Exceptions import SmartcardException

    try:
        connection.disconnect()
    except SmartcardException:
        pass
    finally:
        try:
            connection.release()
        except SmartcardException:
            pass


def read_from_connection(connection: Any) -> SocialCard:
    """Read through a connected pyscard CardConnection."""
    from smartcard.Exceptions import CardConnectionException

    try:
        return decode_fields(read_fields(connection.transmit))
    except CardConnectionException as exc:
        raise CardReadError(f"社会保障卡读取中断（卡片被拔出？）：{exc}") from exc


def reader_names() -> list[str]:
    """PC/SC readers present; DeviceMissing when pcscd is not running."""
    from smartcard.Exceptions import SmartcardException
    from smartcard.pcsc.PCSCExceptions import BaseSCardException
    from smartcard.System import readers

    try:
        return [str(r) for r in readers()]
    except (SmartcardException, BaseSCardException) as exc:
        raise DeviceMissing(f"PC/SC 服务不可用（pcscd 未运行？）：{exc}") from exc


def card_present(reader_name: str) -> bool:
    """Whether pcscd sees a card in the reader now (it notices an insert or removal late)."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise DeviceMissing("PC/SC 服务不可用（pcscd 未运行？）")
    try:
        hresult, states = scard.SCardGetStatusChange(
            context, 0, [(reader_name, scard.SCARD_STATE_UNAWARE)])
        if hresult != scard.SCARD_S_SUCCESS:
            raise DeviceMissing(f"读卡器 {reader_name!r} 状态不可读：{hresult:#x}")
        return bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(context)


def read_social_card(reader_name: str | None = None, timeout: float = 5.0) -> SocialCard:
    """Wait up to `timeout` for a card (in `reader_name`, or any reader) and read it."""
    from smartcard.CardRequest import CardRequest
    from smartcard.CardType import AnyCardType
    from smartcard.Exceptions import CardRequestTimeoutException, SmartcardException

    names = reader_names()
    if reader_name is not None and reader_name not in names:
        raise DeviceMissing(f"找不到读卡器 {reader_name!r}（现有：{', '.join(names) or '无'}）")
    if not names:
        raise DeviceMissing("没有 PC/SC 读卡器")
    request = CardRequest(timeout=timeout, cardType=AnyCardType(),
                          readers=[reader_name] if reader_name else None)
    try:
        service = request.waitforcard()
    except CardRequestTimeoutException:
        raise NoCard("请插入社会保障卡") from None
    except SmartcardException as exc:
        raise DeviceError(f"PC/SC 错误：{exc}") from exc
    finally:
        request.pcsccardrequest.release()
    connection = service.connection
    try:
        connection.connect()
        return read_from_connection(connection)
    except SmartcardException as exc:
        raise CardReadError(f"社会保障卡连接失败：{exc}") from exc
    finally:
        close_connection(connection)


class SocialCardReader:
    """ports.SocialCardReader for one named reader (or any)."""

    def __init__(self, reader_name: str | None = None) -> None:
        self.reader_name = reader_name

    def read_card(self, timeout: float = 5.0) -> SocialCard:
        return read_social_card(self.reader_name, timeout)

    def close(self) -> None:
        pass
