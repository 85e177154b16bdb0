"""The central platform's directory (issue 24): the halls, where each department sits, and each
hall's public key.

Shape: a hall is (id, name, level, parent); levels run province > city > county > town > village
and a parent is a hall of a higher level (so the tree has no cycle by construction). A seat maps
a catalog department to the hall that decides its parts (`社保=COUNTY01`). A hall's public key
(X25519, hall/security/sealbox.py) is published by the hall itself (its hub, or a station syncing
straight with the platform) over its enrolled credential, and pinned here on first publication:
another key for that hall later is refused (409), the way a terminal pins its hall CA. The
platform holds public keys only: it can route a travelling case but open none.

Its tables live in a MetaData of their own (made on first use), so the server's core schema
(sync/server/tables.py) is left alone.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, MetaData, Table, Text, delete, select, update

from hall.errors import ConfigError, DomainError
from hall.ids import normal_id
from hall.security.sealbox import public_kid
from sync.server.db import _insert, now_ms

LEVELS = ("province", "city", "county", "town", "village")

metadata = MetaData()

halls = Table(
    "directory_halls",
    metadata,
    Column("hall_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("parent", Text),
    Column("public_key", Text),  # base64 of the raw 32-byte X25519 public key, pinned
    Column("kid", Text),
    Column("updated_ms", BigInteger, nullable=False),
)

seats = Table(
    "directory_seats",
    metadata,
    Column("department", Text, primary_key=True),
    Column("hall_id", Text, nullable=False),
)

MAX_NAME = 64
MAX_DEPARTMENT = 32


class DirectoryError(DomainError):
    code = "directory"


def ensure(engine: Engine) -> None:
    metadata.create_all(engine)


def _department(text: str) -> str:
    dept = text.strip()
    if not dept or len(dept) > MAX_DEPARTMENT or any(c in dept for c in "=,\x00") or not all(
            c.isprintable() for c in dept):
        raise ConfigError(f"a department is 1-{MAX_DEPARTMENT} printable characters without "
                          f"'=' or ',', not {text!r}", code="bad_department",
                          params={"department": text[:MAX_DEPARTMENT]})
    return dept


def parse_seat(text: str) -> tuple[str, str]:
    """`DEPT=HALL` (the CLI's --seat)."""
    dept, sep, hall = text.partition("=")
    if not sep or not hall.strip():
        raise ConfigError(f"a seat is DEPT=HALL, not {text!r}", code="bad_seat",
                          params={"seat": text[:64]})
    return _department(dept), normal_id(hall.strip())


def put_hall(engine: Engine, hall_id: str, name: str, level: str,
             parent: str | None = None) -> dict[str, Any]:
    """Add a hall or change its name, level or parent (its pinned key stays)."""
    ensure(engine)
    hall_id = normal_id(hall_id)
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise ConfigError(f"a hall's name is 1-{MAX_NAME} printable characters",
                          code="bad_hall_name", params={"hall": hall_id})
    if level not in LEVELS:
        raise ConfigError(f"a hall's level is one of {', '.join(LEVELS)}, not {level!r}",
                          code="bad_level", params={"level": level[:16]})
    with engine.begin() as conn:
        if parent is not None:
            parent = normal_id(parent)
            row = conn.execute(select(halls.c.level).where(halls.c.hall_id == parent)).first()
            if row is None:
                raise DirectoryError(f"no hall {parent} in the directory: add the parent first",
                                     code="unknown_hall", params={"hall": parent})
            if LEVELS.index(str(row.level)) >= LEVELS.index(level):
                raise DirectoryError(f"hall {parent} ({row.level}) cannot be the parent of a "
                                     f"{level} hall: a parent is of a higher level",
                                     code="bad_parent", params={"hall": parent})
        stmt = _insert(conn, halls).values(hall_id=hall_id, name=name, level=level,
                                           parent=parent, updated_ms=now_ms())
        conn.execute(stmt.on_conflict_do_update(index_elements=["hall_id"], set_={
            "name": name, "level": level, "parent": parent, "updated_ms": now_ms()}))
        # Levels fall strictly from parent to child, so the tree has no loop; a level change
        # must keep that for the hall's children too.
        low = conn.execute(select(halls.c.hall_id, halls.c.level).where(
            halls.c.parent == hall_id)).all()
        for child in low:
            if LEVELS.index(str(child.level)) <= LEVELS.index(level):
                raise DirectoryError(f"hall {child.hall_id} ({child.level}) is a child of "
                                     f"{hall_id}: a {level} hall cannot be its parent",
                                     code="bad_parent", params={"hall": str(child.hall_id)})
    return {"hall": hall_id, "name": name, "level": level, "parent": parent}


def put_seats(engine: Engine, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Seat each department in its hall (which must be in the directory). The department is
    named as the catalog spells it: a part routes by its catalog department, so a seat under any
    other name (a typo, 公安 for 市公安局) would never route anything, silently."""
    from hall.catalog import load_catalog

    known_departments = load_catalog().departments()
    for dept, _hall in pairs:
        if dept not in known_departments:
            raise DirectoryError(f"no department {dept!r} in the catalog: name it as the "
                                 "catalog does (e.g. 市公安局)", code="unknown_department",
                                 params={"department": dept})
    ensure(engine)
    with engine.begin() as conn:
        known = {str(r[0]) for r in conn.execute(select(halls.c.hall_id))}
        for _dept, hall_id in pairs:
            if hall_id not in known:
                raise DirectoryError(f"no hall {hall_id} in the directory: add it with "
                                     "`serve directory --hall`", code="unknown_hall",
                                     params={"hall": hall_id})
        for dept, hall_id in pairs:
            conn.execute(delete(seats).where(seats.c.department == dept))
            conn.execute(_insert(conn, seats).values(department=dept, hall_id=hall_id))
    return dict(pairs)


def publish_key(engine: Engine, hall_id: str, public_b64: str) -> str:
    """A hall's public key, sent by the hall over its own credential: pinned on first
    publication, the same again is fine, another one is refused (`hall_key_changed`). A hall
    not in the directory is refused (`unknown_hall`): the platform's operator lists halls."""
    ensure(engine)
    try:
        raw = base64.b64decode(public_b64, validate=True)
        kid = public_kid(raw)
    except (binascii.Error, ValueError) as exc:
        raise DirectoryError("a hall's public key is 32 bytes in base64", code="bad_hall_key",
                             params={"hall": hall_id}) from exc
    with engine.begin() as conn:
        row = conn.execute(select(halls.c.public_key).where(halls.c.hall_id == hall_id)
                           .with_for_update()).first()
        if row is None:
            raise DirectoryError(f"hall {hall_id} is not in the platform's directory",
                                 code="unknown_hall", params={"hall": hall_id})
        if row.public_key is not None:
            if row.public_key != public_b64:
                raise DirectoryError(f"hall {hall_id} has another public key pinned; a new "
                                     "key is set by the platform's operator",
                                     code="hall_key_changed", params={"hall": hall_id})
            return kid
        conn.execute(update(halls).where(halls.c.hall_id == hall_id).values(
            public_key=public_b64, kid=kid, updated_ms=now_ms()))
    return kid


def read(engine: Engine) -> dict[str, Any]:
    """The whole directory, as served (`GET /v1/directory`) and printed (`--json`)."""
    ensure(engine)
    with engine.connect() as conn:
        listed = [{"hall": r.hall_id, "name": r.name, "level": r.level, "parent": r.parent,
                   "public_key": r.public_key, "kid": r.kid}
                  for r in conn.execute(select(halls).order_by(halls.c.hall_id))]
        seated = {str(r.department): str(r.hall_id)
                  for r in conn.execute(select(seats).order_by(seats.c.department))}
    return {"halls": listed, "seats": seated}
