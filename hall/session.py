"""A session: the hall as one actor sees it. The faces and the CLI act only through one.

A session is made by the hall, never by a face: signing in (`Hall.sign_in`), the kiosk's own
identity (`Hall.kiosk_session`), the call screen's (`Hall.display_session`), the technician's PIN
(`Hall.technician_session`) and the local operator (`Hall.operator_session`). Its actor is fixed
for its life (no setter; `Actor` itself cannot be built outside the hall: hall/actors.py), so a
face can neither forge an actor nor swap one into a session.

It offers the hall's commands with the actor bound (`session.tickets.call_next("3")` is
`hall.tickets.call_next(actor, "3")`, typed the same), the typed reads (`sync_status()`), and
the permission check with its audited refusal (`require`) for what a caller must know before it
starts (the CLI reads a card only once the case would be allowed). Each command still checks its
own permission in the hall, before it reads or writes anything.

    session = hall.sign_in("li.na", password, window="3")
    ticket = session.tickets.call_next("3").value
    session.tickets.start(ticket.id)
    kiosk = hall.kiosk_session()
    kiosk.tickets.take("newborn", card=read)      # the card decides 老年人 priority
    hall.display_session().sync_status().online
    hall.sign_in("wjw1", password).parts.decide(number, 1, "approved")   # the back office
    supervisor.settings.request({"elder_age": 65})                        # the hall's settings
    hall.maintenance_session("admin", password)   # an admin's hall account at a kiosk's panel
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from hall.actors import Actor

if TYPE_CHECKING:
    from hall.app import Hall
    from hall.catalog import Catalog
    from hall.close_day import Closing, DayClosing
    from hall.core import Outcome
    from hall.stats import DayStats
    from hall.sync_status import SyncStatus

P = ParamSpec("P")
R = TypeVar("R")

_MADE_BY_HALL = object()  # only hall/app.py passes it: a session is the hall's to make


def _bound(command: Callable[Concatenate[Actor, P], R], actor: Actor) -> Callable[P, R]:
    """`command` with its actor given: the caller passes the rest, typed as the command's."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return command(actor, *args, **kwargs)

    call.__name__ = getattr(command, "__name__", "command")
    call.__doc__ = command.__doc__
    return call


class SessionTickets:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        t = hall.tickets
        self.take = _bound(t.take, actor)
        self.call_next = _bound(t.call_next, actor)
        self.call_ticket = _bound(t.call_ticket, actor)
        self.recall = _bound(t.recall, actor)
        self.start = _bound(t.start, actor)
        self.done = _bound(t.done, actor)
        self.park = _bound(t.park, actor)
        self.resume = _bound(t.resume, actor)
        self.transfer = _bound(t.transfer, actor)
        self.no_show = _bound(t.no_show, actor)
        self.cancel = _bound(t.cancel, actor)
        self.get = t.get  # a ticket by id or number: what its printed slip already says
        self.list = t.list


class SessionCases:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        c = hall.cases
        self.accept = _bound(c.accept, actor)
        self.refuse = _bound(c.refuse, actor)
        self.supply = _bound(c.supply, actor)
        self.complete = _bound(c.complete, actor)
        self.deliver = _bound(c.deliver, actor)
        self.send_materials = _bound(c.send_materials, actor)
        self.materials_arrived = _bound(c.materials_arrived, actor)
        self.get = _bound(c.get, actor)
        self.list = _bound(c.list, actor)
        self.of_ticket = _bound(c.cases_of_ticket, actor)


class SessionParts:
    """The back office (hall/parts.py): a department's 待审批 and its decisions, the window's
    补正 hand-in and 待出件, a supervisor's overdue list and reassignment."""

    def __init__(self, hall: Hall, actor: Actor) -> None:
        p = hall.parts
        self.queue = _bound(p.queue, actor)
        self.supervision = _bound(p.supervision, actor)
        self.decide = _bound(p.decide, actor)
        self.correct = _bound(p.correct, actor)
        self.reassign = _bound(p.reassign, actor)
        self.ready = _bound(p.ready, actor)
        self.owed_materials = _bound(p.owed_materials, actor)


