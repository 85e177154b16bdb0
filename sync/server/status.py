"""`serve status`: what a hub knows about its hall, read without disturbing it.

Two sources: the running server's `/v1/health` (is it up, and its live upstream link), and the
server database read directly (its terminals, when each last pushed or leased, the events each
has not yet had forwarded upstream, refused events). The database is opened read-only in
intent: no table is created or altered here, unlike the server's own `open_engine`, so a status
taken while the hub runs (or while it is down) changes nothing.

A hub does not record when a terminal pulls (a pull writes nothing), so "last sync" is the last
push or lease the hub received from that terminal.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Engine, case, create_engine, func, or_, select
from sqlalchemy.pool import NullPool

from sync.server import db
from sync.server.tables import UPSTREAM, credentials, dead_letters, events, lease_grants, server_meta

PUSHED = "upstream_pushed_pos"  # sync.server.upstream keeps its forwarding mark under this key
SERVER_DB = "server.db"
UPSTREAM_FILE = "upstream.json"


@dataclass(frozen=True)
class Probe:
    url: str
    up: bool
    health: dict[str, Any] | None
    error: str | None


def default_url(data_dir: Path, port: int) -> tuple[str, Path | None]:
    """Where a hub of this data dir listens on this machine, and the CA to trust for it."""
    ca = data_dir / "tls" / "ca.pem"
    if (data_dir / "tls" / "server.pem").exists() and ca.exists():
        return f"https://127.0.0.1:{port}", ca
    return f"http://127.0.0.1:{port}", None


def probe(url: str, ca: Path | None, timeout: float = 3.0) -> Probe:
    verify: ssl.SSLContext | bool = True
    if ca is not None:
        verify = ssl.create_default_context(cafile=str(ca))
    try:
        with httpx.Client(timeout=timeout, verify=verify) as http:
            reply = http.get(f"{url.rstrip('/')}/v1/health")
        if reply.status_code != 200:
            return Probe(url, False, None, f"HTTP {reply.status_code}")
        return Probe(url, True, reply.json(), None)
    except (httpx.HTTPError, ValueError) as exc:
        return Probe(url, False, None, f"{type(exc).__name__}: {exc}")


def open_readonly(data_dir: Path, database: str | None) -> Engine | None:
    """The server database without creating anything; None when the hub has none yet."""
    if database:
        return create_engine(database, poolclass=NullPool)
    path = data_dir / SERVER_DB
    if not path.exists():
        return None
    from hall.security import keys

    key = keys.load(data_dir, keys.STORE)
    if key is None:
        return None
    return db.cipher_engine(path, key, read_only=True)


def _ours() -> Any:
    return or_(events.c.pushed_by.is_(None), events.c.pushed_by != UPSTREAM)


def terminals(engine: Engine, forwarding: bool) -> list[dict[str, Any]]:
    """Every enrolled terminal with its events, last push, last lease, refused events, and (on a
    hub enrolled with an upstream, `forwarding`) its events not forwarded yet."""
    with engine.connect() as conn:
        meta = conn.execute(select(server_meta.c.value).where(server_meta.c.key == PUSHED)).scalar()
        forwarded = int(meta or 0) if forwarding else None
        rows: dict[tuple[str, str], dict[str, Any]] = {}

        def row(hall: str, terminal: str) -> dict[str, Any]:
            return rows.setdefault((hall, terminal), {
                "hall": hall, "terminal": terminal, "scope": None, "enrolled_ms": None,
                "revoked": None, "events": 0, "last_seq": 0, "last_push_ms": None,
                "last_lease_ms": None, "pending_upstream": None, "refused": 0})

        for r in conn.execute(select(
                credentials.c.hall_id, credentials.c.terminal_id,
                func.max(credentials.c.scope), func.max(credentials.c.created_ms),
                func.min(case((credentials.c.revoked.is_(False), 0), else_=1)))
                .group_by(credentials.c.hall_id, credentials.c.terminal_id)):
            item = row(r[0], r[1])
            item.update(scope=r[2] or "terminal", enrolled_ms=r[3], revoked=bool(r[4]))
        pending = (func.sum(case((events.c.pos > forwarded, 1), else_=0))
                   if forwarded is not None else func.count())
        for ev in conn.execute(select(
                events.c.hall_id, events.c.terminal_id, func.count(),
                func.max(events.c.terminal_seq), func.max(events.c.received_ms), pending)
                .where(_ours()).group_by(events.c.hall_id, events.c.terminal_id)):
            item = row(ev[0], ev[1])
            item.update(events=int(ev[2]), last_seq=int(ev[3] or 0), last_push_ms=ev[4],
                        pending_upstream=int(ev[5] or 0) if forwarded is not None else None)
        for lease in conn.execute(select(lease_grants.c.hall_id, lease_grants.c.terminal_id,
                                     func.max(lease_grants.c.granted_ms))
                              .group_by(lease_grants.c.hall_id, lease_grants.c.terminal_id)):
            row(lease[0], lease[1])["last_lease_ms"] = lease[2]
        for dead in conn.execute(select(dead_letters.c.hall_id, dead_letters.c.terminal_id,
                                        func.count())
                                 .group_by(dead_letters.c.hall_id, dead_letters.c.terminal_id)):
            row(dead[0], dead[1])["refused"] = int(dead[2])
    out = sorted(rows.values(), key=lambda x: (x["hall"], x["terminal"]))
    for item in out:
        seen = [t for t in (item["last_push_ms"], item["last_lease_ms"]) if t is not None]
        item["last_sync_ms"] = max(seen) if seen else None
    return out


def upstream_link(data_dir: Path, engine: Engine | None,
                  health: dict[str, Any] | None) -> dict[str, Any] | None:
    """The hub's link to its central platform: enrolled?, and what it has not forwarded yet."""
    import json

    path = data_dir / UPSTREAM_FILE
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"enrolled": True, "error": f"{path}: unreadable ({exc})"}
    link: dict[str, Any] = {"enrolled": True, "server": raw.get("server"),
                            "hall": raw.get("hall_id"), "hub": raw.get("terminal_id")}
    if engine is not None:
        with engine.connect() as conn:
            meta = conn.execute(select(server_meta.c.value)
                                .where(server_meta.c.key == PUSHED)).scalar()
            after = int(meta or 0)
            link["forwarded_pos"] = after
            link["pending"] = int(conn.execute(select(func.count()).select_from(events).where(
                events.c.hall_id == raw.get("hall_id"), events.c.pos > after, _ours())).scalar()
                or 0)
    live = (health or {}).get("upstream")
    if isinstance(live, dict):
        link["running"] = True
        for key in ("online", "last_success_ms", "last_error", "stalled", "pushed", "pulled",
                    "rejected"):
            link[key] = live.get(key)
    else:
        link["running"] = False  # the hub is down, or runs without --upstream
    return link


