"""A hall day with real people's data (fictitious), then a scan of everything on disk — the
store, its WAL, the logs, an export — for every name, ID number, address and phone: none may be
there in plain text. Then retention erases the personal data of old finished visits."""

from __future__ import annotations

import json
from pathlib import Path

from devices.emulators.people import ID_CARDS, SOCIAL
from hall import logs
from hall.actors import Actor
from hall.app import Hall
from hall.cases import MaterialItem
from hall.security import audit
from hall.security.crypto import Sealer, seal_applicant
from tests.conftest import OP
from tests.security.conftest import plaintext_hits, run_cli
from tests.security.samples import PEOPLE, SampleIssuer


def needles_of(people: list[tuple[str, str, str, str]]) -> list[bytes]:
    return [s.encode() for person in people for s in person]


def _emulator_needles() -> list[bytes]:
    out: list[bytes] = []
    for card in ID_CARDS.values():
        out += [card.name.encode(), card.id_number.encode()]
        if len(card.address) > 6:
            out.append(card.address.encode())
    return [*out, SOCIAL.card_number.encode()]


def _serve(hall: Hall, clock: object, service_id: str, name: str, id_number: str,
           address: str, phone: str, *, refuse: bool = False) -> str:
    """A visit where a clerk reads the card, types a reason or a note with the person's data in
    it (people do), and the citizen leaves a comment that names them too."""
    log = logs.get("desk")
    clerk = Actor.account("li", "clerk", "1")
    t = hall.tickets.take(hall.kiosk(), service_id).value
    hall.tickets.call_next(clerk, "1")
    hall.tickets.start(clerk, t.id)
    log.info("card read at window 1 for %s", t.number,
             extra={"person_name": name, "id_number": id_number, "address": address})
    audit.record(hall.core, actor=clerk, action="card_read", target=t.number,
                 detail={"id_number": id_number})
    person = seal_applicant(hall.core.sealer, hall.core.index_key, name=name,
                            id_number=id_number, address=address, phone=phone, verified=True,
                            source="id_card")
    service = hall.catalog.get(service_id)
    if refuse:
        case = hall.cases.refuse(clerk, service_id, person,
                                 [f"申请人{name}({id_number},电话{phone})材料不全"],
                                 ticket=t.id).value
    else:
        items = [MaterialItem(m.name, "exempt" if m.e_licence else "submitted")
                 for m in service.materials]
        case = hall.cases.accept(clerk, service_id, person, items, ticket=t.id,
                                 note=f"{name}的家属{phone}代为领取").value
        for step in case.steps:  # the back office, its typed notes naming the applicant
            dept = Actor.account("dept1", "department", department=step.department)
            hall.parts.decide(dept, case.number, step.step, "received")
            hall.parts.decide(dept, case.number, step.step, "approved",
                              f"{name}({id_number})材料核验通过,电话{phone}")
        hall.cases.complete(clerk, case.number)
        hall.cases.deliver(clerk, case.number)
    hall.tickets.done(clerk, t.id)
    hall.ratings.rate(hall.kiosk(), t.id, 2, f"我是{name},电话{phone},身份证{id_number}")
    clock.advance(60)  # type: ignore[attr-defined]
    return case.number


def test_a_day_leaves_no_plain_personal_data(secure_hall: Hall, data_dir: Path,
                                             clock: object) -> None:
    hall = secure_hall
    logs.setup(data_dir)
    sealer = Sealer.for_data_dir(data_dir, "H1")
    people = [*PEOPLE] + [(c.name, c.id_number, c.address, "13900000009")
                          for c in ID_CARDS.values() if c.type == "resident"]
    numbers = []
    for i, (name, id_number, address, phone) in enumerate(people):
        numbers.append(_serve(hall, clock, "newborn", name, id_number, address, phone,
                              refuse=(i == 1)))
    issuer = SampleIssuer("HBID1.")
    (data_dir / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": issuer.public_key}]}))
    name, id_number, _, _ = PEOPLE[2]
    read = hall.cards.read_code(hall.kiosk(), issuer.issue(name, id_number))
    assert read.verified

    export = data_dir / "exports" / "cases.jsonl"
    export.parent.mkdir()
    done = run_cli("admin", "export", "--out", str(export), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert len(export.read_text(encoding="utf-8").splitlines()) == len(people)
    shown = run_cli("ticket", "list", "--json", data_dir=data_dir)
    assert shown.returncode == 0 and all(
        n.decode() not in shown.stdout for n in _emulator_needles())

    # the back office opens a sealed applicant with the hall data key
    payload = json.loads(hall.core.store.conn.execute(
        "SELECT payload FROM events WHERE type = 'CaseAccepted' ORDER BY pos LIMIT 1"
    ).fetchone()[0])
    assert sealer.open_json(payload["applicant"]["sealed"])["id_number"] == PEOPLE[0][1]

    hits = plaintext_hits([data_dir], _emulator_needles() + needles_of(people))
    assert hits == [], hits
    assert (data_dir / "logs" / "hall.log").stat().st_size > 0

    # retention: 181 days later the finished visits lose their personal data, the cases stay
    clock.advance(days=181)  # type: ignore[attr-defined]
    supervisor = Actor.account("zhao", "supervisor")
    before_purge = hall.cases.get(supervisor, numbers[1])
    assert before_purge.reasons and PEOPLE[1][0] in before_purge.reasons[0]  # shown to a supervisor
    result = hall.retention.purge(OP, days=180).value
    assert result.cases == len(people) and result.ratings == len(people)
    rows = hall.core.store.conn.execute(
        "SELECT case_number, applicant_masked, applicant_key FROM cases").fetchall()
    assert sorted(r[0] for r in rows) == sorted(numbers)
    assert all(r[1] == "" and r[2] == "" for r in rows)
    assert hall.core.store.conn.execute(
        "SELECT COUNT(*) FROM events WHERE payload LIKE '%ts1:%'").fetchone()[0] == 0
    assert hall.retention.purge(OP, days=180).value.cases == 0  # nothing left to erase
    for number in numbers:  # case show, for a supervisor, holds none of it any more
        shown_case = json.dumps(hall.cases.get(supervisor, number).to_json(), ensure_ascii=False)
        assert not any(n.decode() in shown_case for n in needles_of(people)), shown_case
    assert all(r.comment is None for r in hall.ratings.follow_ups(supervisor))
    from hall.store.projections import digest, rebuild

    with hall.core.store.write() as conn:
        before = digest(conn)
        rebuild(conn)
        assert digest(conn) == before  # the purge replays to the same tables
