"""What a window's rating pad (窗口评价器, rater/) shows, read from the hall's tables and log: the
clerk signed in at that window, the ticket being served there, and the visit just finished there
that is waiting for its rating, or the one being served when its clerk asked for a rating
(the desk's 请评价, a RatingAsked event). No citizen's data: a ticket number, a staff user name, a window.

The pad follows its desk through the hall's events (synced to the pad's own store like to any
terminal's): the desk's sign-in and sign-out (AuditRecorded, naming the window), its calls and
its finished tickets (the tickets projection), its asks (the log). So a pad needs no wiring
but its window number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hall.core import Core
from hall.ratings import asked
from hall.timefmt import ms_of

RATE_WITHIN_S = 10 * 60  # a visit finished longer ago is not offered for rating any more
RECENT_EVENTS = 5000  # how far back in the log the window's last sign-in is looked for
# What the hall shows of its staff on the pads, if it provides it (the pad's data dir):
# clerk_cards.json {"li.na": {"name": "李娜", "number": "0312"}} and clerk_photos/<user>.png.
# Without them a pad shows the user name as the staff number.
CARDS_FILE = "clerk_cards.json"
PHOTO_DIR = "clerk_photos"


@dataclass(frozen=True)
class PadView:
    window: str
    clerk: str | None  # the staff user name signed in at the window
    photo: str | None  # a path, when the hall provides the clerk's photo
    serving: str | None  # the ticket number being served (called or serving) there
    # the ticket id of the visit just finished there, or of the one served there whose rating
    # the clerk asked for: not rated yet
    to_rate: str | None
    to_rate_number: str | None
    clerk_name: str | None = None  # as the hall's clerk_cards.json gives it
    staff_no: str | None = None


def pad_view(core: Core, window: str) -> PadView:
    conn = core.conn
    clerk = None
    for (payload,) in conn.execute(
            "SELECT payload FROM events WHERE type = 'AuditRecorded' AND pos > "
            "(SELECT COALESCE(MAX(pos), 0) FROM events) - ? ORDER BY pos DESC",
            (RECENT_EVENTS,)):
        p = json.loads(payload)
        by = p.get("by") or {}
        if p.get("action") in ("sign_in", "sign_out") and p.get("outcome") == "ok" \
                and by.get("window") == window:
            clerk = by.get("name") if p["action"] == "sign_in" else None
            break
    serving = conn.execute(
        "SELECT label, served_by, ticket_id FROM tickets WHERE window = ? "
        "AND status IN ('called', 'serving') "
        "ORDER BY called_ms DESC LIMIT 1", (window,)).fetchone()
    if clerk is None and serving is not None:
        clerk = serving[1]  # a desk signed in before the pad heard of it
    since = ms_of(core.now_iso()) - RATE_WITHIN_S * 1000
    done = conn.execute(
        "SELECT t.ticket_id, t.label FROM tickets t WHERE t.outcome_window = ? "
        "AND t.status = 'done' AND t.done_ms >= ? AND NOT EXISTS (SELECT 1 FROM ratings r "
        "WHERE r.ticket_id = t.ticket_id AND r.stage = 'visit') ORDER BY t.done_ms DESC LIMIT 1",
        (window, since)).fetchone()
    if serving is not None and asked(conn, serving[2]) and conn.execute(
            "SELECT 1 FROM ratings WHERE ticket_id = ? AND stage = 'visit'",
            (serving[2],)).fetchone() is None:
        done = (serving[2], serving[0])  # the clerk asked: the visit at the counter first
    photo = name = number = None
    if clerk:
        path = Path(core.data_dir) / PHOTO_DIR / f"{Path(clerk).name}.png"
        photo = str(path) if path.is_file() else None
        name, number = _card(Path(core.data_dir), clerk)
    return PadView(window, clerk, photo, serving[0] if serving else None,
                   done[0] if done else None, done[1] if done else None, name, number or clerk)


def _card(folder: Path, user: str) -> tuple[str | None, str | None]:
    """The clerk's name and staff number from the hall's file; (None, None) without one (a
    damaged file too: the pad shows the user name rather than nothing)."""
    try:
        cards = json.loads((folder / CARDS_FILE).read_text(encoding="utf-8"))
        card = cards.get(user) if isinstance(cards, dict) else None
    except (OSError, ValueError):
        return None, None
    if not isinstance(card, dict):
        return None, None
    name, number = card.get("name"), card.get("number")
    return (name[:32] if isinstance(name, str) and name else None,
            str(number)[:16] if isinstance(number, (str, int)) and number != "" else None)
