"""A hub stopping with terminals connected: their held long-polls answer at once (with what they
have) instead of being cancelled at the end of the graceful shutdown, which logged an ASGI
CancelledError traceback per terminal into the journal."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import httpx
import pytest

from sync.server import db
from sync.wire import API
from tests.sync.conftest import RunningServer


def test_stop_answers_held_long_polls_without_a_traceback(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    hub = RunningServer(tmp_path / "hub", db.database_url(tmp_path / "hub", None), "hub")
    token = hub.token("H1", "K1")
    answers: list[httpx.Response] = []

    def poll() -> None:
        answers.append(httpx.get(f"{hub.url}{API}/sync/pull", params={"wait": 55},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=60))

    poller = threading.Thread(target=poll)
    poller.start()
    notifier = hub.app.state.sync.notifier
    deadline = time.monotonic() + 20
    while notifier.polling("H1") == 0:  # the poll is held on the hub
        assert time.monotonic() < deadline and poller.is_alive(), "the poll never waited"
        time.sleep(0.01)
    caplog.set_level(logging.ERROR)
    hub.stop()
    poller.join(15)
    # answered (empty) within the graceful shutdown; cut off at its end it would be no answer
    assert [a.status_code for a in answers] == [200]
    assert answers[0].json()["events"] == []
    problems = [r for r in caplog.records if "Cancelled" in r.getMessage()
                or (r.exc_info and r.exc_info[0] is not None)]
    assert problems == [], [r.getMessage() for r in problems]
