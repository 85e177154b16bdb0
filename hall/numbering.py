"""Ticket numbers: a series per service group, reset at the hall's local midnight.

(hall, day, series, number) is unique everywhere. A standalone terminal (its own hub) counts
plainly: A001, A002, … A hall member issues from blocks its hub leases to it, so issuing never
waits on the network; with no block left it falls back to its own series (A-K3-001), which no
other terminal can issue, and numbers are never reused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from hall.config import TerminalConfig


@dataclass(frozen=True)
class Number:
    series: str  # "A", or "A-K3" for a terminal's fallback series
    number: int
    leased: bool

    @property
    def label(self) -> str:
        return f"{self.series}{self.number:03d}" if "-" not in self.series else (
            f"{self.series}-{self.number:03d}"
        )


def fallback_series(letter: str, short_code: str) -> str:
    return f"{letter}-{short_code}"


def _counter(conn: sqlite3.Connection, day: str, series: str) -> int:
    row = conn.execute(
        "SELECT next FROM number_counters WHERE day = ? AND series = ?", (day, series)
    ).fetchone()
    return 1 if row is None else int(row[0])


def allocate(conn: sqlite3.Connection, config: TerminalConfig, day: str, letter: str) -> Number:
    """The next number for a ticket of `letter` on `day`; the caller's TicketIssued event
    advances the counters, in the same transaction."""
    if config.numbering == "standalone":
        return Number(letter, _counter(conn, day, letter), leased=False)
    row = conn.execute(
        "SELECT next FROM number_leases WHERE day = ? AND series = ? AND next <= last "
        "ORDER BY first LIMIT 1",
        (day, letter),
    ).fetchone()
    if row is not None:
        return Number(letter, int(row[0]), leased=True)
    series = fallback_series(letter, config.short_code)
    return Number(series, _counter(conn, day, series), leased=False)


def lease_remaining(conn: sqlite3.Connection, day: str, letter: str) -> int:
    row = conn.execute(
        "SELECT COALESCE(SUM(last - next + 1), 0) FROM number_leases "
        "WHERE day = ? AND series = ? AND next <= last",
        (day, letter),
    ).fetchone()
    return int(row[0])
