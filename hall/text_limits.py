"""How long the text a person types may be, one limit per kind of text, and the one check.

Each is sealed before it is stored (hall/core.py `seal_text`); the limits keep a sealed field and
a printed slip bounded. A face that offers a field takes its limit from here.
"""

from __future__ import annotations

from hall.errors import DomainError

CASE_REASON = 2000  # 不予受理: one written reason
CASE_PROMISE = 2000  # 告知承诺: the applicant's promise
CASE_NOTE = 2000  # a clerk's note on a case or a department's on its step
RATING_COMMENT = 500  # 差评: the reasons a person gave
DISPLAY_NOTICE = 200  # one notice on the call screen's ticker (display.json)

BY_KIND = {"reason": CASE_REASON, "promise": CASE_PROMISE, "note": CASE_NOTE,
           "comment": RATING_COMMENT, "notice": DISPLAY_NOTICE}


def checked(value: str | None, kind: str) -> str | None:
    """`value` when it is within its kind's limit; else DomainError `text_long` (nothing
    written)."""
    limit = BY_KIND[kind]
    if value is not None and len(value) > limit:
        raise DomainError(f"the {kind} is longer than {limit} characters", code="text_long",
                          params={"what": kind, "limit": limit})
    return value
