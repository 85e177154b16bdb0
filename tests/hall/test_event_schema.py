"""Each event type's payload schema and emitter rule (hall/event_schema.py, hall/event_rules.py):
every type has both, the hall's own payloads pass, and each listed field refuses what it may not
hold. The server and the terminals use the same functions (tests/sync/test_event_trust.py)."""

from __future__ import annotations

from typing import Any

import pytest

from hall import event_rules, event_schema
from hall.events import REQUIRED_KEYS, Event, EventType
from tests.hall.event_samples import HOSTILE, SAMPLES

TYPES = sorted(v for k, v in vars(EventType).items() if not k.startswith("_"))


def _event(kind: str, payload: Any) -> Event:
    return Event("e", "H1", "D1", 1, 1, kind, payload)


def test_every_type_has_a_schema_a_rule_and_a_sample() -> None:
    assert set(TYPES) == set(REQUIRED_KEYS) == set(event_schema.SCHEMAS) == set(
        event_rules.RULES) == set(SAMPLES)
    for kind, fields in event_schema.SCHEMAS.items():
        assert REQUIRED_KEYS[kind] <= fields.keys(), kind


@pytest.mark.parametrize("kind", TYPES)
def test_the_sample_passes_and_each_field_refuses_hostile_values(kind: str) -> None:
    sample = SAMPLES[kind]
    # the platform's and the hub's own events (预约): no terminal pushes them; a hop applying
    # a pulled one checks schema and actor
    pusher = None if kind in (EventType.APPOINTMENT_BOOKED_ONLINE,
                              EventType.APPOINTMENT_SHARES_LEASED) else "desk"
    assert event_rules.refusal(_event(kind, sample), pusher) is None
    if pusher is None:
        assert event_rules.refusal(_event(kind, sample), "desk") is not None
    for field in event_schema.SCHEMAS[kind]:
        for bad in HOSTILE:
            why = event_schema.problem(kind, {**sample, field: bad})
            assert why is not None and why.startswith(f"invalid {kind}: {field}: "), (
                kind, field, bad, why)
        # nested anywhere, in a field no schema lists: refused the same
        assert event_schema.problem(kind, {**sample, "x": {"y": ["\u202e"]}}) is not None
        if field in REQUIRED_KEYS[kind]:
            missing = {k: v for k, v in sample.items() if k != field}
            assert "missing" in str(event_schema.problem(kind, missing))


def test_unknown_types_and_non_objects_are_refused() -> None:
    assert event_schema.problem("Nope", {}) == "unknown event type Nope"
    assert "not an object" in str(event_schema.problem("TicketDone", ["x"]))


def test_roles_bound_what_each_terminal_and_actor_emits() -> None:
    purge = SAMPLES["PersonalDataPurged"]
    assert event_rules.refusal(_event("PersonalDataPurged", purge), "desk") is None
    assert "kiosk terminal may not" in str(
        event_rules.refusal(_event("PersonalDataPurged", purge), "kiosk"))
    by_clerk = {**purge, "by": SAMPLES["TicketDone"]["by"]}
    assert "may not be emitted by a clerk" in str(
        event_rules.refusal(_event("PersonalDataPurged", by_clerk)))
    no_actor = {k: v for k, v in purge.items() if k != "by"}
    assert "names no actor" in str(event_rules.refusal(_event("PersonalDataPurged", no_actor)))
    issued = SAMPLES["TicketIssued"]
    assert event_rules.refusal(_event("TicketIssued", issued), "kiosk") is None
    as_admin = {**issued, "by": SAMPLES["DayClosed"]["by"]}
    assert "kiosk terminal acting as a admin" in str(
        event_rules.refusal(_event("TicketIssued", as_admin), "kiosk"))
    audit = SAMPLES["AuditRecorded"]
    assert event_rules.refusal(_event("AuditRecorded", {**audit, "by": {
        "kind": "nobody", "name": "", "role": "none"}}), "display") is None
    assert event_rules.refusal(_event("TicketIssued", issued), "display") is not None
