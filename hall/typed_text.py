"""Text a person typed (a refusal reason, a note, a promise), as others may read it: runs shaped
like an ID number or a phone number are masked the way the applicant's own fields are.

A clerk types an applicant's ID number or a callback number into a reason; the sealed text
keeps it, but what a screen, the CLI or a receipt shows keeps only the region and the last
four digits unless the reader asks to reveal it (audited by the caller).
"""

from __future__ import annotations

import re

from hall.identity import mask_id_number, mask_phone

# Not inside a longer run of digits: a 20-digit number is neither an ID nor a phone.
_ID = re.compile(r"(?<![0-9])(\d{17}[0-9Xx]|\d{15})(?![0-9])")
# Mobile numbers (optionally +86 and grouped 3-4-4 by spaces or hyphens) and landlines with an
# area code (0xx-xxxxxxxx).
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}[ -]?\d{7,8})(?![0-9])")


def _phone(match: re.Match[str]) -> str:
    whole = match.group(0)
    digits = re.sub(r"\D", "", match.group(1))
    return whole[:match.start(1) - match.start(0)] + mask_phone(digits)


def mask_typed_text(text: str) -> str:
    """`text` with every ID-shaped and phone-shaped run masked (420302********1234,
    138****5678); everything else as typed."""
    text = _ID.sub(lambda m: mask_id_number(m.group(1)), text)
    return _PHONE.sub(_phone, text)


def holds_personal_numbers(text: str) -> bool:
    return mask_typed_text(text) != text
