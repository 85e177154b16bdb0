"""Ticket numbers: a series per service group, reset at the hall's local midnight.

Every terminal is a member of its hall unless set up `--standalone`. A standalone station (a
village station with no hub) counts plainly: A001, A002, … A member issues from blocks its hub
leases to it, so issuing never waits on the network; with no block left (or before it ever met
its hub) it issues from its own fallback series, `A-<terminal id>-001`, which no other terminal
of the hall can issue: distinct terminal ids give distinct series. On the day a terminal is
restored from a backup, its fallback series is a fresh one (`A-K3~1-001`) and the blocks it knew
are retired (hall/restore_guard.py).

Should two tickets still share a number (plain numbers of standalone stations that later join a
hub), both are kept: `label_shared_number` gives every one but the first a label of its own,
`C001·T2`, by a rule that depends only on the tickets, so every terminal, the hub and the display
agree whatever order the events arrived in.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hall.config import TerminalConfig
from hall.timefmt import next_day, previous_day

if TYPE_CHECKING:
    from hall.restore_guard import RestoreGuard

MARK = "·"  # between a shared number and the terminal that issued the later copy: C001·T2
_PLAIN = re.compile(r"^([A-Z])(\d+)$")


@dataclass(frozen=True)
class Number:
    series: str  # "A", or "A-K3" for a terminal's fallback series
    number: int
    leased: bool

    @property
    def label(self) -> str:
        return plain_label(self.series, self.number)


def plain_label(series: str, number: int) -> str:
    """The number as printed on the ticket: A001, or A-K3-001 in a fallback series."""
    return f"{series}-{number:03d}" if "-" in series else f"{series}{number:03d}"


def parse_label(text: str) -> tuple[str, int] | None:
    """(series, number) of a printed number, or None. The number follows the last '-' of a
    fallback series, so a terminal id with '-' in it still parses."""
    text = text.strip()
    plain = _PLAIN.match(text.upper())
    if plain:
        return plain.group(1), int(plain.group(2))
    series, dash, digits = text.rpartition("-")
    if dash and series and digits.isdigit() and series[:1].isalpha() and series[1:2] == "-":
        return series[0].upper() + series[1:], int(digits)
    return None


def fallback_series(letter: str, code: str) -> str:
    return f"{letter}-{code}"


# How far ahead of the local calendar day the hall's day may run: a change of timezone moves the
# local date by at most 26 hours (UTC+14 to UTC-12), so two days; a ticket further ahead (a clock
# set years wrong) does not drag the hall's day along.
MAX_DAYS_AHEAD = 2
IN_QUEUE = ("waiting", "parked")  # a ticket the day before still in these keeps its number


def hall_day(conn: sqlite3.Connection, local: str) -> str:
    """The day the hall issues and calls on: the local calendar day in the configured timezone,
    but never earlier than the latest day a ticket of the hall was issued on (at most
    MAX_DAYS_AHEAD ahead). Setting the timezone back (Asia/Shanghai to America/Los_Angeles
    moves the local date back to yesterday) keeps the hall on the day its tickets were issued,
    so its numbers continue and its waiting tickets stay in the queue, instead of a second A001
    on a day gone by. The day of a ticket is fixed when it is issued."""
    limit = local
    for _ in range(MAX_DAYS_AHEAD):
        limit = next_day(limit)
    row = conn.execute("SELECT MAX(day) FROM tickets WHERE day > ? AND day <= ?",
                       (local, limit)).fetchone()
    return str(row[0]) if row is not None and row[0] else local


def carried_over(conn: sqlite3.Connection, hall_id: str, day: str, series: str) -> int:
    """The highest number of `series` issued the day before `day`, while a ticket of that day
    and series still waits (or is parked); 0 otherwise. A day's numbers start after it, so no
    number is issued twice while its first holder can still be called: after a timezone change
    that moves the date forward mid-day, or a day whose queue was left open overnight (a day
    that was closed, its queue emptied, starts at 001)."""
    before = previous_day(day)
    row = conn.execute(
        "SELECT MAX(number) FROM tickets WHERE hall_id = ? AND day = ? AND series = ? AND EXISTS "
        "(SELECT 1 FROM tickets WHERE hall_id = ? AND day = ? AND series = ? "
        f"AND status IN {IN_QUEUE!r})",
        (hall_id, before, series, hall_id, before, series)).fetchone()
    return int(row[0] or 0) if row is not None else 0


def _restore_guard(conn: sqlite3.Connection) -> RestoreGuard | None:
    """The guard of a restored store, if any (its module loaded only then: off `ticket take`'s
    start for every store never restored)."""
    if conn.execute("SELECT 1 FROM meta WHERE key = 'restored'").fetchone() is None:
        return None
    from hall import restore_guard

    return restore_guard.load(conn)


def _counter(conn: sqlite3.Connection, day: str, series: str) -> int:
    row = conn.execute(
        "SELECT next FROM number_counters WHERE day = ? AND series = ?", (day, series)
    ).fetchone()
    return 1 if row is None else int(row[0])


def allocate(conn: sqlite3.Connection, config: TerminalConfig, day: str, letter: str) -> Number:
    """The next number for a ticket of `letter` on `day`; the caller's TicketIssued event
    advances the counters, in the same transaction."""
    hall = config.hall_id
    if config.numbering == "standalone":
        start = 1 + carried_over(conn, hall, day, letter)
        return Number(letter, max(_counter(conn, day, letter), start), leased=False)
    # A store restored today issues nothing the old PC may have issued (hall/restore_guard.py).
    guard = _restore_guard(conn)
    blocks = conn.execute(
        "SELECT next, last, first FROM number_leases WHERE day = ? AND series = ? "
        "AND next <= last ORDER BY first",
        (day, letter),
    ).fetchall()
    start = 1 + carried_over(conn, hall, day, letter) if blocks else 1
    for nxt, last, first in blocks:
        if guard is not None and not guard.usable(day, letter, int(first)):
            continue
        free = _first_free(conn, hall, day, letter, max(int(nxt), start), int(last))
        if free is not None:
            return Number(letter, free, leased=True)
    code = config.fallback_code if guard is None else guard.fallback_code(config.fallback_code,
                                                                           day)
    series = fallback_series(letter, code)
    start = 1 + carried_over(conn, hall, day, series)
    return Number(series, max(_counter(conn, day, series), start), leased=False)


def _first_free(conn: sqlite3.Connection, hall_id: str, day: str, series: str, first: int,
                last: int) -> int | None:
    """The lowest number of first..last no known ticket holds. A block can overlap plain numbers
    a standalone station issued before it joined the hub (its own, or pulled from another):
    those are skipped, never issued twice by this terminal."""
    held = conn.execute(
        "SELECT DISTINCT number FROM tickets WHERE hall_id = ? AND day = ? AND series = ? "
        "AND number BETWEEN ? AND ? ORDER BY number",
        (hall_id, day, series, first, last),
    ).fetchall()
    candidate = first
    for (number,) in held:
        if number != candidate:
            break
        candidate += 1
    return candidate if candidate <= last else None


def lease_remaining(conn: sqlite3.Connection, day: str, letter: str) -> int:
    """Numbers left in the blocks this terminal may issue from: not those a day carried over
    skips (see carried_over), nor retired ones (a restore)."""
    hall = conn.execute("SELECT value FROM meta WHERE key = 'hall_id'").fetchone()
    start = 1 + carried_over(conn, str(hall[0]), day, letter) if hall is not None else 1
    guard = _restore_guard(conn)
    rows = conn.execute(
        "SELECT first, last - MAX(next, ?) + 1 FROM number_leases "
        "WHERE day = ? AND series = ? AND MAX(next, ?) <= last",
        (start, day, letter, start),
    ).fetchall()
    return sum(int(left) for first, left in rows
               if guard is None or guard.usable(day, letter, int(first)))


def label_shared_number(conn: sqlite3.Connection, hall_id: str, day: str, series: str,
                        number: int) -> list[str]:
    """Give the tickets that share one number labels apart; returns their labels, first the one
    that keeps the plain label (empty when the number is not shared).

    The rule depends only on the tickets: the earliest issued (issue time, then issuing terminal,
    then ticket id) keeps `C001`; every other copy becomes `C001·<its terminal>` (and `·2`, `·3`
    should one terminal hold several copies). The printed number still finds each of them
    (hall/ticket_views.find)."""
    rows = conn.execute(
        "SELECT ticket_id, issued_ms, issuing_terminal, label FROM tickets "
        "WHERE hall_id = ? AND day = ? AND series = ? AND number = ?",
        (hall_id, day, series, number),
    ).fetchall()
    if len(rows) < 2:
        return []
    rows.sort(key=lambda r: (int(r[1]), str(r[2]), str(r[0])))
    plain = plain_label(series, number)
    wanted: list[tuple[str, str, str]] = [(rows[0][0], plain, rows[0][3])]
    seen: dict[str, int] = {}
    for ticket_id, _ms, terminal, current in rows[1:]:
        seen[terminal] = seen.get(terminal, 0) + 1
        extra = "" if seen[terminal] == 1 else f"{MARK}{seen[terminal]}"
        wanted.append((ticket_id, f"{plain}{MARK}{terminal}{extra}", current))
    for ticket_id, label, current in wanted:
        if label != current:
            conn.execute("UPDATE tickets SET label = ? WHERE ticket_id = ?", (label, ticket_id))
    return [label for _id, label, _current in wanted]