class SessionSettings:
    """The hall's settings as this terminal runs them (any session reads them: what a kiosk
    shows on its screen) and a supervisor's change (hall/settings.py)."""

    def __init__(self, hall: Hall, actor: Actor) -> None:
        s = hall.settings
        self.request = _bound(s.request, actor)
        self.current = s.current
        self.view = s.view
        self.hours = s.hours
        self.standing = s.standing
        self.check_take = s.check_take


class SessionRatings:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        r = hall.ratings
        self.rate = _bound(r.rate, actor)
        self.ask = _bound(r.ask, actor)  # the desk's 请评价
        self.get = _bound(r.get, actor)
        self.follow_ups = _bound(r.follow_ups, actor)
        f = hall.follow_ups  # 差评整改 (hall/follow_ups.py)
        self.follow_up_list = _bound(f.list, actor)
        self.follow_up = _bound(f.get, actor)
        self.assign = _bound(f.assign, actor)
        self.act = _bound(f.act, actor)
        self.revisit = _bound(f.revisit, actor)
        self.close = _bound(f.close, actor)
        self.redo = _bound(f.redo, actor)
        # the hall's own escalation of overdue ones (by the system, once each), run before a
        # supervisor's list as `rating follow-ups` runs it; nothing for the others
        self.escalate: Callable[[], int] = (f.escalate if actor.can("follow_up")
                                            else lambda: 0)


class SessionAccounts:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        a = hall.accounts
        self.add = _bound(a.add, actor)
        self.all = _bound(a.all, actor)
        self.audit_trail = _bound(a.audit_trail, actor)
        self.reveal_applicant = _bound(a.reveal_applicant, actor)
        self.set_password = _bound(a.set_password, actor)
        self.set_technician_pin = _bound(a.set_technician_pin, actor)
        self.unlock = _bound(a.unlock, actor)
        self.disable = _bound(a.disable, actor)
        self.as_of = a.as_of  # how old this terminal's view of the hall's accounts is


class SessionCards:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        self.read = _bound(hall.cards.read, actor)
        self.read_code = _bound(hall.cards.read_code, actor)
        self.applicant = hall.cards.applicant


class SessionHelp:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        self.request = _bound(hall.help.request, actor)
        self.answer = _bound(hall.help.answer, actor)
        self.get = hall.help.get
        self.open = hall.help.open


class SessionAppointments:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        a = hall.appointments
        self.book = _bound(a.book, actor)
        self.book_slot = _bound(a.book_slot, actor)
        self.cancel = _bound(a.cancel, actor)
        self.reschedule = _bound(a.reschedule, actor)
        self.record_no_shows = _bound(a.record_no_shows, actor)
        self.check_in = _bound(a.check_in, actor)
        self.check_in_at = _bound(a.check_in_at, actor)
        self.get = a.get
        # the faces' 预约 (issue 26): a card holder's own booking, the no-show clock
        self.book_own = _bound(a.book_own, actor)
        self.sweep_no_shows = _bound(a.sweep_no_shows, actor)
        self.slots = a.slots  # the public timetable: what a booking page shows anyone
        self.open_slots = a.open_slots
        self.on_day = a.on_day
        self.due = a.due


class SessionWindows:
    def __init__(self, hall: Hall, actor: Actor) -> None:
        self.configure = _bound(hall.windows.configure, actor)
        self.get = hall.windows.get
        self.list = hall.windows.list


class SessionSlips:
    """What gets printed (hall/slips.py): built from what the session already read."""

    def __init__(self, hall: Hall) -> None:
        self.ticket_slip = hall.ticket_slip
        self.case_receipt = hall.case_receipt
        self.not_permitted_notice = hall.not_permitted_notice
        self.missing_notice = hall.missing_notice
        self.notice_slip = hall.notice_slip


class SessionAdmin:
    """What the operator and admins run on the store: the end of a day, the purge, the rebuild,
    the exports."""

    def __init__(self, hall: Hall, actor: Actor) -> None:
        self._hall, self._actor = hall, actor
        self.purge = _bound(hall.retention.purge, actor)
        self.rebuild = _bound(hall.maintenance.rebuild, actor)
        self.export_cases = _bound(hall.exports.cases, actor)
        self.export_stats = _bound(hall.exports.stats, actor)

    @property
    def closing(self) -> Closing:
        return self._hall.closing

    def close_day(self, day: str | None = None, *,
                  force: bool = False) -> Outcome[list[DayClosing]]:
        return self._hall.closing.close_day(self._actor, day, force=force)


