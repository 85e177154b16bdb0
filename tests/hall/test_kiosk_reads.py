"""What the kiosk asks of the hall: services given without identification (a catalog flag),
search by pinyin initials / full pinyin / keyword, the 一次性告知 slip, and the QR codes of the
hall's own slips read back (办件查询 by a receipt's QR, 好差评 by a ticket's QR)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devices.escpos.layout import encode, receipt_slip_layout, slip_layout
from hall.app import Hall
from hall.catalog import load_catalog
from hall.catalog_search import normalize
from hall.config import TerminalConfig
from hall.errors import CatalogError
from hall.slips import case_of_qr, ticket_of_qr
from tests.conftest import OP


def test_services_without_identification_are_catalog_data(tmp_path: Path) -> None:
    catalog = load_catalog()
    assert [s.id for s in catalog.without_id()] == ["consultation", "result_pickup"]
    assert not catalog.get("newborn").no_id
    raw = json.loads(catalog.source.read_text(encoding="utf-8"))
    raw["services"][0]["no_id"] = "yes"
    bad = tmp_path / "catalog.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="no_id must be true or false"):
        load_catalog(bad)


@pytest.mark.parametrize(("query", "first"), [
    ("xse", "newborn"),  # 新生儿: x s e (儿 is er)
    ("XSE", "newborn"),
    ("xinsheng", "newborn"),
    ("xin sheng er", "newborn"),
    ("gjj", "housing_fund_withdrawal"),  # 公积金, not a 积 read as zhi
    ("hkqy", "hukou_transfer"),
    ("户口", "hukou_transfer"),
    ("出生", "newborn"),
    ("餐饮", "restaurant_opening"),
    ("tx", "retirement"),
])
def test_search_by_initials_pinyin_and_keyword(query: str, first: str) -> None:
    found = load_catalog().search(query)
    assert found and found[0].id == first, [s.id for s in found]


def test_keywords_find_the_bundles_that_contain_a_matter() -> None:
    catalog = load_catalog()
    ids = [s.id for s in catalog.search("户口")]
    assert ids[0] == "hukou_transfer" and "newborn" in ids  # 本市户口登记 inside the bundle
    assert catalog.search("") == catalog.services
    assert catalog.search("qqqqzzzz") == ()
    assert [s.id for s in catalog.search("", no_id=True)] == ["consultation", "result_pickup"]
    assert [s.id for s in catalog.search("zx", no_id=True)] == ["consultation"]
    assert normalize(" 新生儿“一件事” ") == "新生儿一件事"


def test_the_notice_slip_lists_every_material_and_condition(hall: Hall) -> None:
    slip = hall.notice_slip("newborn")
    service = hall.catalog.get("newborn")
    text = "\n".join(f"{k}：{v}" for k, v in slip.rows)
    assert slip.title == "一次性告知单" and slip.qr_url is None
    for m in service.materials:
        assert m.name in text
    assert "父母结婚证(必交,可容缺后补,可用结婚证电子证照免交)" in text
    for c in service.conditions:
        assert c in text
    assert "承诺时限：10个工作日" in text and "办理窗口：个人“一件事”" in text
    assert "材料：无需材料" in "\n".join(f"{k}：{v}" for k, v in
                                   hall.notice_slip("consultation").rows)
    assert "一次性告知单".encode("gb18030") in encode(receipt_slip_layout(slip))


def test_a_ticket_slip_prints_its_window_group(hall: Hall) -> None:
    ticket = hall.tickets.take(OP, "newborn").value
    data = encode(slip_layout(hall.ticket_slip(ticket)))
    assert "请到 个人“一件事” 窗口办理".encode("gb18030") in data


def test_slip_qr_codes_read_back(hall: Hall) -> None:
    config = TerminalConfig("SY-ZW01", "K3")
    case_url = config.case_url.format(hall="SY-ZW01", case="SY-ZW01-20261123-D1-0001")
    assert case_of_qr(config, case_url) == "SY-ZW01-20261123-D1-0001"
    assert case_of_qr(config, case_url + "?from=qr") == "SY-ZW01-20261123-D1-0001"
    assert case_of_qr(config, "https://elsewhere.example/c/SY-ZW01/X") is None
    assert case_of_qr(config, "TEST1.eyJ2IjoxfQ.sig") is None
    queue_url = config.queue_url.format(hall="SY-ZW01", day="2026-11-23", number="A-K3-001")
    assert ticket_of_qr(config, queue_url) == ("2026-11-23", "A-K3-001")
    assert ticket_of_qr(config, case_url) is None
    ticket = hall.tickets.take(OP, "newborn").value
    assert hall.ticket_of_qr(hall.ticket_slip(ticket).qr_url) == ticket.number
