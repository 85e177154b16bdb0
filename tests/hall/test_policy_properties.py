"""Properties of calling, over random days of taking, calling, serving and recalling."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall.app import Hall
from hall.catalog import load_catalog
from hall.config import CallPolicy, TerminalConfig
from hall.core import Core
from hall.errors import DomainError
from hall.store import Store
from hall.store.projections import digest, rebuild
from tests.conftest import OP, FakeClock

CATALOG = load_catalog()
SERVICES = ["newborn", "retirement", "restaurant_opening"]
WINDOWS = {"1": None, "2": ["newborn", "retirement"], "3": ["restaurant_opening"]}
MAX_WAIT_MIN = 20

ops = st.lists(
    st.one_of(
        st.tuples(st.just("take"), st.sampled_from(SERVICES),
                  st.sampled_from(["regular", "regular", "elder", "pregnant"])),
        st.tuples(st.just("call"), st.sampled_from(list(WINDOWS))),
        st.tuples(st.just("finish"), st.sampled_from(list(WINDOWS)),
                  st.sampled_from(["done", "recall", "no_show", "park"])),
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=900)),
    ),
    max_size=60,
)
policies = st.builds(CallPolicy, mode=st.sampled_from(["strict", "interleave"]),
                     regular_per_priority=st.integers(1, 3),
                     max_wait_minutes=st.just(MAX_WAIT_MIN), recall_limit=st.integers(0, 2))


def eligible_waiting(hall: Hall, window: str) -> list[tuple[str, int]]:
    rows = hall.core.store.conn.execute(
        "SELECT ticket_id, issued_ms, service_id, target_window FROM tickets "
        "WHERE status = 'waiting'").fetchall()
    services = WINDOWS[window]
    return [(r[0], r[1]) for r in rows
            if (services is None or r[2] in services) and r[3] in (None, window)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=ops, policy=policies)
def test_calling_properties(script: list[tuple], policy: CallPolicy) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
        hall = Hall(Core(Store.open(Path(tmp)), TerminalConfig("H1", "K3", policy=policy),
                           CATALOG, wall=clock, index_key=b"k" * 32))
        try:
            for window, services in WINDOWS.items():
                hall.windows.configure(OP, window, services)
            run(hall, clock, script)
            check_numbers_unique(hall)
            before = digest(hall.core.store.conn)
            with hall.core.write() as conn:
                rebuild(conn)
            assert digest(hall.core.store.conn) == before  # replay gives the same tables
        finally:
            hall.core.store.close()


def run(hall: Hall, clock: FakeClock, script: list[tuple]) -> None:
    for op in script:
        if op[0] == "take":
            hall.tickets.take(OP, op[1], op[2])
        elif op[0] == "wait":
            clock.advance(op[1])
        elif op[0] == "call":
            call_and_check(hall, clock, op[1])
        else:
            finish(hall, op[1], op[2])
        held = hall.core.store.conn.execute(
            "SELECT window, COUNT(*) FROM tickets WHERE status IN ('called', 'serving') "
            "GROUP BY window").fetchall()
        assert all(n == 1 for _, n in held), held  # no window holds two, no ticket two windows


def call_and_check(hall: Hall, clock: FakeClock, window: str) -> None:
    waiting = eligible_waiting(hall, window)
    try:
        t = hall.tickets.call_next(OP, window).value
    except DomainError as exc:
        assert exc.code in ("nothing_waiting", "window_busy")
        if exc.code == "nothing_waiting":
            assert not waiting
        return
    assert t.id in {w[0] for w in waiting}
    now_ms = int(clock.now.timestamp() * 1000)
    overdue = [w for w in waiting if now_ms - w[1] >= MAX_WAIT_MIN * 60_000]
    if overdue:  # a ticket past the maximum wait is never passed over
        assert t.issued_ms == min(w[1] for w in overdue)


def finish(hall: Hall, window: str, how: str) -> None:
    row = hall.core.store.conn.execute(
        "SELECT ticket_id FROM tickets WHERE window = ? AND status IN ('called', 'serving')",
        (window,)).fetchone()
    if row is None:
        return
    {"done": hall.tickets.done, "recall": hall.tickets.recall, "no_show": hall.tickets.no_show,
     "park": hall.tickets.park}[how](OP, row[0])


def check_numbers_unique(hall: Hall) -> None:
    rows = hall.core.store.conn.execute("SELECT day, label FROM tickets").fetchall()
    assert len(rows) == len(set(rows))


@settings(max_examples=30, deadline=None)
@given(kinds=st.lists(st.sampled_from(["regular", "elder"]), min_size=1, max_size=30),
       windows=st.integers(1, 3), service_s=st.integers(60, 300))
def test_every_ticket_called_within_max_wait_when_windows_keep_up(
    kinds: list[str], windows: int, service_s: int
) -> None:
    """When windows keep serving and arrivals do not outrun them, nobody waits past the max."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
        policy = CallPolicy(mode="strict", max_wait_minutes=MAX_WAIT_MIN)
        hall = Hall(Core(Store.open(Path(tmp)), TerminalConfig("H1", "K3", policy=policy),
                           CATALOG, wall=clock, index_key=b"k" * 32))
        try:
            gap = service_s / windows  # arrivals no faster than the windows serve
            for kind in kinds:
                hall.tickets.take(OP, "newborn", kind)
                clock.advance(gap)
                for w in range(windows):
                    finish(hall, str(w + 1), "done")
                    with contextlib.suppress(DomainError):
                        hall.tickets.call_next(OP, str(w + 1))
            for _ in range(len(kinds)):
                clock.advance(service_s)
                for w in range(windows):
                    finish(hall, str(w + 1), "done")
                    with contextlib.suppress(DomainError):
                        hall.tickets.call_next(OP, str(w + 1))
            waits = hall.core.store.conn.execute(
                "SELECT first_called_ms - issued_ms FROM tickets").fetchall()
            assert all(w is not None and w <= MAX_WAIT_MIN * 60_000 for (w,) in waits)
        finally:
            hall.core.store.close()
