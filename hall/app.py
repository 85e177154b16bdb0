"""The one entry to a terminal's hall: `Hall.open(data_dir)`.

It assembles the configuration, the catalog, the keys and the store once, and is what the CLI and
every face use. Its parts, each a small class over the shared `Core`:

    hall.tickets       取号, 叫号, recall, no-show, start, done, park, resume, transfer, cancel
    hall.windows       the services each window serves
    hall.cases         受理 (容缺 + 告知承诺, 免提交), 不予受理, 办结 (every part decided), 出件
    hall.parts         the back office: a department's 待审批, 签收/approve/reject/补正, the
                       window's 补正 hand-in and 待出件, a supervisor's reassignment and overdue list
    hall.ratings       好差评 and the 差评 follow-ups
    hall.follow_ups    差评整改: assign, action, 回访, close, escalation, 重办
    hall.stats         the day's figures (a clerk's own, or the hall's; frozen once closed)
    hall.closing       the end of a day (日结): unserved tickets to no-shows, figures frozen
    hall.accounts      accounts, sign-in, the technician PIN, lockouts, the audit trail, reveal
    hall.cards         card and code reads: audited, hashed, age and expiry
    hall.views         now calling, last calls, waiting and expected wait, place in line, 办件查询
    hall.help          帮办 requests from kiosks
    hall.appointments  预约 and 预约签到
    hall.retention     the purge of personal data after the retention period
    hall.exports       masked exports
    hall.maintenance   the store's integrity check and the rebuild of projections
    hall.settings      the hall's settings signed by its hub, opening hours (hall/settings.py)

Every command takes its actor first (hall/actors.py), checks the permission in the hall, records
the actor on its events, and returns an `Outcome` (its typed value and the `Changes` it made).
Subscribers hear of every commit: the hall's own commands, events sync pulls in through this hall,
and, through `poll_external` (called on a timer by the thread that owns the hall), commits another
connection made to the same store: the CLI, `sync --forever`, a sync thread of the same process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hall.actors import Actor
from hall.appointments import Appointments
from hall.cards import Cards
from hall.cases import Cases, CaseView
from hall.catalog import DEFAULT_CATALOG, Catalog, load_catalog
from hall.changes import Changes
from hall.clock import WallClock, system_now
from hall.config import TerminalConfig
from hall.config import load as load_config
from hall.core import Core, Outcome, refuse_lost_key
from hall.export import Exports
from hall.follow_ups import FollowUps
from hall.help import Help
from hall.maintenance import Maintenance
from hall.parts import Parts
from hall.ratings import Ratings
from hall.security.access import Accounts
from hall.security.keys import INDEX, load, load_or_create, writes_only
from hall.security.retention import Retention
from hall.session import Session
from hall.session import make as make_session
from hall.settings import Settings
from hall.slips import (
    ReceiptSlip,
    TicketSlip,
    case_of_qr,
    case_receipt,
    missing_notice,
    not_permitted_notice,
    notice_slip,
    ticket_of_qr,
    ticket_slip,
)
from hall.stats import Stats
from hall.store import Store
from hall.ticket_views import TicketView
from hall.tickets import Tickets
from hall.views import Views
from hall.windows import Windows

if TYPE_CHECKING:
    from hall.close_day import Closing
    from hall.pad_view import PadView

CATALOG_OVERRIDE = "catalog.json"  # a hall's own catalog in its data dir wins over the default


def catalog_path(folder: Path) -> Path:
    own = folder / CATALOG_OVERRIDE
    return own if own.exists() else DEFAULT_CATALOG


class Hall:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.tickets = Tickets(core)
        self.windows = Windows(core)
        self.cases = Cases(core)
        self.parts = Parts(core, self.cases)
        self.ratings = Ratings(core)
        self.follow_ups = FollowUps(core)
        self.stats = Stats(core)
        self._closing: Closing | None = None
        self.accounts = Accounts(core)
        self.cards = Cards(core)
        self.views = Views(core)
        self.help = Help(core)
        self.appointments = Appointments(core, self.tickets)
        self.retention = Retention(core)
        self.exports = Exports(core)
        self.maintenance = Maintenance(core)
        self.settings = Settings(core)
        self.settings.current()  # the hall's signed settings over config.json, from the start
        self.tickets.opening = self.settings.check_take
        self.appointments.settings = self.settings

    @classmethod
    def open(cls, data_dir: Path, *, wall: WallClock = system_now,
             catalog: Catalog | None = None, damaged_ok: bool = False) -> Hall:
        """Open a set-up terminal's hall (`setup` first: hall/terminal_setup.py). A store that is
        missing or empty is refused (never made anew over issued tickets), and so is one found
        damaged, except with `damaged_ok` (the maintenance check, which looks at it)."""
        config = load_config(data_dir)
        catalog = catalog or load_catalog(catalog_path(data_dir))
        store = Store.open(data_dir, damaged_ok=damaged_ok)
        try:
            if writes_only(data_dir) and load(data_dir, INDEX) is None:
                index_key = b""  # a display: it looks nobody up (keys.ROLE_KEYS)
            else:
                refuse_lost_key(store.conn, data_dir, INDEX)  # made at setup: missing is lost
                index_key = load_or_create(data_dir, INDEX)
            core = Core(store, config, catalog, wall=wall, index_key=index_key)
        except BaseException:
            store.close()
            raise
        return cls(core)

    def close(self) -> None:
        self.core.store.close()

    def __enter__(self) -> Hall:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closing(self) -> Closing:
        """The end of a day: made on first use (a nightly command; `ticket take` never pays
        for importing it)."""
        if self._closing is None:
            from hall.close_day import Closing

            self._closing = Closing(self.core, self.settings.hours)
        return self._closing

    # -- who and what ---------------------------------------------------------------------------
    @property
    def config(self) -> TerminalConfig:
        return self.core.config

    @property
    def catalog(self) -> Catalog:
        return self.core.catalog

    @property
    def data_dir(self) -> Path:
        return self.core.data_dir

    def kiosk(self) -> Actor:
        """The actor of a citizen's own actions at this terminal."""
        return Actor.kiosk(self.core.config.terminal_id)

    # -- sessions: the only way a face or the CLI acts (hall/session.py) --------------------------
    def sign_in(self, user: str, password: str, *, window: str | None = None) -> Session:
        """An account's session at a desk, or AccessError (hall.accounts.sign_in)."""
        return make_session(self, self.accounts.sign_in(user, password, window=window))

    def technician_session(self, pin: str) -> Session:
        """The kiosk technician's session behind the PIN, or AccessError."""
        return make_session(self, self.accounts.check_pin(pin))

    def maintenance_session(self, user: str, password: str) -> Session:
        """A hall account (an admin's) opening the kiosk's maintenance panel: a technician's
        session in that account's name, or AccessError."""
        return make_session(self, self.accounts.maintenance_sign_in(user, password))

    def first_admin(self, user: str, password: str, *, role: str = "admin",
                    department: str | None = None) -> Session:
        """The first account of a station no hub knows (an admin), signed in; refused once
        accounts exist, and on a terminal of a hall with a hub (`first_admin_on_hub`)."""
        return make_session(self, self.accounts.add(None, user, role, password,
                                                    department=department).value)

    def migrate_accounts(self, admin: str, password: str) -> Outcome[list[str]]:
        """This terminal's accounts from before accounts were the hall's, made the hall's by
        one of its admins (hall/security/access.py: migrate)."""
        return self.accounts.migrate(admin, password)

    def kiosk_session(self) -> Session:
        """A citizen's own actions at this terminal (取号, 办件查询, 好差评, 帮办, 预约签到)."""
        return make_session(self, self.kiosk())

    def rater_session(self, window: str) -> Session:
        """A window's rating pad (评价器): its citizen rates the visits of that window only."""
        from hall.windows import check_window_name

        check_window_name(window)
        return make_session(self, Actor.rater(self.core.config.terminal_id, window))

    def pad_view(self, window: str) -> PadView:
        """What the rating pad of `window` shows (hall/pad_view.py): public, no citizen data."""
        from hall.pad_view import pad_view

        return pad_view(self.core, window)

    def display_session(self) -> Session:
        """The call screen: it reads the public board and sync's status, and may do nothing."""
        return make_session(self, Actor.nobody())

    def operator_session(self, user: str | None = None) -> Session:
        """The local operator (the OS user holding the data directory): the CLI's actor."""
        return make_session(self, Actor.operator(user))

    def same_actor(self, session: Session) -> Session:
        """`session`'s actor on this hall: a command that closes its store and opens it again
        (the key rotation) audits as whoever it checked."""
        return make_session(self, session.actor)

    def today(self) -> str:
        return self.core.today()

    def now(self) -> datetime:
        """The hall's clock (a simulated one in the demo and tests)."""
        return self.core.now()

    def now_iso(self) -> str:
        return self.core.now_iso()

    # -- changes --------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[Changes], None]) -> Callable[[], None]:
        """Hear every commit from now on; returns the function that stops it."""
        self.core.watch()
        return self.core.notifier.subscribe(callback)

    def poll_external(self) -> Changes:
        """Commits of other connections since the last poll, told to subscribers too. Call it
        on a timer (about every 100 ms) from the thread that owns this hall."""
        found = self.core.watch().poll()
        self.core.notifier.notify(found)
        return found

    # -- what gets printed ------------------------------------------------------------------------
    def ticket_slip(self, ticket: TicketView) -> TicketSlip:
        return ticket_slip(self.core, ticket)

    def case_receipt(self, case: CaseView) -> ReceiptSlip:
        return case_receipt(self.core, case)

    def not_permitted_notice(self, case: CaseView) -> ReceiptSlip:
        """不予许可 notice of a case's rejected parts, with their reasons."""
        return not_permitted_notice(self.core, case)

    def missing_notice(self, service_id: str, missing: list[str],
                       applicant: str = "") -> ReceiptSlip:
        """一次性告知书 for a matter and the materials still missing (masked applicant)."""
        return missing_notice(self.core, service_id, missing, applicant)

    def notice_slip(self, service_id: str) -> ReceiptSlip:
        """一次性告知单 of a service or bundle (materials and conditions), to print."""
        return notice_slip(self.core, self.catalog.get(service_id))

    # -- what a scanned slip says -----------------------------------------------------------------
    def case_of_qr(self, payload: str) -> str | None:
        """The case number a receipt's QR carries (办件查询 by scanning), or None."""
        return case_of_qr(self.core.config, payload)

    def ticket_of_qr(self, payload: str) -> str | None:
        """The ticket number a ticket's QR carries (好差评 by scanning the ticket), or None."""
        found = ticket_of_qr(self.core.config, payload)
        return found[1] if found else None
