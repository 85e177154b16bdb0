"""Services and 一件事 bundles, loaded from a JSON data file under resources/.

A bad file is refused whole, with the file, the line and the reason: a hall's IT technician
edits this file by hand, and a half-loaded catalog would hand out tickets for services that
no window serves.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hall import program
from hall.errors import CatalogError, DomainError

if TYPE_CHECKING:
    from hall.catalog_search import SearchKeys

DEFAULT_CATALOG = Path(__file__).resolve().parents[1] / "resources" / "catalog.json"


@dataclass(frozen=True)
class Material:
    name: str
    required: bool
    deferrable: bool  # 容缺: may be supplied later under a written promise (告知承诺)
    e_licence: str | None  # 免提交: an e-licence that covers it, when there is one


@dataclass(frozen=True)
class Step:
    """One department's part of a case (后台分类审批): the matter it decides."""

    matter: str
    department: str
    time_limit_days: int | None = None  # this matter's own 承诺时限 (else the service's)


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    series: str
    bundle: bool
    department: str
    matters: tuple[str, ...]
    materials: tuple[Material, ...]
    sample: bool
    steps: tuple[Step, ...] = ()
    time_limit_days: int | None = None  # 承诺时限, in working days (sample data: the seeds give none)
    conditions: tuple[str, ...] = ()  # 受理条件, for 一次性告知
    category: str = ""
    # 无证取号: a kiosk may give a number for it with no card or code (咨询, 取件). Catalog data
    # (`"no_id": true`), so a hall decides it in its own catalog, not a face.
    no_id: bool = False

    def material(self, name: str) -> Material:
        for m in self.materials:
            if m.name == name:
                return m
        raise DomainError(f"{self.name} has no material named {name!r}", code="unknown_material")


