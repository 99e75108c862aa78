"""The French social security number (NIR), however people give it, and how to hide it.

Checking is `stdnum.fr.nir` (key = 97 − (13 digits mod 97), Corsica 2A/2B as 19/18); this module
adds what a conversation needs: spoken and dotted forms, one error per way of getting it wrong
(so the assistant can say what to fix), spans to redact a NIR from any message, and the
display mask and keyed hash that let the rest of the system work without the number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from itertools import pairwise

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import nir as stdnum_nir

from bot.french_numbers import find_number_runs, normalize_text, spoken_to_digits

NIR_LENGTH = 15
# First digit: 1/2 (men/women), 3/4 (provisional numbers), 7/8 (temporary numbers).
FIRST_DIGITS = "123478"
NIR_ERRORS = ("empty", "too_short", "too_long", "bad_format", "bad_key")

_SEPARATORS_RE = re.compile(r"[\s.,\-_/\u2010-\u2015]+")
# 13 to 15 characters with at most one Corsica letter, at the department's place (2A, 2B).
_SHAPE_RE = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6,8}")


@dataclass(frozen=True)
class NirCheck:
    """A checked NIR: `value` is the compact 15-character form when valid, else `error` says why."""

    value: str | None
    error: str | None


@dataclass(frozen=True)
class NirMatch:
    """A NIR-looking number found in a message: its span in the original text and its value
    (compact digits, Corsica letter uppercase; the key may be wrong or missing)."""

    start: int
    end: int
    value: str


def compact_nir(text: str) -> str:
    """Digits (and Corsica letter) of a typed or spoken NIR, without separators, uppercase."""
    return _SEPARATORS_RE.sub("", spoken_to_digits(text)).upper()


def check_nir(text: str) -> NirCheck:
    """Checks a NIR given in any form: "1 85 05 78 006 084 36", "1.85.05.78.006.084-36", words,
    "2 A" for Corsica. A sentence around a single NIR ("c'est le 1 85 …") is accepted too."""
    if not normalize_text(text):
        return NirCheck(None, "empty")
    compact = compact_nir(text)
    if not re.fullmatch(r"[0-9AB]+", compact):
        matches = find_nir_matches(text)
        if len(matches) != 1:
            return NirCheck(None, "bad_format")
        compact = matches[0].value
    if len(compact) < NIR_LENGTH:
        return NirCheck(None, "too_short")
    if len(compact) > NIR_LENGTH:
        return NirCheck(None, "too_long")
    if not _SHAPE_RE.fullmatch(compact):
        return NirCheck(None, "bad_format")
    try:
        return NirCheck(stdnum_nir.validate(compact), None)
    except InvalidChecksum:
        return NirCheck(None, "bad_key")
    except ValidationError:
        return NirCheck(None, "bad_format")


def _is_valid(value: str) -> bool:
    return len(value) == NIR_LENGTH and stdnum_nir.is_valid(value)


def find_nir_matches(text: str) -> list[NirMatch]:
    """NIR-looking numbers in `text` (valid key or not), with spans in the original text.

    13 to 15 characters once the groups of a run are joined, starting with 1, 2, 3, 4, 7 or 8.
    Windows with a valid key win; others must start where the person started a group the way
    NIRs are written (run start, a lone sex digit, or a long block), so that the end of a phone
    number followed by more digits is not taken for a NIR.
    """
    matches: list[NirMatch] = []
    for run in find_number_runs(text, corsica=True):
        groups = run.groups
        candidates: list[tuple[int, int, int, int, str]] = []
        for first in range(len(groups)):
            head = groups[first].digits
            if head[0] not in FIRST_DIGITS:
                continue
            free_start = first == 0 or len(head) == 1 or len(head) >= 13
            value = ""
            for last in range(first, len(groups)):
                value += groups[last].digits
                if len(value) > NIR_LENGTH:
                    break
                if len(value) < 13 or not _SHAPE_RE.fullmatch(value):
                    continue
                tier = 0 if _is_valid(value) else 1
                if tier == 1 and not free_start:
                    continue
                candidates.append((tier, -len(value), first, last, value))
        taken: set[int] = set()
        for _tier, _length, first, last, value in sorted(candidates):
            indices = set(range(first, last + 1))
            if indices & taken:
                continue
            taken |= indices
            matches.append(NirMatch(groups[first].start, groups[last].end, value))
    return sorted(matches, key=lambda match: match.start)


def find_nir_spans(text: str) -> list[tuple[int, int]]:
    """Spans of NIR-looking numbers in the original `text`, to redact them before storage."""
    return [(match.start, match.end) for match in find_nir_matches(text)]


def _groups(nir: str) -> list[str]:
    compact = _SEPARATORS_RE.sub("", nir).upper()
    bounds = (0, 1, 3, 5, 7, 10, 13, len(compact))
    groups = [compact[a:b] for a, b in pairwise(bounds) if compact[a:b]]
    if len(compact) > NIR_LENGTH:  # not a NIR: keep no clear tail beyond the key's place
        groups[-1] = "*" * len(groups[-1])
    return groups


def format_nir_groups(nir: str) -> str:
    """The NIR as printed on the carte Vitale: "1 85 05 78 006 084 36"."""
    return " ".join(_groups(nir))


def mask_nir(nir: str) -> str:
    """The NIR as the advisor console shows it: "1 85 05 ** *** *** 36".

    Sex, year and month of birth and the key stay (enough to tell people apart in a
    conversation); the place of birth and the order number, which identify, are hidden.
    """
    groups = _groups(nir)
    return " ".join(
        "*" * len(group) if index in (3, 4, 5) else group for index, group in enumerate(groups)
    )


def nir_hash(nir: str, pepper: bytes) -> str:
    """HMAC-SHA256 (hex) of the compact NIR: lets the backend find a person without storing
    the number. The pepper is a server secret; without it the hash of a 15-digit number with a
    check key could be brute-forced, hence the refusal of an empty one."""
    if not pepper:
        raise ValueError("nir_hash needs a non-empty pepper")
    return hmac.new(pepper, compact_nir(nir).encode("ascii", "replace"), hashlib.sha256).hexdigest()