def describe(result: dict[str, Any], zone: ZoneInfo) -> str:
    """The status as lines for a person at a terminal, times in the hall's `zone`."""
    from datetime import UTC, datetime

    def when(ms: int | None) -> str:
        return "never" if ms is None else datetime.fromtimestamp(ms / 1000, UTC).astimezone(
            zone).strftime("%m-%d %H:%M:%S")

    state = "up" if result["up"] else f"DOWN ({result['error']})"
    lines = [f"hub {result['url']}: {state} (times in {zone.key})"]
    if not result["database"]:
        lines.append("no server database in this data dir (not a hub's, or never started)")
    for t in result["terminals"]:
        flags = " REVOKED" if t["revoked"] else ""
        pending = "" if t["pending_upstream"] is None else f", {t['pending_upstream']} to forward"
        refused = f", {t['refused']} refused" if t["refused"] else ""
        lines.append(f"  {t['hall']}/{t['terminal']} ({t['scope'] or 'not enrolled'}{flags}): "
                     f"{t['events']} events (last seq {t['last_seq']}), last sync "
                     f"{when(t['last_sync_ms'])}{pending}{refused}")
    for h in result.get("halls") or []:
        lag = "" if h["backlog_ms"] is None else f", newest event {h['backlog_ms'] / 1000:.0f} s old"
        refused = f", {h['refused']} refused" if h["refused"] else ""
        lines.append(f"  hall {h['hall']}: {h['terminals']} terminals, last push "
                     f"{when(h['last_push_ms'])}{lag}{refused}")
    polls = result.get("long_polls")
    if polls:
        lines.append(f"long-polls (the process that answered): {polls['held']} held of "
                     f"{polls['cap']}, most {polls['peak']}, {polls['refused']} answered at once "
                     "past the cap")
    link = result["upstream"]
    if link is None:
        lines.append("upstream: none (this hub forwards to no central platform)")
    else:
        online = {True: "online", False: "offline", None: "-"}[link.get("online")]
        lines.append(f"upstream {link.get('server')}: {link.get('pending', '?')} events to forward, "
                     f"{'running, ' + online if link.get('running') else 'link not running'}")
        if link.get("stalled"):
            lines.append(f"  ERROR: {link['stalled']}")
    return "\n".join(lines)


