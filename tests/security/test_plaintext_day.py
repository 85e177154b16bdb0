"""A hall day with real people's data (fictitious), then a scan of everything on disk — the
store, its WAL, the logs, an export — for every name, ID number, address and phone: none may be
there in plain text. Then retention erases the personal data of old finished visits."""

from __future__ import annotations

import json
from pathlib import Path

from devices.emulators.people import ID_CARDS, SOCIAL
from hall import cases, logs
from hall.security import audit, codes, retention
from hall.security.crypto import Sealer, seal_applicant
from hall.service import HallService
from tests.security.conftest import plaintext_hits, run_cli
from tests.security.samples import PEOPLE, SampleIssuer


def _emulator_needles() -> list[bytes]:
    out: list[bytes] = []
    for card in ID_CARDS.values():
        out += [card.name.encode(), card.id_number.encode()]
        if len(card.address) > 6:
            out.append(card.address.encode())
    return [*out, SOCIAL.card_number.encode()]


def _serve(hall: HallService, sealer: Sealer, clock: object, service_id: str, name: str,
           id_number: str, address: str, phone: str, *, refuse: bool = False) -> str:
    log = logs.get("desk")
    t = hall.take_ticket(service_id)
    hall.call_next("1")
    hall.start(t.id)
    log.info("card read at window 1 for %s", t.number,
             extra={"person_name": name, "id_number": id_number, "address": address})
    audit.record(hall, actor="li", role="clerk", action="card_read", target=t.number,
                 detail={"id_number": id_number})
    person = seal_applicant(sealer, hall.index_key, name=name, id_number=id_number,
                            address=address, phone=phone, verified=True, source="id_card")
    service = hall.catalog.get(service_id)
    if refuse:
        case = cases.refuse(hall, service_id, person, [f"申请人{name}材料不全"], ticket_id=t.id)
    else:
        items = [cases.MaterialItem(m.name, "exempt" if m.e_licence else "submitted")
                 for m in service.materials]
        case = cases.accept(hall, service_id, person, items, ticket_id=t.id)
        cases.complete(hall, case["case_number"])
        cases.deliver(hall, case["case_number"])
    hall.done(t.id)
    clock.advance(60)  # type: ignore[attr-defined]
    return str(case["case_number"])


def test_a_day_leaves_no_plain_personal_data(secure_hall: HallService, data_dir: Path,
                                             clock: object) -> None:
    hall = secure_hall
    logs.setup(data_dir)
    sealer = Sealer.for_data_dir(data_dir, "H1")
    people = [*PEOPLE] + [(c.name, c.id_number, c.address, "13900000009")
                                    for c in ID_CARDS.values() if c.type == "resident"]
    numbers = []
    for i, (name, id_number, address, phone) in enumerate(people):
        numbers.append(_serve(hall, sealer, clock, "newborn", name, id_number, address, phone,
                              refuse=(i == 1)))
    issuer = SampleIssuer("HBID1.")
    (data_dir / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1.",
        "public_key": issuer.public_key}]}))
    name, id_number, _, _ = PEOPLE[2]
    identity = codes.present(hall, codes.terminal_reader(hall), issuer.issue(name, id_number))
    assert identity.verified

    export = data_dir / "exports" / "cases.jsonl"
    export.parent.mkdir()
    done = run_cli("admin", "export", "--out", str(export), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert len(export.read_text(encoding="utf-8").splitlines()) == len(people)
    shown = run_cli("ticket", "list", "--json", data_dir=data_dir)
    assert shown.returncode == 0 and all(
        n.decode() not in shown.stdout for n in _emulator_needles())

    # the back office opens a sealed applicant with the hall data key
    payload = json.loads(hall.store.conn.execute(
        "SELECT payload FROM events WHERE type = 'CaseAccepted' ORDER BY pos LIMIT 1"
    ).fetchone()[0])
    assert sealer.open_json(payload["applicant"]["sealed"])["id_number"] == PEOPLE[0][1]

    hits = plaintext_hits([data_dir], _emulator_needles())
    assert hits == [], hits
    assert (data_dir / "logs" / "hall.log").stat().st_size > 0

    # retention: 181 days later the finished visits lose their personal data, the cases stay
    clock.advance(days=181)  # type: ignore[attr-defined]
    result = retention.purge(hall, days=180)
    assert result["cases"] == len(people)
    rows = hall.store.conn.execute(
        "SELECT case_number, applicant_masked, applicant_key FROM cases").fetchall()
    assert sorted(r[0] for r in rows) == sorted(numbers)
    assert all(r[1] == "" and r[2] == "" for r in rows)
    assert hall.store.conn.execute(
        "SELECT COUNT(*) FROM events WHERE payload LIKE '%ts1:%'").fetchone()[0] == 0
    assert retention.purge(hall, days=180)["cases"] == 0  # nothing left to erase
    from hall.store.projections import digest, rebuild

    with hall.store.write() as conn:
        before = digest(conn)
        rebuild(conn)
        assert digest(conn) == before  # the purge replays to the same tables
