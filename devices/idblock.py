"""The 256-byte UTF-16LE text block of a GA 467 read, for the three card types sharing it.

Fixed-width fields, padded with spaces; the card type is the character at offset 248 (char 124):
' ' for a resident ID card, 'I' for 外国人永久居留身份证 (2017), 'J' for 港澳台居民居住证.
"""

from __future__ import annotations

from devices.errors import CardReadError
from hall.identity import CardType, IdCard

TEXT_BLOCK_SIZE = 256

# GB 3304-1991 codes of the nationalities, as printed on the card (without 族).
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统",
}
NATION_CODES = {name: code for code, name in NATIONS.items()}

SEXES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
SEX_CODES = {"男": "1", "女": "2", "未知": "0", "未说明": "9"}

# (field, width in characters); each layout sums to 128 characters.
RESIDENT = [("name", 15), ("sex", 1), ("nation", 2), ("birth_date", 8), ("address", 35),
            ("id_number", 18), ("issuing_authority", 15), ("valid_from", 8),
            ("valid_until", 8), ("reserved", 18)]
HK_MACAO_TW = [("name", 15), ("sex", 1), ("nation", 2), ("birth_date", 8), ("address", 35),
               ("id_number", 18), ("issuing_authority", 15), ("valid_from", 8),
               ("valid_until", 8), ("pass_number", 9), ("issue_count", 2), ("reserved", 3),
               ("type", 1), ("reserved2", 3)]
FOREIGN = [("english_name", 60), ("sex", 1), ("id_number", 15), ("nation", 3), ("name", 15),
           ("valid_from", 8), ("valid_until", 8), ("birth_date", 8), ("card_version", 2),
           ("issuing_authority", 4), ("type", 1), ("reserved", 3)]
TYPE_CHAR_INDEX = 124

# The 2017 foreign permanent residence card is issued by one authority, coded 1500.
FOREIGN_AUTHORITIES = {"1500": "中华人民共和国国家移民管理局"}


def _split(text: str, layout: list[tuple[str, int]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    pos = 0
    for name, width in layout:
        fields[name] = text[pos:pos + width].strip(" \x00")
        pos += width
    return fields


def _date(value: str, what: str) -> str:
    if value == "长期":
        return value
    if len(value) != 8 or not value.isdigit():
        raise CardReadError(f"身份证{what}字段不是日期（{len(value)} 个字符），请重新放卡")
    return f"{value[:4]}-{value[4:6]}-{value[6:]}"


def decode_text_block(block: bytes, photo_wlt: bytes = b"") -> IdCard:
    """Decode the text block; raise CardReadError rather than return a half-filled identity."""
    if len(block) != TEXT_BLOCK_SIZE:
        raise CardReadError(f"身份证文字信息长度 {len(block)}，应为 {TEXT_BLOCK_SIZE}")
    try:
        text = block.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise CardReadError("身份证文字信息无法解码，请重新放卡") from exc
    kind = text[TYPE_CHAR_INDEX]
    if kind == "I":
        f = _split(text, FOREIGN)
        name = f["name"] or f["english_name"]
        nation = f["nation"]  # ISO 3166 alpha-3 country code
        authority = FOREIGN_AUTHORITIES.get(f["issuing_authority"], f["issuing_authority"])
        card_type: CardType = "foreign_permanent"
        address = ""
    else:
        f = _split(text, HK_MACAO_TW if kind == "J" else RESIDENT)
        name = f["name"]
        card_type = "hk_macao_tw" if kind == "J" else "resident"
        if kind == "J":
            nation = ""
        elif f["nation"] in NATIONS:
            nation = NATIONS[f["nation"]]
        else:
            raise CardReadError(f"未知民族代码 {f['nation']!r}，请重新放卡")
        authority = f["issuing_authority"]
        address = f["address"]
    if not name or not f["id_number"]:
        raise CardReadError("身份证姓名或号码为空，请重新放卡")
    if f["sex"] not in SEXES:
        raise CardReadError(f"未知性别代码 {f['sex']!r}，请重新放卡")
    return IdCard(
        type=card_type, name=name, sex=SEXES[f["sex"]], nation=nation,
        birth_date=_date(f["birth_date"], "出生日期"), address=address,
        id_number=f["id_number"], issuing_authority=authority,
        valid_from=_date(f["valid_from"], "有效期起始"),
        valid_until=_date(f["valid_until"], "有效期截止"), photo_wlt=photo_wlt,
    )


def _pad(value: str, width: int) -> str:
    if len(value) > width:
        raise ValueError(f"{value!r} is longer than {width} characters")
    return value.ljust(width)


def encode_text_block(card: IdCard, *, english_name: str = "") -> bytes:
    """The inverse of decode_text_block: what a card holds, for the emulator and tests."""
    def ymd(value: str) -> str:
        return value if value == "长期" else value.replace("-", "")

    values = {
        "name": card.name, "sex": SEX_CODES.get(card.sex, card.sex),
        "birth_date": ymd(card.birth_date), "address": card.address,
        "id_number": card.id_number, "issuing_authority": card.issuing_authority,
        "valid_from": ymd(card.valid_from), "valid_until": ymd(card.valid_until),
    }
    if card.type == "foreign_permanent":
        layout = FOREIGN
        values.update(english_name=english_name, nation=card.nation, type="I",
                      card_version="01", issuing_authority="1500")
    elif card.type == "hk_macao_tw":
        layout = HK_MACAO_TW
        values.update(nation="", type="J", issue_count="01")
    else:
        layout = RESIDENT
        values["nation"] = NATION_CODES[card.nation]
    text = "".join(_pad(values.get(name, ""), width) for name, width in layout)
    return text.encode("utf-16-le")
