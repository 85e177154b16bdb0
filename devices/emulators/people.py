"""Fictitious sample people for the emulators and tests (valid check digits, invented names)."""

from __future__ import annotations

from hall.identity import IdCard, SocialCard

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def with_check_digit(first17: str) -> str:
    """GB 11643: the 18th character of a citizen number."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


RESIDENT = IdCard(
    type="resident", name="测试甲", sex="男", nation="汉", birth_date="1980-01-01",
    address="湖北省十堰市茅箭区演示路1号", id_number=with_check_digit("42030219800101001"),
    issuing_authority="十堰市公安局茅箭分局", valid_from="2015-06-01", valid_until="2035-06-01",
    photo_wlt=bytes(range(256)) * 4,
)
RESIDENT_ELDER = IdCard(
    type="resident", name="欧阳样例", sex="女", nation="维吾尔", birth_date="1950-12-31",
    address="新疆维吾尔自治区乌鲁木齐市天山区示例街道样板社区示范巷88号",
    id_number=with_check_digit("65010219501231002"), issuing_authority="乌鲁木齐市公安局天山分局",
    valid_from="2010-03-15", valid_until="长期", photo_wlt=b"\x00" * 1024,
)
FOREIGN = IdCard(
    type="foreign_permanent", name="样本", sex="女", nation="CAN", birth_date="1990-05-20",
    address="", id_number="CAN110090052001", issuing_authority="中华人民共和国国家移民管理局",
    valid_from="2020-01-01", valid_until="2030-01-01", photo_wlt=b"\x11" * 1024,
)
FOREIGN_ENGLISH_NAME = "SAMPLE, TEST PERSON"
HK_RESIDENT = IdCard(
    type="hk_macao_tw", name="演示乙", sex="男", nation="", birth_date="1985-07-01",
    address="广东省深圳市福田区演示大道2号", id_number=with_check_digit("81000019850701003"),
    issuing_authority="深圳市公安局", valid_from="2019-01-01", valid_until="2024-01-01",
    photo_wlt=b"\x22" * 1024,
)
ID_CARDS = {"resident": RESIDENT, "elder": RESIDENT_ELDER, "foreign": FOREIGN,
            "hk": HK_RESIDENT}

SOCIAL = SocialCard(
    ssn=RESIDENT.id_number, name="测试甲", sex="男", nation="汉", birth_date="1980-01-01",
    card_number="A00000001", issuing_org="420300D15600", issue_date="2019-03-01",
    expiry_date="2029-03-01", card_version="3.00",
)