def served_as(engine: Engine) -> str | None:
    """The role the database was last served in (db.ROLE_KEY), without writing anything."""
    with engine.connect() as conn:
        value = conn.execute(select(server_meta.c.value)
                             .where(server_meta.c.key == db.ROLE_KEY)).scalar()
    return None if value is None else str(value)


def halls(engine: Engine) -> list[dict[str, Any]]:
    """The central platform's view per hall, cheap on a province's log: for each hall with
    credentials, its terminals (revoked ones apart), its last push and the newest event's lag
    (`backlog_ms`: how old that event was when it arrived, so a hall catching up after a day
    offline shows its day), and its refused events (errors), with the last one's time.
    The last push is one index probe per hall (ix_server_events_hall_pos, newest first), never
    a scan of the log: counting a year of a province's events per hall is not a status query."""
    from sqlalchemy import bindparam, desc

    with engine.connect() as conn:
        out: dict[str, dict[str, Any]] = {}
        for r in conn.execute(select(
                credentials.c.hall_id,
                func.count(func.distinct(credentials.c.terminal_id)),
                func.sum(case((credentials.c.revoked.is_(False), 1), else_=0)))
                .group_by(credentials.c.hall_id)):
            out[r[0]] = {"hall": r[0], "terminals": int(r[1]), "active_credentials": int(r[2]),
                         "last_push_ms": None, "backlog_ms": None, "refused": 0,
                         "last_refused_ms": None}
        newest = (select(events.c.received_ms, events.c.hlc)
                  .where(events.c.hall_id == bindparam("hall"))
                  .order_by(desc(events.c.pos)).limit(1))
        for hall in out:
            row = conn.execute(newest, {"hall": hall}).first()
            if row is not None:
                out[hall]["last_push_ms"] = int(row.received_ms)
                out[hall]["backlog_ms"] = max(0, int(row.received_ms) - (int(row.hlc) >> 16))
        for r in conn.execute(select(dead_letters.c.hall_id, func.count(),
                                     func.max(dead_letters.c.received_ms))
                              .group_by(dead_letters.c.hall_id)):
            item = out.setdefault(r[0], {"hall": r[0], "terminals": 0, "active_credentials": 0,
                                         "last_push_ms": None, "backlog_ms": None})
            item.update(refused=int(r[1]), last_refused_ms=int(r[2]))
    return sorted(out.values(), key=lambda x: x["hall"])


def connections(engine: Engine) -> dict[str, Any] | None:
    """On PostgreSQL: the docs' sizing rule with the default pool, the database's
    max_connections, how many are open now, and how many default processes it takes."""
    if engine.dialect.name != "postgresql":
        return None
    from sqlalchemy import text

    kept, overflow = db.default_pool()
    each = db.per_process(kept, overflow)
    with engine.connect() as conn:
        allowed = int(conn.execute(text("SHOW max_connections")).scalar_one())
        reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
        open_now = int(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"))
            .scalar_one())
    return {"max_connections": allowed, "superuser_reserved": reserved, "open": open_now,
            "pool_size": kept, "max_overflow": overflow, "per_process": each,
            "processes_fit": (allowed - reserved) // each,
            "rule": db.sizing_rule(kept, overflow)}
