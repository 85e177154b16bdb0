"""Build resources/catalog.json from the seed plan in ../shared/catalog/yijianshi.json.

The seed lists the 15 key 一件事 with their matters and departments, and nothing else: every
materials list below is SAMPLE DATA, marked `"sample": true`, for a hall to replace with its own
一次性告知 lists. Run: .venv/bin/python scripts/build_catalog.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "catalog" / "yijianshi.json"
OUT = ROOT / "resources" / "catalog.json"

SERIES = {
    "A": "个人“一件事”",
    "B": "企业“一件事”",
    "C": "个人单项事项",
    "D": "企业单项事项",
    "E": "综合咨询、出件",
}


def material(name: str, *, deferrable: bool = False, e_licence: str | None = None) -> dict[str, Any]:
    return {"name": name, "required": True, "deferrable": deferrable, "e_licence": e_licence}


PERSON = [
    material("申请人居民身份证", e_licence="居民身份证电子证照"),
    material("户口簿", e_licence="电子户口簿"),
    material("申请表(系统自动生成,当场签字)"),
]
ENTERPRISE = [
    material("营业执照", e_licence="电子营业执照"),
    material("法定代表人身份证明", e_licence="居民身份证电子证照"),
    material("申请书(加盖公章)"),
    material("经办人授权委托书", deferrable=True),
]
EXTRA: dict[str, list[dict[str, Any]]] = {
    "newborn": [material("出生医学证明", e_licence="出生医学证明电子证照"),
                material("父母结婚证", deferrable=True, e_licence="结婚证电子证照")],
    "school_enrollment": [material("房屋产权或居住证明", deferrable=True)],
    "retirement": [material("职工档案", deferrable=True)],
    "social_security_card": [material("近期免冠照片(可现场拍摄)")],
    "disability_services": [material("残疾人证", e_licence="残疾人证电子证照"),
                            material("近期医疗诊断证明", deferrable=True)],
    "elevator_retrofit": [material("业主同意书", deferrable=True), material("设计方案")],
    "social_assistance": [material("家庭收入声明(告知承诺)", deferrable=True)],
    "restaurant_opening": [material("经营场所证明", deferrable=True)],
    "transport_company_opening": [material("车辆技术等级证明", deferrable=True)],
    "utility_joint_connection": [material("用地或房屋权属证明", e_licence="不动产权电子证照")],
    "credit_repair": [material("信用修复承诺书")],
}

SINGLE = [
    {"id": "hukou_transfer", "name": "户口迁移", "series": "C", "department": "市公安局",
     "materials": [material("申请人居民身份证", e_licence="居民身份证电子证照"),
                   material("户口簿", e_licence="电子户口簿"), material("迁移证明", deferrable=True)]},
    {"id": "medical_offsite_filing", "name": "异地就医备案", "series": "C", "department": "市医保局",
     "materials": [material("社会保障卡"), material("异地居住证明", deferrable=True)]},
    {"id": "housing_fund_withdrawal", "name": "住房公积金提取", "series": "C",
     "department": "市住房公积金中心",
     "materials": [material("申请人居民身份证", e_licence="居民身份证电子证照"),
                   material("购房合同或租赁合同")]},
    {"id": "real_estate_registration", "name": "不动产登记", "series": "C",
     "department": "市自然资源和规划局",
     "materials": [material("申请人居民身份证", e_licence="居民身份证电子证照"),
                   material("不动产权证书", e_licence="不动产权电子证照"), material("登记申请书")]},
    {"id": "tax_invoice", "name": "发票领用与税务登记", "series": "D", "department": "市税务局",
     "materials": [material("营业执照", e_licence="电子营业执照"), material("经办人身份证明")]},
    # no_id: a kiosk gives a number for these without a card or code (咨询, 取件 with the receipt)
    {"id": "consultation", "name": "综合咨询", "series": "E", "department": "政务服务中心",
     "materials": [], "no_id": True},
    {"id": "result_pickup", "name": "出件取件", "series": "E", "department": "政务服务中心",
     "materials": [material("受理回执")], "no_id": True},
]


# 承诺时限 (promised working days) and conditions: the seeds give none, so these are SAMPLE DATA.
TIME_LIMIT_DAYS = {"bundle": 10, "single": 5, "E": 0}
CONDITIONS = {
    "个人事项": ["申请人本人到场办理;委托他人办理的,须提交授权委托书及受托人身份证件",
             "所列材料齐全、符合法定形式;容缺材料须签署告知承诺书并按期补交"],
    "企业事项": ["由法定代表人或经其授权的经办人办理",
             "所列材料齐全、符合法定形式;容缺材料须签署告知承诺书并按期补交"],
}


def first_department(cell: str | None, fallback: str) -> str:
    """The department that decides a matter: the first one named in the seed's cell (★ marks
    the lead); a blank cell inherits the merged cell above it (`department_inferred`)."""
    text = (cell or fallback or "").replace("★", " ").split()
    return text[0] if text else fallback


def build() -> dict[str, Any]:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    services: list[dict[str, Any]] = []
    for b in seed["bundles"]:
        personal = b["category"] == "个人事项"
        services.append({
            "id": b["id"],
            "name": b["name"],
            "series": "A" if personal else "B",
            "bundle": True,
            "category": b["category"],
            "stage": b["stage"],
            "lead_department": b["lead_department"],
            "departments": b["departments"],
            "matters": [m["name"] for m in b["matters"]],
            "steps": [{"matter": m["name"],
                       "department": first_department(m.get("department")
                                                      or m.get("department_inferred"),
                                                      b["lead_department"])}
                      for m in b["matters"]],
            "time_limit_days": TIME_LIMIT_DAYS["bundle"],
            "conditions": CONDITIONS[b["category"]],
            "materials": (PERSON if personal else ENTERPRISE) + EXTRA.get(b["id"], []),
            "sample": True,
        })
    for s in SINGLE:
        enterprise = s["series"] == "D"
        services.append({
            **s, "bundle": False, "category": "单项事项", "sample": True,
            "steps": [{"matter": s["name"], "department": s["department"]}],
            "time_limit_days": TIME_LIMIT_DAYS.get(s["series"], TIME_LIMIT_DAYS["single"]),
            "conditions": CONDITIONS["企业事项" if enterprise else "个人事项"]})
    return {
        "source": f"{seed['source_file']} {seed['document_number']} {seed['attachment_title']}",
        "note": (
            "一件事、事项与部门取自种子文件;"
            "所有材料清单均为示例数据(sample),须由大厅按实际一次性告知清单替换。"
        ),
        "series": SERIES,
        "services": services,
    }


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
