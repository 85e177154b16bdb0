"""A PersonalDataPurged event that reaches a server erases the sealed applicant fields from the
server's stored copies of the cases it names (and of a case event arriving after its purge),
then travels on to the hall's terminals."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import select

from sync.server.tables import dead_letters, events

SEALED = "ts1:aes:0123456789abcdef:" + "A" * 40


def _event(terminal: str, seq: int, kind: str, payload: dict) -> dict:
    return {"event_id": str(uuid.UUID(int=seq + (hash(terminal) & 0xFFFF) * 10**6, version=4)),
            "hall_id": "H1", "terminal_id": terminal, "terminal_seq": seq, "hlc": seq << 16,
            "type": kind, "schema_version": 1, "payload": payload}


# A purge is an admin's (or a desk's local operator's): every hop refuses one from anyone else.
ADMIN = {"kind": "account", "name": "boss", "role": "admin"}


def _case(terminal: str, seq: int, case_id: str) -> dict:
    return _event(terminal, seq, "CaseAccepted", {
        "case_id": case_id, "case_number": f"N-{case_id}", "service_id": "newborn",
        "ticket_id": f"t-{case_id}", "materials": [], "at": "2026-01-01T09:00:00+08:00",
        "applicant": {"sealed": SEALED, "masked": "张* 4201**********0017",
                      "key": "f" * 64, "verified": True}})


def test_purge_erases_the_servers_copies(make_server) -> None:
    hub = make_server()
    k1, k2 = hub.token("H1", "K1"), hub.token("H1", "K2")
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        def push(token: str, batch: list[dict]) -> dict:
            r = http.post("/v1/sync/push", json={"events": batch},
                          headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, r.text
            assert r.json()["rejected"] == []
            return r.json()

        push(k1, [_case("K1", 1, "c1"), _case("K1", 2, "c2"),
                  _event("K1", 3, "MaterialsDeferred", {"case_id": "c1", "material": "photo",
                                                        "promise": "张三 明天带来",
                                                        "due": "2026-01-02"})])
        refused = _case("K1", 4, "c1")
        del refused["payload"]["materials"]  # invalid: dead-lettered as it came, sealed field
        r = http.post("/v1/sync/push", json={"events": [refused]},
                      headers={"Authorization": f"Bearer {k1}"})
        assert r.json()["rejected"][0]["reason"].startswith("invalid CaseAccepted")
        push(k2, [_event("K2", 1, "PersonalDataPurged", {
            "case_ids": ["c1", "c3"], "cutoff": "2025-07-01", "at": "2026-01-01T10:00:00+08:00",
            "by": ADMIN})])
        push(k1, [_case("K1", 5, "c3")])  # a purged case's event arriving late
        pulled = http.get("/v1/sync/pull", headers={"Authorization": f"Bearer {k2}"}).json()
    with hub.engine.connect() as c:
        stored = {(r.terminal_seq, r.type): json.loads(r.payload) for r in c.execute(
            select(events.c.terminal_seq, events.c.type, events.c.payload)
            .where(events.c.terminal_id == "K1"))}
    c1, c2 = stored[(1, "CaseAccepted")], stored[(2, "CaseAccepted")]
    c3 = stored[(5, "CaseAccepted")]
    for gone in (c1, c3):
        assert "sealed" not in gone["applicant"]
        assert gone["applicant"]["masked"] == gone["applicant"]["key"] == ""
        assert gone["case_number"].startswith("N-")  # the case itself is kept
    assert stored[(3, "MaterialsDeferred")]["promise"] == ""
    assert c2["applicant"]["sealed"] == SEALED  # not named by the purge
    with hub.engine.connect() as c:
        bodies = [r[0] for r in c.execute(select(dead_letters.c.body))]
    assert len(bodies) == 1 and SEALED not in bodies[0] and '"case_id": "c1"' in bodies[0]
    raw = json.dumps(pulled, ensure_ascii=False)
    assert raw.count(SEALED) == 1 and "张三" not in raw  # what terminals pull is erased too


def test_purge_erases_free_text_and_ratings_on_the_server(make_server) -> None:
    hub = make_server()
    k1, k2 = hub.token("H1", "K1"), hub.token("H1", "K2")
    refused = _event("K1", 1, "CaseRefused", {
        "case_id": "c9", "case_number": "N-c9", "service_id": "newborn", "ticket_id": "t9",
        "at": "2026-01-01T09:00:00+08:00", "reasons": [SEALED],
        "applicant": {"sealed": SEALED, "masked": "张*", "key": "f" * 64, "verified": True}})
    accepted = _case("K1", 2, "c8")
    accepted["payload"]["note"] = SEALED
    rating = _event("K1", 3, "RatingGiven", {
        "rating_id": "r1", "ticket_id": "t9", "grade": 1, "text": SEALED,
        "follow_up_due": "2026-01-04", "at": "2026-01-01T09:10:00+08:00"})
    late_rating = _event("K1", 4, "RatingGiven", {
        "rating_id": "r2", "ticket_id": "t8", "grade": 2, "text": SEALED,
        "follow_up_due": "2026-01-04", "at": "2026-01-01T09:20:00+08:00"})
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        def push(token: str, batch: list[dict]) -> None:
            r = http.post("/v1/sync/push", json={"events": batch},
                          headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200 and r.json()["rejected"] == [], r.text

        push(k1, [refused, accepted, rating])
        push(k2, [_event("K2", 1, "PersonalDataPurged", {
            "case_ids": ["c9", "c8"], "rating_ids": ["r1", "r2"], "cutoff": "2025-07-01",
            "at": "2026-01-01T10:00:00+08:00", "by": ADMIN})])
        push(k1, [late_rating])  # a purged rating arriving late is stored erased
    with hub.engine.connect() as c:
        stored = [r[0] for r in c.execute(select(events.c.payload)
                                          .where(events.c.terminal_id == "K1"))]
    assert len(stored) == 4 and not any(SEALED in p for p in stored), stored
    assert all(json.loads(p).get("text") is None for p in stored if '"rating_id"' in p)