class Session:
    """The hall as one actor sees it (module docstring). Made by the hall only."""

    __slots__ = ("_actor", "_hall", "accounts", "admin", "appointments", "cards", "cases", "help",
                 "parts", "ratings", "settings", "slips", "tickets", "windows")
    _hall: Hall
    _actor: Actor
    tickets: SessionTickets
    cases: SessionCases
    parts: SessionParts
    settings: SessionSettings
    ratings: SessionRatings
    accounts: SessionAccounts
    cards: SessionCards
    help: SessionHelp
    appointments: SessionAppointments
    windows: SessionWindows
    slips: SessionSlips
    admin: SessionAdmin

    def __init__(self, hall: Hall, actor: Actor, made_by: object) -> None:
        if made_by is not _MADE_BY_HALL:
            from hall.errors import AccessError

            raise AccessError("a session is made by the hall (sign in, the kiosk, the operator)",
                              code="forged_actor")
        fixed = object.__setattr__  # set once here; `__setattr__` refuses every later change
        fixed(self, "_hall", hall)
        fixed(self, "_actor", actor)
        fixed(self, "tickets", SessionTickets(hall, actor))
        fixed(self, "cases", SessionCases(hall, actor))
        fixed(self, "parts", SessionParts(hall, actor))
        fixed(self, "settings", SessionSettings(hall, actor))
        fixed(self, "ratings", SessionRatings(hall, actor))
        fixed(self, "accounts", SessionAccounts(hall, actor))
        fixed(self, "cards", SessionCards(hall, actor))
        fixed(self, "help", SessionHelp(hall, actor))
        fixed(self, "appointments", SessionAppointments(hall, actor))
        fixed(self, "windows", SessionWindows(hall, actor))
        fixed(self, "slips", SessionSlips(hall))
        fixed(self, "admin", SessionAdmin(hall, actor))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a session's {name} is fixed for its life (sign in again)")

    # -- who --------------------------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        """The actor, for the hall's own modules (a face never needs the object)."""
        return self._actor

    @property
    def name(self) -> str:
        return self._actor.name

    @property
    def role(self) -> str:
        return self._actor.role

    @property
    def kind(self) -> str:
        return self._actor.kind

    @property
    def window(self) -> str | None:
        return self._actor.window

    @property
    def department(self) -> str | None:
        """The department a department account acts for (the back office's workbench)."""
        return self._actor.department

    @property
    def signed_in(self) -> bool:
        """An account signed in at a desk (not the kiosk, the screen or the operator)."""
        return self._actor.kind == "account"

    def can(self, permission: str) -> bool:
        return self._actor.can(permission)

    # -- checks and the audit trail ----------------------------------------------------------
    def require(self, permission: str, command: str) -> None:
        """Refuse, audited, unless this actor may: for a caller that must know before it starts
        (the hall's commands check again themselves)."""
        self._hall.core.require(self._actor, permission, command)

    def audit(self, action: str, target: str, outcome: str = "ok",
              detail: dict[str, Any] | None = None) -> None:
        """An entry of the audit trail naming this session's actor."""
        from hall.security import audit

        audit.record(self._hall.core, actor=self._actor, action=action, target=target,
                     outcome=outcome, detail=detail or {})

    def sign_out(self) -> None:
        self._hall.accounts.sign_out(self._actor)

    # -- typed reads -------------------------------------------------------------------------
    def sync_status(self) -> SyncStatus:
        """This terminal's sync (hall/sync_status.py): no personal data, any session reads it."""
        from hall.sync_status import read

        return read(self._hall.core)

    @property
    def catalog(self) -> Catalog:
        """The hall's services and 一件事 (public: what the kiosk shows anyone)."""
        return self._hall.catalog

    def today(self) -> str:
        """The hall's calendar day (its timezone, not this machine's)."""
        return self._hall.today()

    def stats(self, day: str | None = None) -> DayStats:
        """The day's figures this actor may see (a clerk's own, or the hall's)."""
        return self._hall.stats.day(self._actor, day)


def make(hall: Hall, actor: Actor) -> Session:
    """For hall/app.py only."""
    return Session(hall, actor, _MADE_BY_HALL)
