"""What a printed ticket and a receipt say, as plain data: the devices turn it into ESC/POS bytes
(devices/escpos) and the desk into an A4 page; no rule about their content lives in a face.

The QR codes carry a URL with no personal data: the queue (hall, day, number) or the case number.
Their address is the hall's (config.json `queue_url`, `case_url`); the default points at an
example domain until a hall sets its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hall.cases import CaseView
from hall.catalog import Service
from hall.config import TerminalConfig
from hall.core import Core
from hall.queue import PRIORITY_NAMES
from hall.ticket_views import TicketView


@dataclass(frozen=True)
class TicketSlip:
    hall_name: str
    number: str
    service_name: str
    group_name: str  # the window group (the catalog's series name)
    priority_name: str | None  # 老年人 … when not regular
    issued_at: str  # YYYY-MM-DD HH:MM, hall time
    ahead: int
    qr_url: str
    footer: tuple[str, ...]


@dataclass(frozen=True)
class ReceiptSlip:
    hall_name: str
    title: str  # 受理回执 / 不予受理决定 / 出件凭证
    rows: tuple[tuple[str, str], ...]
    footer: tuple[str, ...]
    qr_url: str | None
    # lines to sign on paper (申请人签名 under a 告知承诺): the A4 page leaves room for them
    signatures: tuple[str, ...] = ()


def ticket_slip(core: Core, ticket: TicketView) -> TicketSlip:
    service = core.catalog.get(ticket.service)
    return TicketSlip(
        hall_name=core.config.display_name,
        number=ticket.number,
        service_name=service.name,
        group_name=core.catalog.series.get(service.series, ""),
        priority_name=PRIORITY_NAMES.get(ticket.priority) if ticket.priority != "regular"
        else None,
        issued_at=ticket.issued_at[:16].replace("T", " "),
        ahead=ticket.ahead or 0,
        qr_url=core.config.queue_url.format(hall=core.config.hall_id, day=ticket.day,
                                            number=ticket.number),
        footer=tuple(core.config.ticket_footer),
    )


def case_receipt(core: Core, case: CaseView) -> ReceiptSlip:
    """受理回执 (or the 不予受理 notice): masked applicant, the checklist, the promised date."""
    rows: list[tuple[str, str]] = [("办件编号", case.number), ("办理事项", case.service_name),
                                   ("申请人", case.applicant or "—"),
                                   ("受理时间", case.accepted_at[:16].replace("T", " "))]
    if case.status == "refused":
        title = "不予受理告知书"
        rows += [(f"理由{i}", r) for i, r in enumerate(case.reasons or (), 1)]
    else:
        title = "受理回执"
        if case.promised:
            rows.append(("承诺办结时间", case.promised))
        for m in case.materials:
            mark = {"submitted": "已提交", "exempt": f"免提交({m.licence})",
                    "deferred": f"容缺,{m.due}前补交"}.get(m.status, m.status)
            rows.append((m.name, mark))
        promises = sorted({m.promise for m in case.materials if m.promise})
        rows += [("告知承诺", p) for p in promises]
        if case.assisted:
            rows.append(("帮办代办", "是"))
    deferred = any(m.status == "deferred" for m in case.materials)
    return ReceiptSlip(core.config.display_name, title, tuple(rows),
                       ("凭此回执查询办理进度、领取结果", "请妥善保管"),
                       core.config.case_url.format(hall=core.config.hall_id, case=case.number),
                       ("申请人(承诺人)签名", "受理人签名") if deferred else ())


def not_permitted_notice(core: Core, case: CaseView) -> ReceiptSlip:
    """不予许可决定: each rejected part with its department's written reasons (opened for the
    clerk who prints it; the applicant is masked), printed like the 回执."""
    rows: list[tuple[str, str]] = [("办件编号", case.number), ("办理事项", case.service_name),
                                   ("申请人", case.applicant or "—")]
    for s in case.steps:
        if s.status == "rejected":
            rows.append((f"{s.matter}({s.department})", "不予许可"))
            rows.append(("理由", s.note or "见部门书面决定"))
            if s.decided_at:
                rows.append(("决定时间", s.decided_at[:10]))
    return ReceiptSlip(core.config.display_name, "不予许可决定告知书", tuple(rows),
                       ("如不服本决定,可依法申请行政复议或提起行政诉讼",),
                       core.config.case_url.format(hall=core.config.hall_id, case=case.number))


def missing_notice(core: Core, service_id: str, missing: list[str],
                   applicant: str = "") -> ReceiptSlip:
    """一次性告知书: what a matter needs and what the applicant still lacks, told once and in
    full, so nobody comes back twice for the same missing paper. `applicant` is masked."""
    service = core.catalog.get(service_id)
    unknown = sorted(set(missing) - {m.name for m in service.materials})
    if unknown:
        from hall.errors import DomainError

        raise DomainError(f"{service.name} does not ask for: {', '.join(unknown)}",
                          code="unknown_material", params={"material": ", ".join(unknown)})
    now = core.now_iso()
    rows: list[tuple[str, str]] = [("办理事项", service.name)]
    if applicant:
        rows.append(("申请人", applicant))
    rows.append(("告知时间", now[:16].replace("T", " ")))
    rows += [(f"尚缺材料{i}", m) for i, m in enumerate(missing, 1)]
    for m in service.materials:
        if m.name in missing:
            continue
        rows.append(("已备材料", m.name))
    rows += [(f"受理条件{i}", c) for i, c in enumerate(service.conditions, 1)]
    if service.time_limit_days is not None:
        rows.append(("承诺时限", f"受理后{service.time_limit_days}个工作日内"))
    return ReceiptSlip(core.config.display_name, "一次性告知书", tuple(rows),
                       ("请备齐上述尚缺材料后再来办理", "本告知一次性告知全部所需材料"), None)


def notice_slip(core: Core, service: Service) -> ReceiptSlip:
    """一次性告知单: every material and condition of a service on one slip, with what may come
    later (容缺) and what an e-licence covers (免提交), the window group and the time limit."""
    rows: list[tuple[str, str]] = [("办理事项", service.name)]
    group = core.catalog.series.get(service.series, "")
    if group:
        rows.append(("办理窗口", group))
    if service.time_limit_days:
        rows.append(("承诺时限", f"{service.time_limit_days}个工作日"))
    for n, m in enumerate(service.materials, 1):
        notes = ["必交" if m.required else "选交"]
        if m.deferrable:
            notes.append("可容缺后补")
        if m.e_licence:
            notes.append(f"可用{m.e_licence}免交")
        rows.append((f"材料{n}", f"{m.name}({','.join(notes)})"))
    if not service.materials:
        rows.append(("材料", "无需材料"))
    rows += [(f"条件{n}", c) for n, c in enumerate(service.conditions, 1)]
    return ReceiptSlip(core.config.display_name, "一次性告知单", tuple(rows),
                       ("材料以窗口一次性告知为准", "可扫码或到自助终端查询办理进度"), None)


def _url_pattern(template: str, field: str) -> re.Pattern[str]:
    """A URL template of config.json (`…/c/{hall}/{case}`) as a pattern capturing `field`."""
    parts = re.split(r"(\{\w+\})", template)
    out = []
    for part in parts:
        if part == "{" + field + "}":
            out.append(f"(?P<{field}>[^/?#]+)")
        elif re.fullmatch(r"\{\w+\}", part):
            name = part[1:-1]
            out.append(f"(?P<{name}>[^/?#]+)" if name in ("day",) else "[^/?#]+")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out) + r"/?(?:[?#].*)?")


def case_of_qr(config: TerminalConfig, payload: str) -> str | None:
    """The case number in a receipt's QR (config `case_url`), or None if it is not one."""
    found = _url_pattern(config.case_url, "case").fullmatch(payload.strip())
    return found.group("case") if found else None


def ticket_of_qr(config: TerminalConfig, payload: str) -> tuple[str, str] | None:
    """(day, number) in a ticket's QR (config `queue_url`), or None if it is not one."""
    found = _url_pattern(config.queue_url, "number").fullmatch(payload.strip())
    if found is None:
        return None
    return (found.groupdict().get("day") or "", found.group("number"))
