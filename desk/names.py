"""The desk's words for the hall's codes: ticket status, priority, help kind, card kind, case
status; English sources through Qt's translation (context "Names"), Chinese on screen."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "Names"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks `source` for pyside6-lupdate; returns it (typed str, unlike PySide6's)."""
    return source


STATUS = {
    "waiting": QT_TRANSLATE_NOOP("Names", "Waiting"),
    "called": QT_TRANSLATE_NOOP("Names", "Called"),
    "serving": QT_TRANSLATE_NOOP("Names", "Being served"),
    "parked": QT_TRANSLATE_NOOP("Names", "Parked"),
    "done": QT_TRANSLATE_NOOP("Names", "Done"),
    "no_show": QT_TRANSLATE_NOOP("Names", "No-show"),
    "cancelled": QT_TRANSLATE_NOOP("Names", "Cancelled"),
}
PRIORITY = {
    "regular": QT_TRANSLATE_NOOP("Names", "Regular"),
    "elder": QT_TRANSLATE_NOOP("Names", "Senior"),
    "disabled": QT_TRANSLATE_NOOP("Names", "Disabled"),
    "military": QT_TRANSLATE_NOOP("Names", "Military or fire service"),
    "pregnant": QT_TRANSLATE_NOOP("Names", "Pregnant or with infant"),
    "appointment": QT_TRANSLATE_NOOP("Names", "Appointment"),
}
HELP = {
    "elder": QT_TRANSLATE_NOOP("Names", "Senior needs help"),
    "disabled": QT_TRANSLATE_NOOP("Names", "Person with a disability needs help"),
    "pregnant": QT_TRANSLATE_NOOP("Names", "Pregnant woman needs help"),
    "other": QT_TRANSLATE_NOOP("Names", "Someone needs help"),
}
CARD = {
    "id_card": QT_TRANSLATE_NOOP("Names", "ID card"),
    "sscard": QT_TRANSLATE_NOOP("Names", "Social security card"),
    "code": QT_TRANSLATE_NOOP("Names", "Identity code"),
    "code_enterprise": QT_TRANSLATE_NOOP("Names", "Enterprise code"),
}
CASE = {
    "accepted": QT_TRANSLATE_NOOP("Names", "Accepted"),
    "refused": QT_TRANSLATE_NOOP("Names", "Refused"),
    "completed": QT_TRANSLATE_NOOP("Names", "Completed, ready to hand out"),
    "not_permitted": QT_TRANSLATE_NOOP("Names", "Not permitted, notice to hand out"),
    "delivered": QT_TRANSLATE_NOOP("Names", "Handed out"),
}
PART = {  # a part's life (后台分类审批)
    "pending": QT_TRANSLATE_NOOP("Names", "To sign for"),
    "received": QT_TRANSLATE_NOOP("Names", "Signed for"),
    "approved": QT_TRANSLATE_NOOP("Names", "Approved"),
    "rejected": QT_TRANSLATE_NOOP("Names", "Not permitted"),
    "correction": QT_TRANSLATE_NOOP("Names", "Correction owed"),
    "corrected": QT_TRANSLATE_NOOP("Names", "Correction handed in"),
}
ROLE = {
    "clerk": QT_TRANSLATE_NOOP("Names", "Clerk"),
    "supervisor": QT_TRANSLATE_NOOP("Names", "Supervisor"),
    "admin": QT_TRANSLATE_NOOP("Names", "Administrator"),
    "department": QT_TRANSLATE_NOOP("Names", "Department"),
}


def name(table: dict[str, str], code: str) -> str:
    source = table.get(code)
    return QCoreApplication.translate(CONTEXT, source) if source else code
