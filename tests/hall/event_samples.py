"""One valid payload per event type, as the hall writes them (with its actor): the base the
schema tests and the server fuzz mutate."""

from __future__ import annotations

from typing import Any

from hall.actors import Actor

AT = "2026-12-07T09:00:00.000+08:00"
ID = "01938a6e-7b3c-7d2e-9f00-0123456789ab"
CLERK = Actor.account("clerk1", "clerk", "1").record()
ADMIN = Actor.account("boss", "admin").record()
KIOSK = Actor.kiosk("K1").record()
SYSTEM = Actor.system("travel").record()

SAMPLES: dict[str, dict[str, Any]] = {
    "TicketIssued": {"ticket_id": ID, "service_id": "newborn", "series": "A", "number": 7,
                     "label": "A007", "day": "2026-12-07", "priority": "regular",
                     "issued_at": AT, "leased": True, "by": KIOSK},
    "TicketCalled": {"ticket_id": ID, "window": "1", "called_at": AT, "as_priority": False,
                     "by": CLERK},
    "TicketRecalled": {"ticket_id": ID, "window": "1", "at": AT, "by": CLERK},
    "TicketNoShow": {"ticket_id": ID, "at": AT, "reason": "clerk", "by": CLERK},
    "ServiceStarted": {"ticket_id": ID, "window": "1", "at": AT, "by": CLERK},
    "TicketDone": {"ticket_id": ID, "at": AT, "by": CLERK},
    "TicketTransferred": {"ticket_id": ID, "service_id": "newborn", "target_window": "2",
                          "at": AT, "by": CLERK},
    "TicketParked": {"ticket_id": ID, "at": AT, "by": CLERK},
    "TicketResumed": {"ticket_id": ID, "window": "1", "at": AT, "by": CLERK},
    "TicketCancelled": {"ticket_id": ID, "at": AT, "by": CLERK},
    "TicketCallWithdrawn": {"ticket_id": ID, "window": "1", "at": AT, "reason": "expired",
                            "target_window": None, "regular_streak": 1,
                            "by": Actor.system("hub").record()},
    "NumberBlockLeased": {"day": "2026-12-07", "series": "A", "first": 1, "last": 50,
                          "by": Actor.system("sync").record()},
    "CaseAccepted": {"case_id": ID, "case_number": "C2026120700001", "service_id": "newborn",
                     "ticket_id": ID, "applicant": {"masked": "张*", "key": "k", "verified": True},
                     "materials": [{"name": "出生医学证明", "status": "submitted"}], "at": AT,
                     "by": CLERK},
    "MaterialsDeferred": {"case_id": ID, "material": "户口簿", "promise": "ts1:aes:x",
                          "due": "2026-12-20", "by": CLERK},
    "MaterialsSupplied": {"case_id": ID, "material": "户口簿", "at": AT, "by": CLERK},
    "CaseRefused": {"case_id": ID, "case_number": "C1", "service_id": "newborn",
                    "ticket_id": None, "applicant": {"masked": "张*"}, "reasons": ["ts1:x"],
                    "at": AT, "by": CLERK},
    "CaseStepDecided": {"case_id": ID, "step": 1, "outcome": "approved", "at": AT, "by": CLERK},
    "CaseStepReceived": {"case_id": ID, "step": 1, "at": AT, "by": CLERK},
    "CaseStepCorrected": {"case_id": ID, "step": 1, "due": "2026-12-20", "at": AT,
                          "by": CLERK},
    "CaseStepReassigned": {"case_id": ID, "step": 1, "department": "民政局", "from": "公安局",
                           "reason": "ts1:aes:x", "at": AT, "by": CLERK},
    "CaseCompleted": {"case_id": ID, "at": AT, "by": CLERK},
    "PartRouted": {"case_id": ID, "case_number": "C20261207-0001", "to_hall": "C1",
                   "steps": [{"step": 1, "department": "社保"}], "parcel": "ts2:x25519:x",
                   "at": AT, "by": CLERK},
    "PartArrived": {"case_id": ID, "case_number": "V1-C20261207-0001", "service_id": "newborn",
                    "ticket_id": None, "applicant": {"masked": "张* 420***", "key": "k",
                                                     "verified": True, "sealed": "ts1:aes:x"},
                    "materials": [], "steps": [{"step": 1, "department": "社保", "matter": "m",
                                                "due": "2026-12-20"}],
                    "origin_hall": "V1", "origin_case": "C20261207-0001", "route_id": ID,
                    "at": AT, "by": SYSTEM},
    "PartUpdate": {"case_id": ID, "step": 1, "to_hall": "V1", "status": "approved", "at": AT,
                   "by": CLERK},
    "PartHeard": {"case_id": ID, "step": 1, "from_hall": "C1", "status": "approved",
                  "update_id": ID, "at": AT, "by": SYSTEM},
    "ResultDelivered": {"case_id": ID, "at": AT, "channel": "window", "by": CLERK},
    "RatingGiven": {"rating_id": ID, "ticket_id": ID, "grade": 5, "text": None,
                    "follow_up_due": None, "at": AT, "by": KIOSK},
    "RatingAsked": {"ticket_id": ID, "window": "1", "at": AT, "by": CLERK},
    "FollowUpStep": {"rating_id": ID, "step": "assign", "assignee": "公安局", "at": AT,
                     "by": ADMIN},
    "WindowConfigured": {"window": "1", "services": ["newborn"], "by": ADMIN},
    "AuditRecorded": {"actor": "clerk1", "role": "clerk", "action": "card_read",
                      "target": "A007", "outcome": "ok", "at": AT, "by": CLERK},
    "PersonalDataPurged": {"case_ids": [ID], "cutoff": AT, "at": AT, "by": ADMIN},
    "HelpRequested": {"request_id": ID, "kind": "help", "at": AT, "by": KIOSK},
    "HelpAnswered": {"request_id": ID, "at": AT, "by": CLERK},
    "AppointmentBooked": {"appointment_id": ID, "service_id": "newborn", "slot_at": AT,
                          "holder_key": "abc", "by": CLERK},
    "AppointmentCheckedIn": {"appointment_id": ID, "ticket_id": ID, "at": AT, "by": KIOSK},
    "AppointmentCancelled": {"appointment_id": ID, "at": AT, "by": CLERK},
    "AppointmentRescheduled": {"appointment_id": ID, "slot_at": AT, "at": AT, "by": CLERK},
    "AppointmentMissed": {"appointment_id": ID, "at": AT, "by": KIOSK},
    "AppointmentSharesLeased": {"lease_id": ID, "terminal_id": "D1", "service_id": "newborn",
                                "day": "2026-12-07", "slots": {"09:00": 1}, "at": AT,
                                "by": {"kind": "system", "name": "hub", "role": "system"}},
    "AppointmentSharesReleased": {"terminal_id": "D1", "service_id": "newborn",
                                  "day": "2026-12-07", "slots": {"09:00": 1}, "at": AT,
                                  "by": {"kind": "system", "name": "sync", "role": "system"}},
    "AppointmentBookedOnline": {"appointment_id": ID, "service_id": "newborn", "slot_at": AT,
                                "holder_sealed": "ts2:x25519:0123456789abcdef:" + "A" * 96,
                                "at": AT, "by": {"kind": "system", "name": "platform",
                                                 "role": "system"}},
    "DayClosed": {"day": "2026-12-07", "figures": {"total": {"issued": 3}}, "no_shows": 0,
                  "at": AT, "by": ADMIN},
    "AccountChanged": {"user": "clerk2", "change": "add", "role": "clerk", "pw_hash": "scrypt$x",
                       "at": AT, "by": ADMIN},
    "HallSettingsRequested": {"changes": {"hours": {}}, "at": AT, "by": ADMIN},
    "HallSettingsPublished": {"version": 2, "settings": {}, "signature": "c2ln",
                              "signed_by": "hub:ab12", "at": AT,
                              "by": Actor.system("hub").record()},
}

# Values no listed field takes: each field of each sample, replaced by one, is refused (a bidi
# override, NUL, a non-character, a lone surrogate, an integer beyond 64 bits).
HOSTILE: list[Any] = [2**64, "A\u202e1", "1\x00", "\ufdd0", "\ud800"]
