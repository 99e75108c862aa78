"""Dates of birth as people type or say them (path B): "03/03/1985", "3-3-85", "3 mars 85",
"trois mars mille neuf cent quatre-vingt-cinq", "né le 1er janvier 1990".

Day first, always (French). Spoken numbers become digits with `text2num` (through
`bot.french_numbers`, which keeps "trois trois quatre-vingt-cinq" as 3 3 85); month names and
their abbreviations are read by `dateparser` (French only, strict). What neither gets right is
handled here:
- `dateparser` and `text2num` both read "sept" as seven, so "3 sept 1985" became 3 July; after
  typed digits "sept" is the usual abbreviation of septembre. Spoken ("trois sept …") it stays 7,
  as nobody reads "sept." aloud;
- `dateparser` turns relative words into dates ("hier" passes even `STRICT_PARSING`), needs the
  sentence around the date removed ("né le …"), and pivots two-digit years into the future
  ("3/3/30" → 2030): so the date is found here, dateparser only names the month, and a
  two-digit year is the most recent one not in the future;
- "premier" is an ordinal neither understands (`text2num` gives "1er" only with threshold 0).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

import dateparser

from bot.french_numbers import spoken_to_digits
from bot.text_normalization import normalize_text, strip_accents

MAX_AGE_YEARS = 120
BIRTH_DATE_ERRORS = ("empty", "not_a_date", "incomplete", "ambiguous", "in_future", "too_old")

_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
}
# Months dateparser gets wrong or does not know.
_MONTH_OVERRIDES = {"sept": 9, "mar": 3}

_SEP = r"\s*[-/.]\s*|\s+"
_DAY = r"(?<![0-9])(?P<day>[0-9]{1,2})"
_MONTH_WORD = r"(?P<word>[^\W\d_]{3,})\.?"
_YEAR = r"(?P<year>[0-9]{4}|(?:19|20)\s[0-9]{2}|[0-9]{2})(?![0-9])"
_NUMERIC_RE = re.compile(rf"{_DAY}(?:{_SEP})(?P<month>[0-9]{{1,2}})(?:{_SEP}){_YEAR}")
_ISO_RE = re.compile(
    r"(?<![0-9])(?P<year>[0-9]{4})\s*(?P<sep>[-/.])\s*(?P<month>[0-9]{1,2})\s*(?P=sep)\s*"
    r"(?P<day>[0-9]{1,2})(?![0-9])"
)
_COMPACT_RE = re.compile(
    r"(?<![0-9])(?P<day>[0-9]{2})(?P<month>[0-9]{2})(?P<year>[0-9]{4}|[0-9]{2})(?![0-9])"
)
# "3 mars 1985", "3-mars-85", "3 mars, 1985", "le 3 mars en 1985", "3 mars de l'année 1985".
_IN_YEAR = r"(?:(?:en|de l'annee|de l annee|annee)\s+)?"
_WORDED_RE = re.compile(rf"{_DAY}\s*(?:-\s*)?{_MONTH_WORD}\s*[-,]?\s*{_IN_YEAR}{_YEAR}")
# Something like a date that lacks a part: "3 mars", "mars 1985", "03/03".
_WORDED_NO_YEAR_RE = re.compile(rf"{_DAY}\s*{_MONTH_WORD}")
_NO_DAY_RE = re.compile(rf"{_MONTH_WORD}\s+{_IN_YEAR}{_YEAR}")
_NUMERIC_NO_YEAR_RE = re.compile(r"(?<![0-9])[0-9]{1,2}\s*/\s*[0-9]{1,2}(?![0-9/])")

_ORDINAL_RE = re.compile(r"(?<![0-9])1\s?(?:er|ere|re|ier|°)(?![^\W\d_])")
_SPOKEN_FIRST_RE = re.compile(r"\bpremiere?\b")
_SEPT_AFTER_DIGITS_RE = re.compile(r"(?<![0-9])([0-9]{1,2})\s*sept(?![^\W\d_])\.?")


@dataclass(frozen=True)
class BirthDateCheck:
    """A checked date of birth: `value` when valid, else `error` (one of BIRTH_DATE_ERRORS)."""

    value: date | None
    error: str | None


@functools.lru_cache(maxsize=256)
def month_number(word: str) -> int | None:
    """The month a French month name or abbreviation stands for ("fevr" → 2), else None.

    dateparser knows the names and their abbreviations with or without accents and dots; its
    answer is only trusted when it kept the day and year we gave it ("hier" yields yesterday).
    """
    key = strip_accents(word).rstrip(".")
    if key in _MONTH_OVERRIDES:
        return _MONTH_OVERRIDES[key]
    parsed = dateparser.parse(f"15 {key} 2000", languages=["fr"], settings=_DATEPARSER_SETTINGS)
    if parsed is None or parsed.day != 15 or parsed.year != 2000:
        return None
    return parsed.month


def _prepare(text: str) -> str:
    """Lowercase, no accents, ordinals and "sept" fixed, spoken numbers as digits."""
    prepared = strip_accents(normalize_text(text)).replace("\u2019", "'")
    prepared = _ORDINAL_RE.sub("1", prepared)
    prepared = _SEPT_AFTER_DIGITS_RE.sub(r"\1 septembre ", prepared)
    prepared = _SPOKEN_FIRST_RE.sub("1", prepared)
    return spoken_to_digits(prepared)


def _full_year(year: str, month: int, day: int, today: date) -> int:
    """The year a person meant: four digits as given; two digits as the most recent year
    that puts the date not after `today` ("85" → 1985, "05" → 2005)."""
    digits = year.replace(" ", "")
    if len(digits) == 4:
        return int(digits)
    for century in (2000, 1900):
        try:
            if date(century + int(digits), month, day) <= today:
                return century + int(digits)
        except ValueError:
            continue
    return 1900 + int(digits)


def _candidate(day: str, month: int, year: str, today: date) -> date | None:
    """The date, or None when it does not exist (31/02)."""
    try:
        return date(_full_year(year, month, int(day), today), month, int(day))
    except ValueError:
        return None


def _find_dates(prepared: str, today: date) -> tuple[list[date | None], bool]:
    """Every complete date in the text (None for an impossible one like 31/02), and whether
    something date-like lacks a part."""
    found: list[date | None] = []
    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        return all(match.end() <= start or match.start() >= end for start, end in taken)

    for pattern in (_ISO_RE, _WORDED_RE, _NUMERIC_RE, _COMPACT_RE):
        for match in pattern.finditer(prepared):
            if not free(match):
                continue
            if pattern is _WORDED_RE:
                month = month_number(match["word"])
                if month is None:
                    continue
            else:
                month = int(match["month"])
                if not 1 <= month <= 12 and pattern is _COMPACT_RE:
                    continue  # a long number, not a date
            taken.append(match.span())
            found.append(_candidate(match["day"], month, match["year"], today))
    incomplete = any(
        free(match) and month_number(match["word"]) is not None
        for pattern in (_WORDED_NO_YEAR_RE, _NO_DAY_RE)
        for match in pattern.finditer(prepared)
    ) or any(free(match) for match in _NUMERIC_NO_YEAR_RE.finditer(prepared))
    return found, incomplete


def parse_birth_date(text: str, today: date | None = None) -> BirthDateCheck:
    """Reads a date of birth, day first, from a message that may say more ("je suis né le …").

    Errors: "empty"; "not_a_date" (nothing like a date, or an impossible one: 31/02/1985);
    "incomplete" (a part is missing: "3 mars"); "ambiguous" (two different dates);
    "in_future"; "too_old" (more than MAX_AGE_YEARS years ago).
    """
    today = today or date.today()
    if not normalize_text(text):
        return BirthDateCheck(None, "empty")
    found, incomplete = _find_dates(_prepare(text), today)
    valid = set(filter(None, found))
    if len(valid) > 1:
        return BirthDateCheck(None, "ambiguous")
    if not valid:
        return BirthDateCheck(None, "incomplete" if incomplete and not found else "not_a_date")
    value = valid.pop()
    if value > today:
        return BirthDateCheck(None, "in_future")
    if value < _years_before(today, MAX_AGE_YEARS):
        return BirthDateCheck(None, "too_old")
    return BirthDateCheck(value, None)


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def format_birth_date(value: date) -> str:
    """ "03/03/1985": the form the site and the backend use."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
