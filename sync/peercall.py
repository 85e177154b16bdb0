"""Calls that do not collide without the hub: the calling rule among the hall's peers.

With the hub reachable it decides (sync/hubcall.py). Without it, a desk claims the ticket it would
call from every peer of the hub's list (kept in its store) before recording the call:
- it marks its own claim in its store, in one transaction with the check that it has granted that
  ticket to no one else;
- each peer grants the claim unless the ticket is called there already, or granted to another
  terminal, or claimed by the peer itself at the same moment, in which case the lower terminal id
  wins (the peer with the higher id drops its own claim and grants; the lower refuses);
- any refusal: the desk drops its claim and tries the next ticket it would call;
- every peer that answered granted: the desk records the call (decided_by "peers"), if its own
  claim still stands. Grants and claims lapse after 10 s (peerstate.CLAIM_TTL_MS), long after
  the call itself has reached the peers (their pull of this desk's log: well under a second).

Two desks that reach each other therefore never call one ticket. A peer that does not answer
(switched off, or on the other side of a split LAN) cannot refuse: the desk calls without it and
says so (`unconfirmed`). When a LAN splits, each side keeps calling the tickets it knows; a ticket
known to both sides before the split can be called once on each side. When the sides meet again
(or the hub returns) each desk pulls the other's call and records the clash in its sync
conflicts (sync.local): both clerks are shown it, never silently merged.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hall.call_choice import upcoming
from hall.errors import DomainError
from sync import local, peerstate
from sync.errors import NetworkError
from sync.peerlink import PeerLink

if TYPE_CHECKING:
    from hall.actors import Actor
    from hall.app import Hall
    from hall.ticket_views import TicketView

CANDIDATES = 8  # tickets tried, in the order this window would call them
LAST_CALL = "peer_last_call"  # what the last call without the hub was told (for the desk)


def claim_and_call(hall: Hall, window: str, by: Actor) -> TicketView | None:
    """The ticket called by the rule, or None when this terminal knows no peers (it then calls
    alone, as before); DomainError when every ticket it could call is another window's."""
    core = hall.core
    conn = core.store.conn
    key = peerstate.peer_key(conn)
    me = core.config.terminal_id
    peers = [p for p in peerstate.peers(conn) if p.terminal_id != me]
    if key is None or not peers:
        return None
    busy = conn.execute("SELECT 1 FROM tickets WHERE window = ? AND status IN ('called', "
                        "'serving')", (window,)).fetchone()
    if busy is not None:
        return None  # the local call refuses it with the usual words
    now = local.now_ms()
    order = upcoming(conn, core.config.policy, window, core.today(), now, CANDIDATES)
    if not order:
        return None  # nothing waiting: the local call says so
    away = peerstate.granted_away(conn, me, now)
    refusals: list[str] = []
    links = [PeerLink(p.url, me, key) for p in peers]
    try:
        with ThreadPoolExecutor(max_workers=min(len(links), 16)) as pool:
            for ticket_id in order:
                if ticket_id in away or not _mark(hall, ticket_id, window):
                    continue
                answers = list(pool.map(_ask, links, [ticket_id] * len(links),
                                        [window] * len(links)))
                refused = [a["reason"] for a in answers if a.get("granted") is False]
                if refused or not _still_mine(hall, ticket_id):
                    refusals += refused
                    with core.store.write() as wconn:
                        peerstate.drop_claim(wconn, ticket_id)
                    continue
                unconfirmed = [p.terminal_id for p, a in zip(peers, answers, strict=True)
                               if "error" in a]
                try:
                    ticket = hall.tickets.call_ticket(by, ticket_id, window,
                                                      decided_by="peers").value
                finally:
                    with core.store.write() as wconn:
                        peerstate.drop_claim(wconn, ticket_id)
                        local.put(wconn, LAST_CALL, _note(ticket_id, unconfirmed))
                return replace(ticket, decided_by="peers")
    finally:
        for link in links:
            link.close()
    raise DomainError(f"every ticket window {window} could call is being called at another "
                      f"window ({'; '.join(refusals[:3])}); call again",
                      code="nothing_waiting", params={"window": window})


def _note(ticket_id: str, unconfirmed: list[str]) -> str:
    import json

    return json.dumps({"ticket_id": ticket_id, "unconfirmed": unconfirmed,
                       "at_ms": local.now_ms()})


def _ask(link: PeerLink, ticket_id: str, window: str) -> dict[str, Any]:
    """The peer's answer; a peer nobody answers for is away (it cannot refuse); a peer reached
    whose answer is lost (a timeout mid-request) may have refused: taken as a refusal, so the
    desk tries its next ticket rather than risk calling one the peer is calling."""
    try:
        return link.claim(ticket_id, window)
    except NetworkError as exc:
        if exc.code == "peer_away":
            return {"error": exc.message, "url": link.url}
        return {"granted": False, "reason": f"no answer from {link.url}: {exc.message}"}


def _mark(hall: Hall, ticket_id: str, window: str) -> bool:
    """Claim the ticket here unless it is granted to another terminal or no longer waiting."""
    now = local.now_ms()
    me = hall.core.config.terminal_id
    with hall.core.store.write() as conn:
        row = conn.execute("SELECT status FROM tickets WHERE ticket_id = ?",
                           (ticket_id,)).fetchone()
        held = peerstate.grant(conn, ticket_id, now)
        if row is None or row[0] != "waiting" or (held is not None and held["terminal"] != me):
            return False
        peerstate.put_claim(conn, ticket_id, window, now)
    return True


def _still_mine(hall: Hall, ticket_id: str) -> bool:
    """A lower terminal claiming it at the same moment took it over (peerserver.decide)."""
    return peerstate.own_claim(hall.core.store.conn, ticket_id, local.now_ms()) is not None