@dataclass(frozen=True)
class Catalog:
    services: tuple[Service, ...]
    series: dict[str, str]
    source: Path

    def get(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        known = ", ".join(s.id for s in self.services[:8])
        raise DomainError(
            f"no service {service_id!r} in the catalog (known: {known}, …; "
            f"{program.command('services')} lists them all)",
            code="unknown_service",
        )

    @cached_property
    def search_keys(self) -> dict[str, SearchKeys]:
        """Pinyin and keyword keys of every service, made on the first search."""
        from hall.catalog_search import keys_of

        return {s.id: keys_of(s) for s in self.services}

    def search(self, query: str, *, no_id: bool = False) -> tuple[Service, ...]:
        """Services by pinyin initials, full pinyin or Chinese keyword, best first
        (hall/catalog_search.py); `no_id`: only those given without a card or code."""
        from hall.catalog_search import search

        return search(self, query, no_id=no_id)

    def group_of(self, service_id: str) -> tuple[str, ...]:
        """The services of `service_id`'s window group (its series letter: one line of people
        for the same windows). A service the catalog no longer has is a group of its own."""
        letter = next((s.series for s in self.services if s.id == service_id), None)
        if letter is None:
            return (service_id,)
        return tuple(s.id for s in self.services if s.series == letter)

    def departments(self) -> frozenset[str]:
        """Every department that decides a part of some service (后台分类审批)."""
        return frozenset(s.department for service in self.services for s in service.steps
                         if s.department)

    def departments_of(self) -> dict[str, tuple[str, ...]]:
        """Each service's deciding departments, in step order, once each (a bundle's several)."""
        return {service.id: tuple(dict.fromkeys(s.department for s in service.steps
                                                if s.department))
                for service in self.services}

    def without_id(self) -> tuple[Service, ...]:
        """What a kiosk offers with no card or code (the catalog's `no_id` services)."""
        return tuple(s for s in self.services if s.no_id)


class _PositionedDecoder(json.JSONDecoder):
    """A decoder that remembers where each JSON object starts, to name lines in errors."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[int, int] = {}
        plain = json.decoder.JSONObject  # type: ignore[attr-defined]

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            obj, end = plain(s_and_end, *args)
            self.positions[id(obj)] = s_and_end[1] - 1
            return obj, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def load_catalog(path: Path = DEFAULT_CATALOG) -> Catalog:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog ({exc})") from exc
    decoder = _PositionedDecoder()
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc

    def fail(obj: object, reason: str) -> CatalogError:
        pos = decoder.positions.get(id(obj), 0)
        return CatalogError(f"{path}:{text.count(chr(10), 0, pos) + 1}: {reason}")

    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise fail(data, 'the catalog must be an object with a "services" list')
    series = data.get("series", {})
    if not isinstance(series, dict) or not all(isinstance(k, str) for k in series):
        raise fail(data, '"series" must map letters to names')
    services: list[Service] = []
    seen: set[str] = set()
    for raw in data["services"]:
        service = _service(raw, series, fail)
        if service.id in seen:
            raise fail(raw, f"duplicate service id {service.id!r}")
        seen.add(service.id)
        services.append(service)
    if not services:
        raise fail(data, "the catalog lists no service")
    return Catalog(services=tuple(services), series=dict(series), source=path)


def _service(raw: Any, series: dict[str, str], fail: Any) -> Service:
    if not isinstance(raw, dict):
        raise fail(raw, "each service must be an object")
    for key in ("id", "name", "series"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise fail(raw, f"service {raw.get('id', '?')!r}: {key!r} must be a non-empty string")
    sid = raw["id"]
    if not all(c.isascii() and (c.isalnum() or c == "_") for c in sid):
        raise fail(raw, f"service id {sid!r} must be ASCII letters, digits or '_'")
    letter = raw["series"]
    if not (len(letter) == 1 and letter.isascii() and letter.isupper()):
        raise fail(raw, f"service {sid!r}: series must be one capital letter, not {letter!r}")
    if series and letter not in series:
        raise fail(raw, f"service {sid!r}: series {letter!r} is not declared in \"series\"")
    materials = raw.get("materials", [])
    if not isinstance(materials, list):
        raise fail(raw, f"service {sid!r}: materials must be a list")
    parsed: list[Material] = []
    for m in materials:
        if not isinstance(m, dict) or not isinstance(m.get("name"), str) or not m["name"]:
            raise fail(m, f"service {sid!r}: each material needs a name")
        licence = m.get("e_licence")
        if licence is not None and not isinstance(licence, str):
            raise fail(m, f"service {sid!r}: e_licence must be a string or null")
        parsed.append(Material(m["name"], bool(m.get("required", True)),
                               bool(m.get("deferrable", False)), licence))
    if len({m.name for m in parsed}) != len(parsed):
        raise fail(raw, f"service {sid!r}: a material is listed twice")
    steps: list[Step] = []
    for s in raw.get("steps", []):
        if not (isinstance(s, dict) and isinstance(s.get("matter"), str)
                and isinstance(s.get("department"), str)):
            raise fail(s, f"service {sid!r}: each step needs a matter and a department")
        steps.append(Step(s["matter"], s["department"], _limit(s, sid, fail)))
    limit = _limit(raw, sid, fail)
    conditions = raw.get("conditions", [])
    if not isinstance(conditions, list) or not all(isinstance(c, str) for c in conditions):
        raise fail(raw, f"service {sid!r}: conditions must be a list of sentences")
    return Service(
        id=sid,
        name=raw["name"],
        series=letter,
        bundle=bool(raw.get("bundle", False)),
        department=str(raw.get("lead_department") or raw.get("department") or ""),
        matters=tuple(str(x) for x in raw.get("matters", [])),
        materials=tuple(parsed),
        sample=bool(raw.get("sample", False)),
        steps=tuple(steps) or (Step(raw["name"], str(raw.get("lead_department")
                                                      or raw.get("department") or "")),),
        time_limit_days=limit,
        conditions=tuple(conditions),
        category=str(raw.get("category", "")),
        no_id=_flag(raw, "no_id", fail),
    )


def _limit(raw: dict[str, Any], sid: str, fail: Any) -> int | None:
    """承诺时限 in working days (hall/workdays.py), of a service or one of its steps."""
    limit = raw.get("time_limit_days")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)
                              or not 0 <= limit <= 3650):
        raise fail(raw, f"service {sid!r}: time_limit_days must be a whole number of days")
    return limit


def _flag(raw: dict[str, Any], key: str, fail: Any) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise fail(raw, f"service {raw['id']!r}: {key} must be true or false")
    return value
