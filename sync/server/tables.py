"""Server tables (SQLAlchemy Core): one schema for SQLite (a hub) and PostgreSQL (central)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

from hall.store.schema import event_columns

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants 64 bits.
Pos = BigInteger().with_variant(Integer, "sqlite")

metadata = MetaData()

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# Every event of every terminal; `pos` is the arrival order and the pull cursor.
events = Table(
    "events",
    metadata,
    *event_columns(Pos),
    Column("received_ms", BigInteger, nullable=False),
    # Who pushed it: the terminal itself, the hall's hub on the central platform, or
    # UPSTREAM on a hub for what it pulled from the central platform (never forwarded back).
    Column("pushed_by", Text),
    UniqueConstraint("hall_id", "terminal_id", "terminal_seq", name="uq_server_events_seq"),
)
Index("ix_server_events_hall_pos", events.c.hall_id, events.c.pos)

# Refused events, with the reason; they count as consumed so the queue behind them moves on.
dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Pos, primary_key=True, autoincrement=True),
    Column("hall_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("terminal_seq", BigInteger),
    Column("event_id", Text),
    Column("type", Text),
    Column("reason", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
)
Index("ix_dead_letters_terminal", dead_letters.c.hall_id, dead_letters.c.terminal_id,
      dead_letters.c.terminal_seq)

# Bearer credentials, hashed (SHA-256 of 256 random bits) so a copy of the table opens nothing.
credentials = Table(
    "credentials",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("hall_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("scope", Text),  # "hub": may push events of any terminal of its hall; else terminal
    # desk | kiosk | display (hall/event_rules.py: what each may emit); NULL: desk (enrolled
    # before roles existed)
    Column("role", Text),
    # a rating pad's (rater) window, bound at its enrolment: it rates that window's visits only
    Column("window", Text),
)

# A terminal's credentials: revoking it, enrolling it again, and `serve status` per hall.
Index("ix_credentials_terminal", credentials.c.hall_id, credentials.c.terminal_id)

enroll_codes = Table(
    "enroll_codes",
    metadata,
    Column("code_hash", Text, primary_key=True),
    Column("hall_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("used_ms", BigInteger),
    Column("scope", Text),
    Column("role", Text),  # the role the credential it buys gets (NULL: desk)
    Column("window", Text),  # a rater's window, passed on to its credential
)

# The next unleased number of a hall's series on a day.
number_blocks = Table(
    "number_blocks",
    metadata,
    Column("hall_id", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("next", Integer, nullable=False),
    PrimaryKeyConstraint("hall_id", "day", "series"),
)

# Every block granted, by the client's request id: a retried request (its answer was lost) gets
# the same block again, so a granted block is always the one its terminal records.
lease_grants = Table(
    "lease_grants",
    metadata,
    Column("hall_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("request_id", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("first", Integer, nullable=False),
    Column("last", Integer, nullable=False),
    Column("granted_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("hall_id", "terminal_id", "request_id"),
)

# Cases whose personal data a PersonalDataPurged event erased (sync/server/purge.py).
purged_cases = Table(
    "purged_cases",
    metadata,
    Column("hall_id", Text, nullable=False),
    Column("case_id", Text, nullable=False),
    PrimaryKeyConstraint("hall_id", "case_id"),
)

# Used code ids of the verify endpoint (keyed hashes), until they expire: a code shown twice is
# refused, across server restarts too.
code_seen = Table(
    "code_seen",
    metadata,
    Column("jti_hash", Text, primary_key=True),
    Column("expires_at", BigInteger, nullable=False),
)

UPSTREAM = "^upstream"  # not a valid terminal id, so no terminal can be mistaken for it

# How far each terminal (or hub) has shown it holds its hall's log: the cursor of its last pull
# that asked beyond a position (it holds every event of its hall up to there), written at most
# once a minute (log.pull). Retention (sync/server/retention.py) never deletes past the lowest
# mark of a hall's terminals that pulled within the kept days.
pull_marks = Table(
    "pull_marks",
    metadata,
    Column("hall_id", Text, nullable=False),
    Column("terminal_id", Text, nullable=False),
    Column("pos", BigInteger, nullable=False),
    Column("pulled_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("hall_id", "terminal_id"),
)
