"""Finding a service or 一件事 bundle by what a person types at a kiosk: pinyin initials (xsr →
新生儿出生“一件事”), full pinyin (xinsheng), or Chinese keywords (户口, 出生), which also match the
matters inside a bundle.

Pinyin comes from pypinyin (its phrase dictionary reads polyphones in context: 公积金 gong ji
jin, 重新 chong xin). The keys are computed once per catalog, on the first search, in the thread
that owns the hall; importing pypinyin costs ~0.2 s, so the CLI, which never searches, never
pays for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hall.catalog import Catalog, Service

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")

# How well a service matches, best first: its name, then what it contains (its matters).
NAME_START, NAME_INSIDE, CONTENT = 0, 1, 2


@dataclass(frozen=True)
class SearchKeys:
    service_id: str
    text: str  # the name, without punctuation: 新生儿出生一件事
    initials: str  # xsrcsyjs
    pinyin: str  # xinshengerchushengyijianshi
    content_text: str  # matters, department, category, joined
    content_initials: tuple[str, ...]  # each matter's initials
    content_pinyin: tuple[str, ...]


def _clean(text: str) -> str:
    return "".join(_KEEP.findall(text.lower()))


def _as_is(chars: str) -> str:
    """Latin letters and digits in a name stay as they are."""
    return chars


def _spell(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of a text; Latin letters and digits stay as they are."""
    from pypinyin import Style, lazy_pinyin

    cleaned = _clean(text)
    syllables = lazy_pinyin(cleaned, errors=_as_is)
    initials = lazy_pinyin(cleaned, style=Style.FIRST_LETTER, errors=_as_is)
    return "".join(initials).lower(), "".join(syllables).lower()


def keys_of(service: Service) -> SearchKeys:
    initials, pinyin = _spell(service.name)
    contents = [*service.matters, service.department, service.category]
    spelled = [_spell(c) for c in service.matters]
    return SearchKeys(service.id, _clean(service.name), initials, pinyin,
                      " ".join(_clean(c) for c in contents),
                      tuple(i for i, _ in spelled), tuple(p for _, p in spelled))


def normalize(query: str) -> str:
    """What a query is compared as: lower case, no blanks or punctuation."""
    return _clean(query)


def rank(keys: SearchKeys, query: str) -> int | None:
    """How `keys` match a normalized query (NAME_START … CONTENT), None if not at all."""
    if not query:
        return NAME_START
    if _CJK.search(query):
        if keys.text.startswith(query):
            return NAME_START
        if query in keys.text:
            return NAME_INSIDE
        return CONTENT if query in keys.content_text else None
    if keys.initials.startswith(query) or keys.pinyin.startswith(query):
        return NAME_START
    if query in keys.initials or query in keys.pinyin:
        return NAME_INSIDE
    # inside a bundle only from the start of a matter: short initials match too much otherwise
    if any(k.startswith(query) for k in (*keys.content_initials, *keys.content_pinyin)):
        return CONTENT
    return None


def search(catalog: Catalog, query: str, *, no_id: bool = False) -> tuple[Service, ...]:
    """Services matching `query`, best first, in catalog order within a rank; `no_id` keeps only
    those a kiosk may give a number for without a card or code."""
    wanted = normalize(query)
    found: list[tuple[int, int, Service]] = []
    index = catalog.search_keys
    for order, service in enumerate(catalog.services):
        if no_id and not service.no_id:
            continue
        score = rank(index[service.id], wanted)
        if score is not None:
            found.append((score, order, service))
    return tuple(s for _, _, s in sorted(found, key=lambda f: (f[0], f[1])))
