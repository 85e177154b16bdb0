"""Event types of the per-terminal append-only log.

An event is the only way state changes. Payloads are plain JSON objects whose required keys are
listed here, so the log can be replayed and shipped without importing anything beyond this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


class EventType:
    TICKET_ISSUED = "TicketIssued"
    TICKET_CALLED = "TicketCalled"
    TICKET_RECALLED = "TicketRecalled"
    TICKET_NO_SHOW = "TicketNoShow"
    SERVICE_STARTED = "ServiceStarted"
    TICKET_DONE = "TicketDone"
    TICKET_TRANSFERRED = "TicketTransferred"
    TICKET_PARKED = "TicketParked"
    TICKET_RESUMED = "TicketResumed"
    TICKET_CANCELLED = "TicketCancelled"
    # A call nobody serves, taken back: the ticket waits again in its place (the hub's offer to
    # a window that never confirmed it, sync/server/hub.py).
    TICKET_CALL_WITHDRAWN = "TicketCallWithdrawn"
    NUMBER_BLOCK_LEASED = "NumberBlockLeased"
    CASE_ACCEPTED = "CaseAccepted"
    MATERIALS_DEFERRED = "MaterialsDeferred"
    MATERIALS_SUPPLIED = "MaterialsSupplied"
    CASE_REFUSED = "CaseRefused"
    # A part's life (后台分类审批, hall/cases.py): its department signs for it (签收), then decides
    # it (approved | rejected 不予许可 with reasons | correction 补正, what to correct); the window
    # records what the applicant brought (补正 handed in: the clock restarts with a later due);
    # a supervisor may hand it to another department, with the reason.
    CASE_STEP_RECEIVED = "CaseStepReceived"
    CASE_STEP_DECIDED = "CaseStepDecided"
    CASE_STEP_CORRECTED = "CaseStepCorrected"
    CASE_STEP_REASSIGNED = "CaseStepReassigned"
    CASE_COMPLETED = "CaseCompleted"
    # Cases that travel between halls (issue 24, hall/travel.py): the origin routes a part (or a
    # whole 异地代收 case) sealed for the destination hall; the destination records its arrival
    # as a part of its own; each side's news on the part travels back (PartUpdate) and is
    # recorded by the hall that hears it (PartHeard), once.
    PART_ROUTED = "PartRouted"
    PART_ARRIVED = "PartArrived"
    PART_UPDATE = "PartUpdate"
    PART_HEARD = "PartHeard"
    RESULT_DELIVERED = "ResultDelivered"
    RATING_GIVEN = "RatingGiven"
    # The clerk asks for a rating before the visit is finished (the desk's 请评价): the pad of
    # the ticket's window shows the grades for it (hall/pad_view.py); no projection
    RATING_ASKED = "RatingAsked"
    # 差评整改 (hall/follow_ups.py): assign | action | revisit | close | escalate | redo, one event per step
    FOLLOW_UP_STEP = "FollowUpStep"
    WINDOW_CONFIGURED = "WindowConfigured"
    AUDIT_RECORDED = "AuditRecorded"  # who did what where: append-only, masked (hall/audit.py)
    PERSONAL_DATA_PURGED = "PersonalDataPurged"  # retention (hall/security/retention.py)
    HELP_REQUESTED = "HelpRequested"  # 帮办: a kiosk asks for a staff member
    HELP_ANSWERED = "HelpAnswered"
    APPOINTMENT_BOOKED = "AppointmentBooked"  # 预约
    APPOINTMENT_CHECKED_IN = "AppointmentCheckedIn"  # 预约签到 (late: true, a walk-in ticket)
    # 预约 changed (hall/appointments.py): cancelled and moved by a clerk or the citizen online;
    # missed (no-show) recorded once the slot's check-in window has ended.
    APPOINTMENT_CANCELLED = "AppointmentCancelled"
    APPOINTMENT_RESCHEDULED = "AppointmentRescheduled"
    APPOINTMENT_MISSED = "AppointmentMissed"
    # 预约 on the central platform (sync/server/platform_bookings.py): the applicant sealed for
    # the hall (only the hall opens it); the hub adopts it as an AppointmentBooked of its own.
    APPOINTMENT_BOOKED_ONLINE = "AppointmentBookedOnline"
    # seats of a day's slots the hub leases to one terminal, for booking while the hub is away
    # (sync/server/bookings.py `lease_shares`); a booking from them names the lease
    APPOINTMENT_SHARES_LEASED = "AppointmentSharesLeased"
    # seats of a terminal's share it gives back unused (its slot is near): the hub sells them again
    APPOINTMENT_SHARES_RELEASED = "AppointmentSharesReleased"
    # The end of a day (日结): its figures frozen, as the closing terminal counted them; its
    # unserved tickets were closed before it as TicketNoShow with reason "day_closed"
    # (hall/close_day.py; which close counts when several terminals close one day: hall/counted_close.py).
    DAY_CLOSED = "DayClosed"
    # Hall-wide accounts (hall/security/access.py): made, changed, disabled once for the hall;
    # the payload carries a scrypt hash, never a password. Emitted by an admin's terminal (or a
    # user changing their own password), or by the hub (`serve user add`).
    ACCOUNT_CHANGED = "AccountChanged"
    # Hall settings (hall/hall_settings.py): a supervisor asks, the hub signs and publishes.
    HALL_SETTINGS_REQUESTED = "HallSettingsRequested"
    HALL_SETTINGS_PUBLISHED = "HallSettingsPublished"


REQUIRED_KEYS: dict[str, frozenset[str]] = {
    EventType.TICKET_ISSUED: frozenset(
        {"ticket_id", "service_id", "series", "number", "label", "day", "priority", "issued_at"}
    ),
    EventType.TICKET_CALLED: frozenset({"ticket_id", "window", "called_at"}),
    EventType.TICKET_RECALLED: frozenset({"ticket_id", "window", "at"}),
    EventType.TICKET_NO_SHOW: frozenset({"ticket_id", "at", "reason"}),
    EventType.SERVICE_STARTED: frozenset({"ticket_id", "window", "at"}),
    EventType.TICKET_DONE: frozenset({"ticket_id", "at"}),
    EventType.TICKET_TRANSFERRED: frozenset({"ticket_id", "service_id", "target_window", "at"}),
    EventType.TICKET_PARKED: frozenset({"ticket_id", "at"}),
    EventType.TICKET_RESUMED: frozenset({"ticket_id", "window", "at"}),
    EventType.TICKET_CANCELLED: frozenset({"ticket_id", "at"}),
    EventType.TICKET_CALL_WITHDRAWN: frozenset({"ticket_id", "window", "at"}),
    EventType.NUMBER_BLOCK_LEASED: frozenset({"day", "series", "first", "last"}),
    EventType.CASE_ACCEPTED: frozenset(
        {"case_id", "case_number", "service_id", "ticket_id", "applicant", "materials", "at"}
    ),
    EventType.MATERIALS_DEFERRED: frozenset({"case_id", "material", "promise", "due"}),
    EventType.MATERIALS_SUPPLIED: frozenset({"case_id", "material", "at"}),
    EventType.CASE_REFUSED: frozenset(
        {"case_id", "case_number", "service_id", "ticket_id", "applicant", "reasons", "at"}
    ),
    EventType.CASE_STEP_RECEIVED: frozenset({"case_id", "step", "at"}),
    EventType.CASE_STEP_DECIDED: frozenset({"case_id", "step", "outcome", "at"}),
    EventType.CASE_STEP_CORRECTED: frozenset({"case_id", "step", "due", "at"}),
    EventType.CASE_STEP_REASSIGNED: frozenset({"case_id", "step", "department", "reason", "at"}),
    EventType.CASE_COMPLETED: frozenset({"case_id", "at"}),
    EventType.PART_ROUTED: frozenset({"case_id", "case_number", "steps", "to_hall", "parcel", "at"}),
    EventType.PART_ARRIVED: frozenset(
        {"case_id", "case_number", "service_id", "applicant", "steps", "origin_hall",
         "origin_case", "route_id", "at"}),
    EventType.PART_UPDATE: frozenset({"case_id", "step", "to_hall", "status", "at"}),
    EventType.PART_HEARD: frozenset({"case_id", "step", "from_hall", "status", "update_id", "at"}),
    EventType.RESULT_DELIVERED: frozenset({"case_id", "at", "channel"}),
    EventType.RATING_GIVEN: frozenset({"rating_id", "ticket_id", "grade", "text", "follow_up_due", "at"}),
    EventType.RATING_ASKED: frozenset({"ticket_id", "window", "at"}),
    EventType.FOLLOW_UP_STEP: frozenset({"rating_id", "step", "at"}),
    EventType.WINDOW_CONFIGURED: frozenset({"window", "services"}),
    EventType.AUDIT_RECORDED: frozenset({"actor", "role", "action", "target", "outcome", "at"}),
    EventType.PERSONAL_DATA_PURGED: frozenset({"case_ids", "cutoff", "at"}),
    EventType.HELP_REQUESTED: frozenset({"request_id", "kind", "at"}),
    EventType.HELP_ANSWERED: frozenset({"request_id", "at"}),
    EventType.APPOINTMENT_BOOKED: frozenset(
        {"appointment_id", "service_id", "slot_at", "holder_key"}),
    EventType.APPOINTMENT_CHECKED_IN: frozenset({"appointment_id", "ticket_id", "at"}),
    EventType.APPOINTMENT_CANCELLED: frozenset({"appointment_id", "at"}),
    EventType.APPOINTMENT_RESCHEDULED: frozenset({"appointment_id", "slot_at", "at"}),
    EventType.APPOINTMENT_MISSED: frozenset({"appointment_id", "at"}),
    EventType.APPOINTMENT_BOOKED_ONLINE: frozenset(
        {"appointment_id", "service_id", "slot_at", "holder_sealed", "at"}),
    EventType.APPOINTMENT_SHARES_LEASED: frozenset(
        {"lease_id", "terminal_id", "service_id", "day", "slots", "at"}),
    EventType.APPOINTMENT_SHARES_RELEASED: frozenset(
        {"terminal_id", "service_id", "day", "slots", "at"}),
    EventType.DAY_CLOSED: frozenset({"day", "figures", "no_shows", "at"}),
    EventType.ACCOUNT_CHANGED: frozenset({"user", "change", "at"}),
    EventType.HALL_SETTINGS_REQUESTED: frozenset({"changes", "at"}),
    EventType.HALL_SETTINGS_PUBLISHED: frozenset(
        {"version", "settings", "signature", "signed_by", "at"}),
}


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    hall_id: str
    terminal_id: str
    terminal_seq: int
    hlc: int
    type: str
    payload: dict[str, Any] = field(hash=False)
    schema_version: int = SCHEMA_VERSION


def missing_keys(event_type: str, payload: dict[str, Any]) -> list[str]:
    """Keys a payload lacks for its type; an unknown type lacks everything."""
    required = REQUIRED_KEYS.get(event_type)
    if required is None:
        return ["<unknown event type>"]
    return sorted(required - payload.keys())
