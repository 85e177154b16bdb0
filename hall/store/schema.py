"""Tables of the terminal store: the event log, and the projections rebuilt from it.

The migrations under `migrations/` create these tables; `tests/hall/test_migrations.py` checks that
the migrated database and this metadata agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)



def event_columns(pos_type: Any = Integer) -> list[Column[Any]]:
    """The columns of an event log, shared by a terminal's store and the sync server's."""
    return [
        Column("pos", pos_type, primary_key=True, autoincrement=True),
        Column("event_id", Text, nullable=False, unique=True),
        Column("hall_id", Text, nullable=False),
        Column("terminal_id", Text, nullable=False),
        Column("terminal_seq", BigInteger, nullable=False),
        Column("hlc", BigInteger, nullable=False),
        Column("type", Text, nullable=False),
        Column("schema_version", Integer, nullable=False),
        Column("payload", Text, nullable=False),
    ]


# The log. `pos` is the local arrival order, which is also the replay order of a rebuild.
events = Table(
    "events",
    metadata,
    *event_columns(),
    UniqueConstraint("terminal_id", "terminal_seq", name="uq_events_terminal_seq"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", Text, primary_key=True),
    Column("hall_id", Text, nullable=False),
    Column("day", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("number", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("service_id", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("urgent", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("issuing_terminal", Text, nullable=False),
    Column("issued_ms", BigInteger, nullable=False),
    Column("appointment_ms", BigInteger),
    Column("window", Text),
    Column("target_window", Text),
    Column("called_ms", BigInteger),
    Column("first_called_ms", BigInteger),
    Column("started_ms", BigInteger),
    Column("done_ms", BigInteger),
    Column("recalls", Integer, nullable=False, server_default=text("0")),
    Column("outcome_window", Text),
    Column("served_by", Text),
    # when the clerk asked for this visit's rating (RatingAsked, 请评价): hall/ratings.asked reads
    # it by the ticket's key (migration 0010; before, a scan of the last 5000 events)
    Column("asked_ms", BigInteger),
    # (hall, day, series, number) is not unique: two terminals may have issued one number
    # offline; both tickets are kept and labelled apart (hall/numbering.py, migration 0004).
    # WITHOUT ROWID (migration 0006): the rows live in the ticket_id b-tree itself, one b-tree
    # less to write per ticket than a rowid table with its primary-key index.
    sqlite_with_rowid=False,
)
# Every index of the tickets is one more page written per change; each one serves a query of the
# hot path (tests/hall/test_query_plans.py checks their plans):
# - the waiting tickets, in calling order per urgency, covering what the call filters on: the one
#   call-next query (hall/call_choice.py), the people ahead (hall/ticket_views.ahead_of). Partial: a
#   ticket enters at issue and leaves at its call, so the index holds the queue, not the history.
Index(
    "ix_tickets_waiting",
    tickets.c.urgent,
    tickets.c.issued_ms,
    tickets.c.ticket_id,
    tickets.c.day,
    tickets.c.service_id,
    tickets.c.target_window,
    tickets.c.appointment_ms,
    sqlite_where=tickets.c.status == "waiting",
    postgresql_where=tickets.c.status == "waiting",
)
# - the ticket a window holds (window busy, the call screen): partial, the tickets being served.
Index(
    "ix_tickets_at_window",
    tickets.c.window,
    sqlite_where=text("status IN ('called', 'serving')"),
    postgresql_where=text("status IN ('called', 'serving')"),
)
# - numbers of a day and series (numbering, shared numbers, finding a ticket by its label's
#   number), and by its first column every query of one day (lists, figures).
Index("ix_tickets_number", tickets.c.day, tickets.c.series, tickets.c.number, tickets.c.hall_id)
Index("ix_events_hlc", events.c.hlc)

number_counters = Table(
    "number_counters",
    metadata,
    Column("day", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("next", Integer, nullable=False),
    PrimaryKeyConstraint("day", "series"),
)

number_leases = Table(
    "number_leases",
    metadata,
    Column("day", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("first", Integer, nullable=False),
    Column("last", Integer, nullable=False),
    Column("next", Integer, nullable=False),
    PrimaryKeyConstraint("day", "series", "first"),
)

windows = Table(
    "windows",
    metadata,
    Column("window", Text, primary_key=True),
    Column("services", Text, nullable=False),
    # Regular tickets called since the last priority one: drives interleaving (k regular : 1).
    Column("regular_streak", Integer, nullable=False, server_default=text("0")),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", Text, primary_key=True),
    Column("case_number", Text, nullable=False, unique=True),
    Column("service_id", Text, nullable=False),
    Column("ticket_id", Text),
    Column("status", Text, nullable=False),
    Column("applicant_masked", Text, nullable=False),
    Column("applicant_key", Text, nullable=False),
    Column("reasons", Text),
    Column("accepted_ms", BigInteger, nullable=False),
    Column("completed_ms", BigInteger),
    Column("delivered_ms", BigInteger),
    Column("delivery_channel", Text),
    Column("promised", Text),
    Column("assisted", Integer, nullable=False, server_default=text("0")),
    Column("delivery_tracking", Text),
    Column("accepted_by", Text),
    Column("note", Text),
    Column("origin_hall", Text),  # a part that travelled here: the hall it came from
    Column("origin_case", Text),  # and its case number there
    # 跨域通办: how the materials went to the deciding hall, and when they arrived there
    Column("materials_via", Text),  # ems | electronic
    Column("materials_tracking", Text),  # the EMS tracking number
    Column("materials_sent_ms", BigInteger),
    Column("materials_arrived_ms", BigInteger),
)
Index("ix_cases_applicant", cases.c.applicant_key)

case_materials = Table(
    "case_materials",
    metadata,
    Column("case_id", Text, nullable=False),
    Column("material", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("promise", Text),
    Column("due", Text),
    Column("licence", Text),
    Column("supplied_ms", BigInteger),
    PrimaryKeyConstraint("case_id", "material"),
)

case_steps = Table(
    "case_steps",
    metadata,
    Column("case_id", Text, nullable=False),
    Column("step", Integer, nullable=False),
    Column("department", Text, nullable=False),
    Column("matter", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("due", Text),
    Column("decided_ms", BigInteger),
    Column("received_ms", BigInteger),  # 签收
    Column("correction_ms", BigInteger),  # 补正 asked: the clock stops until it is handed in
    Column("note", Text),  # sealed: the reasons of 不予许可, or what a 补正 asks for
    Column("bring", Text),  # JSON list of catalog materials a 补正 asks for (plain: no one's data)
    Column("hall", Text),  # the hall that decides this part (NULL: this one; hall/travel.py)
    Column("heard_ms", BigInteger),  # when that hall's news on it was last heard
    PrimaryKeyConstraint("case_id", "step"),
)

help_requests = Table(
    "help_requests",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("terminal_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("ticket_id", Text),
    Column("status", Text, nullable=False),
    Column("requested_ms", BigInteger, nullable=False),
    Column("answered_by", Text),
    Column("answered_ms", BigInteger),
)

appointments = Table(
    "appointments",
    metadata,
    Column("appointment_id", Text, primary_key=True),
    Column("service_id", Text, nullable=False),
    Column("slot_ms", BigInteger, nullable=False),
    Column("day", Text, nullable=False),
    Column("holder_key", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("ticket_id", Text),
)
Index("ix_case_steps_open", case_steps.c.department, case_steps.c.due,
      sqlite_where=text("status IN ('pending', 'received', 'corrected')"))
Index("ix_appointments_holder", appointments.c.holder_key, appointments.c.day)

# A rating knows its visit (migration 0008): the window, clerk, matter and case it was given
# for, and its stage: the visit at the window, or the case's result at 出件 (rated again).
ratings = Table(
    "ratings",
    metadata,
    Column("rating_id", Text, primary_key=True),
    Column("ticket_id", Text, nullable=False),
    Column("grade", Integer, nullable=False),
    Column("text", Text),
    Column("follow_up_due", Text),
    Column("given_ms", BigInteger, nullable=False),
    Column("stage", Text, nullable=False, server_default=text("'visit'")),
    Column("window", Text),
    Column("clerk", Text),
    Column("service_id", Text),
    Column("case_id", Text),
    Column("reasons", Text),  # JSON list of the fixed 差评 reasons (no typed text)
    UniqueConstraint("ticket_id", "stage", name="uq_ratings_ticket_stage"),
)

# 差评整改 (hall/follow_ups.py): one per 差评, its steps projected from FollowUpStep events.
follow_ups = Table(
    "follow_ups",
    metadata,
    Column("rating_id", Text, primary_key=True),
    Column("follow_up_id", Text, nullable=False, unique=True),
    Column("due", Text, nullable=False),
    Column("assignee", Text),  # an account or a department; NULL: the hall's supervisors
    Column("state", Text, nullable=False),  # open | assigned | acted | revisited | closed
    Column("action", Text),  # sealed
    Column("revisit", Text),  # satisfied | unsatisfied
    Column("note", Text),  # sealed
    Column("escalated", Integer, nullable=False, server_default=text("0")),
    Column("redone", Integer, nullable=False, server_default=text("0")),
    Column("opened_ms", BigInteger, nullable=False),
    Column("closed_ms", BigInteger),
)

# Sync bookkeeping (migration 0002): never projections, a rebuild keeps them.
sync_state = Table(
    "sync_state",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

sync_rejected = Table(
    "sync_rejected",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("terminal_seq", BigInteger, nullable=False),
    Column("type", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("rejected_ms", BigInteger, nullable=False),
)

sync_conflicts = Table(
    "sync_conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("ticket_id", Text),
    Column("detail", Text, nullable=False),
    Column("detected_ms", BigInteger, nullable=False),
    UniqueConstraint("event_id", "kind", name="uq_sync_conflicts_event"),
)

# Everything a rebuild clears and replays; the log and meta are never projections.
PROJECTIONS: tuple[Table, ...] = (
    tickets,
    number_counters,
    number_leases,
    windows,
    cases,
    case_materials,
    case_steps,
    ratings,
    follow_ups,
    help_requests,
    appointments,
)
