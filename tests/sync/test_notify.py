"""The hall API across sync: a subscriber hears what a pull brings, a help request reaches another
terminal, and free text (reasons, comments) travels and rests sealed on the hub too."""

from __future__ import annotations

import json
import threading

from sqlalchemy import select

from hall.actors import Actor
from hall.changes import Changes
from hall.identity import Applicant
from sync import runner
from sync.credential import SyncCredential
from sync.server.tables import events
from tests.conftest import OP

NAME, ID_NUMBER, PHONE = "测试甲乙", "990000198001010017", "13900000001"
CLERK = Actor.account("li", "clerk", "1")


def test_a_subscriber_hears_a_pull_and_a_help_request_crosses_terminals(
        make_server, make_terminal) -> None:
    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=())
    heard: list[Changes] = []
    desk.hall.subscribe(heard.append)
    kiosk.hall.tickets.take(kiosk.hall.kiosk(), "newborn")
    request = kiosk.hall.help.request(kiosk.hall.kiosk(), "elder").value
    kiosk.once()
    desk.pull()
    pulled = [c for c in heard if c.source == "sync"]
    assert pulled and pulled[-1].tickets and any(c.help for c in pulled)
    assert [r.id for r in desk.hall.help.open()] == [request.id]
    assert desk.hall.help.open()[0].terminal == "K1"
    desk.hall.help.answer(CLERK, request.id)
    desk.once()
    kiosk.pull()
    assert kiosk.hall.help.get(request.id).status == "answered"


def test_sync_running_on_its_own_thread_reaches_the_face_through_the_watcher(
        make_server, make_terminal, tmp_path) -> None:
    """A face's process runs sync on its own thread with its own connection; the face's hall
    hears the pulled events on its next poll."""
    from hall.app import Hall
    from hall.terminal_setup import setup_terminal

    srv = make_server()
    kiosk = make_terminal(srv.url, srv.token("H1", "K1"), "K1", lease_series=("A",))
    kiosk.once()  # its number block first
    folder = tmp_path / "desk"
    setup_terminal(folder, "H1", "D1", hub_url=srv.url)
    face = Hall.open(folder)
    heard: list[Changes] = []
    face.subscribe(heard.append)
    stop = threading.Event()
    cred = SyncCredential(srv.url, srv.token("H1", "D1"), "H1", "D1")
    sync_thread = threading.Thread(target=runner.run_forever, args=(
        lambda: Hall.open(folder), cred, stop), kwargs={"wait": 1.0, "cap": 1.0}, daemon=True)
    sync_thread.start()
    try:
        kiosk.hall.tickets.take(OP, "newborn")
        kiosk.once()
        for _ in range(100):
            face.poll_external()
            if any(c.tickets for c in heard):
                break
            threading.Event().wait(0.1)
        assert any(c.tickets and c.source == "external" for c in heard)
        assert [t.number for t in face.tickets.list()] == ["A001"]
    finally:
        stop.set()
        sync_thread.join(15)
        face.close()


def test_free_text_rests_sealed_on_the_hub(make_server, make_terminal) -> None:
    srv = make_server()
    desk = make_terminal(srv.url, srv.token("H1", "D1"), "D1", lease_series=("A",))
    hall = desk.hall
    person = Applicant.from_id(hall.core.index_key, NAME, ID_NUMBER, verified=True)
    t = hall.tickets.take(hall.kiosk(), "newborn").value
    hall.tickets.call_next(CLERK, "1")
    hall.cases.refuse(CLERK, "newborn", person, [f"{NAME}({ID_NUMBER})电话{PHONE}材料不全"],
                      ticket=t.id)
    hall.tickets.done(CLERK, t.id)
    hall.ratings.rate(hall.kiosk(), t.id, 1, f"我是{NAME},电话{PHONE}")
    desk.once()
    with srv.engine.connect() as conn:
        stored = [r.payload for r in conn.execute(select(events.c.payload))]
    assert len(stored) >= 5
    text = json.dumps(stored, ensure_ascii=False)
    for needle in (NAME, ID_NUMBER, PHONE, ID_NUMBER[6:14]):
        assert needle not in text
