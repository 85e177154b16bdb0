"""The hybrid logical clock: packing, monotonic ticks, skewed peers, one clock per store."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from hall.app import Hall
from hall.catalog import load_catalog
from hall.clock import LOGICAL_MASK, HybridLogicalClock, for_store, pack, to_ms, unpack
from hall.config import TerminalConfig
from hall.core import Core
from hall.events import Event, EventType
from hall.ids import new_id
from hall.store import Store
from hall.store.eventlog import insert, max_hlc
from tests.conftest import OP, FakeClock

MS = st.integers(min_value=0, max_value=(1 << 46) - 1)
LOGICAL = st.integers(min_value=0, max_value=LOGICAL_MASK)


@given(MS, LOGICAL)
def test_pack_unpack_round_trip(ms: int, logical: int) -> None:
    assert unpack(pack(ms, logical)) == (ms, logical)


@given(MS, LOGICAL, MS, LOGICAL)
def test_packed_order_is_time_then_counter(a_ms: int, a_l: int, b_ms: int, b_l: int) -> None:
    assert (pack(a_ms, a_l) < pack(b_ms, b_l)) == ((a_ms, a_l) < (b_ms, b_l))


def _clock(start: datetime) -> FakeClock:
    return FakeClock(start)


@given(st.lists(st.integers(min_value=-5_000, max_value=5_000), min_size=1, max_size=60))
def test_ticks_never_go_back_whatever_the_wall_does(steps: list[int]) -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    hlc = HybridLogicalClock(wall)
    seen = [hlc.tick()]
    for step in steps:
        wall.advance(milliseconds=step)
        seen.append(hlc.tick())
    assert all(a < b for a, b in itertools.pairwise(seen))


def test_a_tick_follows_the_wall_when_it_moves_on() -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    hlc = HybridLogicalClock(wall)
    first = hlc.tick()
    assert unpack(first) == (to_ms(wall()), 0)
    assert unpack(hlc.tick()) == (to_ms(wall()), 1)  # same millisecond: the counter
    wall.advance(0.005)
    assert unpack(hlc.tick()) == (to_ms(wall()), 0)


def test_a_peer_ahead_moves_the_clock_past_it() -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    hlc = HybridLogicalClock(wall)
    remote = pack(to_ms(wall() + timedelta(minutes=4)), 7)  # a terminal 4 minutes fast
    merged = hlc.observe(remote)
    assert merged > remote and unpack(merged) == (unpack(remote)[0], 8)
    assert hlc.tick() > merged  # local events after the pull sort after it
    wall.advance(minutes=5)  # once the wall passes the peer, ticks are wall time again
    assert unpack(hlc.tick()) == (to_ms(wall()), 0)


def test_a_peer_behind_changes_nothing_but_the_counter() -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    hlc = HybridLogicalClock(wall)
    now = hlc.tick()
    merged = hlc.observe(pack(to_ms(wall()) - 600_000, 3))  # 10 minutes slow
    assert merged == now + 1


def test_a_full_counter_carries_into_the_next_millisecond() -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    ms = to_ms(wall())
    hlc = HybridLogicalClock(wall, pack(ms, LOGICAL_MASK))
    assert unpack(hlc.tick()) == (ms + 1, 0)
    hlc = HybridLogicalClock(wall)
    assert unpack(hlc.observe(pack(ms, LOGICAL_MASK))) == (ms + 1, 0)


def test_one_clock_per_store_per_process(tmp_path: Path) -> None:
    """The sync thread's hall absorbs a peer's event stamped ahead; the face's hall (another
    Hall on the same store, in the same process) stamps its next event after it."""
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    cfg = TerminalConfig("H1", "K3", numbering="standalone")
    face = Hall(Core(Store.open(tmp_path), cfg, load_catalog(), wall=wall))
    syncer = Hall(Core(Store.open(tmp_path), cfg, load_catalog(), wall=wall))
    try:
        ahead = pack(to_ms(wall() + timedelta(minutes=3)), 0)
        with syncer.core.store.write() as conn:  # what sync/client.pull does with a page
            insert(conn, Event(new_id(), "H1", "K9", 1, ahead, EventType.WINDOW_CONFIGURED,
                               {"window": "9", "services": None}))
            syncer.core.hlc.observe(ahead)
        face.tickets.take(OP, "newborn")
        assert max_hlc(face.core.conn) > ahead
        last = face.core.conn.execute(
            "SELECT hlc FROM events WHERE terminal_id = 'K3' ORDER BY terminal_seq DESC").fetchone()
        assert last[0] > ahead
    finally:
        face.close()
        syncer.close()


def test_a_reopened_store_starts_past_its_log(tmp_path: Path) -> None:
    wall = _clock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    ahead = pack(to_ms(wall() + timedelta(minutes=2)), 5)
    store = Store.open(tmp_path)
    with store.write() as conn:
        insert(conn, Event(new_id(), "H1", "K9", 1, ahead, EventType.WINDOW_CONFIGURED,
                           {"window": "9", "services": None}))
    clock = for_store(store.path, wall, max_hlc(store.conn))
    assert clock.tick() > ahead
    store.close()
