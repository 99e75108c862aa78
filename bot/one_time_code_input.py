"""A one-time code as people type or say it: 6 digits, whatever the spacing or the words."""

from __future__ import annotations

import re

from bot.french_numbers import digits_only, find_number_runs, normalize_text
from bot.number_readings import number_spans, readings

CODE_LENGTH = 6

_TYPED_CODE_RE = re.compile(r"[0-9\s.\-_/\u2010-\u2015]+")


def normalize_code(text: str) -> str | None:
    """The 6 digits of a typed or spoken code, or None when there are not exactly 6.

    Accepts "493 027", "493-027", full-width or other Unicode digits (NFKC), spoken French
    ("quatre cent quatre-vingt-treize zéro vingt-sept": every grouping of the words is read,
    and a code is taken only when one 6-digit reading fits) and a code inside a sentence
    ("mon code est 493027") when it is the only 6-digit number there.
    """
    normalized = normalize_text(text)
    if _TYPED_CODE_RE.fullmatch(normalized):
        digits = re.sub(r"[^0-9]", "", normalized)
    else:
        # Spoken: every grouping of the words; a code only when one 6-digit reading fits.
        found = {
            reading.digits
            for span in number_spans(normalized)
            for reading in readings(span, max_length=CODE_LENGTH)
            if len(reading.digits) == CODE_LENGTH
        }
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            return None  # "malformed": asked again, no try spent on a guess
        digits = digits_only(normalized)
    if len(digits) == CODE_LENGTH:
        return digits
    runs = {run.digits for run in find_number_runs(normalized) if len(run.digits) == CODE_LENGTH}
    return runs.pop() if len(runs) == 1 else None
