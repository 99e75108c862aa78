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

from bot.french_numbers import spoken_to_digits
from bot.number_readings import Reading, crossings, likeliest, number_spans, readings
from bot.text_normalization import normalize_text

NIR_LENGTH = 15
# First digit: 1/2 (men/women), 3/4 (provisional numbers), 7/8 (temporary numbers).
FIRST_DIGITS = "123478"
NIR_ERRORS = ("empty", "too_short", "too_long", "bad_format", "bad_key", "unsure", "several")
MAX_PROPOSALS = 3
#: Where the groups printed on the carte Vitale end: 1 85 05 78 006 084 91.
PRINTED_CUTS = (1, 3, 5, 7, 10, 13, 15)

_SEPARATORS_RE = re.compile(r"[\s.,\-_/\u2010-\u2015]+")
# 13 to 15 characters with at most one Corsica letter, at the department's place (2A, 2B).
_SHAPE_RE = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6,8}")
_WORD_RE = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class NirCheck:
    """A checked NIR: `value` is the compact 15-character form when valid, else `error` says
    why. Error "unsure": the words allow several valid NIRs; `proposal` is the likeliest, to be
    read back and confirmed (never taken without a yes)."""

    value: str | None
    error: str | None
    proposal: str | None = None
    #: With "unsure", the readings offered to the person (the likeliest first); more than
    #: one when nothing tells them apart, and the person then chooses. With "several", the
    #: NIRs the message holds, to choose from.
    proposals: tuple[str, ...] = ()


@dataclass(frozen=True)
class NirMatch:
    """A NIR-looking number found in a message: its span in the original text and its value
    (compact digits, Corsica letter uppercase; the key may be wrong or missing). When the words
    allow several valid NIRs, `value` is the text of the span itself, so that whoever checks it
    later sees every reading (`check_nir` then answers "unsure")."""

    start: int
    end: int
    value: str


def month_allowed(month: str) -> bool:
    """01-12, or the special ranges INSEE gives when the month is unknown or the person was
    registered from another document (20, 30-42, 50-99; 20-42 accepted as a whole)."""
    number = int(month)
    return 1 <= number <= 12 or 20 <= number <= 42 or 50 <= number <= 99


def nir_prefix_allowed(prefix: str) -> bool:
    """Can `prefix` begin a valid NIR? Checked digit by digit while numbers are read, so that
    readings that cannot be a NIR are dropped early: sex digit, month, department (01-99,
    2A/2B, 97x overseas), commune and order not 000."""
    size = len(prefix)
    if size > NIR_LENGTH:
        return False
    if size >= 1 and prefix[0] not in FIRST_DIGITS:
        return False
    head = prefix[:5]
    if not head.isdigit():
        return False
    if size >= 5 and not month_allowed(prefix[3:5]):
        return False
    if size >= 6:
        department = prefix[5:7]
        if department[0] == "2" and department[1:] in ("A", "B"):
            pass
        elif not department.isdigit() or department == "00":
            return False
    if size >= 8:
        if not prefix[7:].isdigit():
            return False
        if prefix[5:7] == "97" and prefix[7] not in "12345678":
            return False
    if size >= 10 and prefix[7:10] == "000":
        return False
    if size >= 13 and prefix[10:13] == "000":
        return False
    return True


def nir_is_valid(value: str) -> bool:
    """A complete NIR: 15 characters, the rules of `nir_prefix_allowed`, and its key."""
    return len(value) == NIR_LENGTH and nir_prefix_allowed(value) and stdnum_nir.is_valid(value)


def compact_nir(text: str) -> str:
    """Digits (and Corsica letter) of a typed or spoken NIR, without separators, uppercase."""
    return _SEPARATORS_RE.sub("", spoken_to_digits(text)).upper()


@dataclass(frozen=True)
class _Found:
    value: str
    start: int
    end: int
    score: tuple[int, int, int]


def _valid_readings(text: str, whole: bool) -> list[_Found]:
    """Every valid NIR the words of `text` allow, likeliest first. `whole`: the text is only
    the number, so a NIR must be all of it; otherwise it may start at any group."""
    found: dict[str, _Found] = {}
    for span in number_spans(text, corsica=True):
        starts = [0] if whole else [
            index for index in range(len(span.atoms))
            if index == 0 or span.links[index - 1] != "bound"
        ]  # fmt: skip
        for first in starts:
            for reading in readings(
                span, first, NIR_LENGTH, nir_prefix_allowed, whole=whole and first == 0
            ):
                if len(reading.digits) != NIR_LENGTH or not stdnum_nir.is_valid(reading.digits):
                    continue
                score = (crossings(reading, PRINTED_CUTS), reading.slips, len(reading.groups))
                known = found.get(reading.digits)
                if known is None or score < known.score:
                    start, end = span.atoms[first].start, span.atoms[reading.last].end
                    found[reading.digits] = _Found(reading.digits, start, end, score)
            if whole:
                break
    return sorted(found.values(), key=lambda item: item.score)


def _is_bare(text: str) -> bool:
    """True when `text` holds numbers only (no other words around them)."""
    rest = list(text)
    for span in number_spans(text, corsica=True):
        rest[span.start : span.end] = " " * (span.end - span.start)
    return not _WORD_RE.search("".join(rest))


def _decide(found: list[_Found]) -> NirCheck | None:
    """One valid reading: taken. Several: the likeliest is proposed, unless it is the only
    one that follows the printed groups exactly (the person's own grouping settles it)."""
    if not found:
        return None
    if len(found) == 1:
        return NirCheck(found[0].value, None)
    best = found[0]
    apart = [item for item in found[1:] if item.end <= best.start or item.start >= best.end]
    if apart:  # two numbers given: ask which one
        given = tuple(dict.fromkeys(item.value for item in [best, *apart]))
        return NirCheck(None, "several", None, given[:MAX_PROPOSALS])
    tied = tuple(item.value for item in found if item.score == best.score)[:MAX_PROPOSALS]
    return NirCheck(None, "unsure", best.value, tied)


def check_nir(text: str) -> NirCheck:
    """Checks a NIR given in any form: "1 85 05 78 006 084 36", "1.85.05.78.006.084-36", words
    with or without hyphens and commas, "2 A" for Corsica, "… clé 91". A sentence around a
    single NIR ("c'est le 1 85 …") is accepted too. Spoken numbers are read in every grouping
    the words allow; see `NirCheck` for "unsure"."""
    if not normalize_text(text):
        return NirCheck(None, "empty")
    bare = _is_bare(text)
    decided = _decide(_valid_readings(text, whole=bare))
    if decided is None and bare:
        decided = _decide(_valid_readings(text, whole=False))
        if decided is not None and decided.value:  # a NIR inside a longer number: say so
            decided = None
    if decided is not None:
        return decided
    return _likeliest_error(text, bare)


def _likeliest_error(text: str, bare: bool) -> NirCheck:
    """What is wrong with the reading a listener would make (none was a valid NIR)."""
    if bare:
        compact = "".join(likeliest(span).digits for span in number_spans(text, corsica=True))
        if not re.fullmatch(r"[0-9AB]+", compact) or _WORD_RE.search(
            _SEPARATORS_RE.sub("", normalize_text(text))
            .upper()
            .replace("A", "")
            .replace("B", "")
            .translate(str.maketrans("", "", "0123456789"))
        ):
            compact = compact_nir(text)
    else:
        matches = find_nir_matches(text)
        if len(matches) != 1:
            return NirCheck(None, "bad_format")
        compact = matches[0].value
    if not re.fullmatch(r"[0-9AB]+", compact):
        return NirCheck(None, "bad_format")
    if len(compact) < NIR_LENGTH:
        return NirCheck(None, "too_short")
    if len(compact) > NIR_LENGTH:
        return NirCheck(None, "too_long")
    if not _SHAPE_RE.fullmatch(compact) or not nir_prefix_allowed(compact):
        return NirCheck(None, "bad_format")
    try:
        stdnum_nir.validate(compact)
    except InvalidChecksum:
        return NirCheck(None, "bad_key")
    except ValidationError:
        return NirCheck(None, "bad_format")
    return NirCheck(None, "bad_format")


def _is_valid(value: str) -> bool:
    return nir_is_valid(value)


def find_nir_matches(text: str) -> list[NirMatch]:
    """NIR-looking numbers in `text` (valid key or not), with spans in the original text.

    Valid NIRs come from every reading of the words (`_valid_readings`); when one span allows
    several, its value is its text (see `NirMatch`). Others, 13 to 15 characters of the
    likeliest reading starting with 1, 2, 3, 4, 7 or 8, must start where the person started a
    group the way NIRs are written (run start, a lone sex digit, or a long block), so that the
    end of a phone number followed by more digits is not taken for a NIR.
    """
    candidates: list[tuple[int, int, int, int, str]] = []
    by_span: dict[tuple[int, int], list[str]] = {}
    for item in _valid_readings(text, whole=False):
        by_span.setdefault((item.start, item.end), []).append(item.value)
    for (start, end), values in by_span.items():
        value = values[0] if len(values) == 1 else text[start:end]
        candidates.append((0, -(end - start), start, end, value))
    for span in number_spans(text, corsica=True):
        reading = likeliest(span)
        bounds = [(span.atoms[a].start, span.atoms[b - 1].end) for a, b in _group_atoms(reading)]
        groups = reading.groups
        for first in range(len(groups)):
            head = groups[first]
            if head[0] not in FIRST_DIGITS:
                continue
            free_start = first == 0 or len(head) == 1 or len(head) >= 13
            if not free_start:
                continue
            value = ""
            for last in range(first, len(groups)):
                value += groups[last]
                if len(value) > NIR_LENGTH:
                    break
                if len(value) < 13 or not _SHAPE_RE.fullmatch(value) or _is_valid(value):
                    continue
                start, end = bounds[first][0], bounds[last][1]
                candidates.append((1, -(end - start), start, end, value))
    matches: list[NirMatch] = []
    taken: list[tuple[int, int]] = []
    for _tier, _length, start, end, value in sorted(candidates):
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        matches.append(NirMatch(start, end, value))
    return sorted(matches, key=lambda match: match.start)


def _group_atoms(reading: Reading) -> list[tuple[int, int]]:
    """(first atom, atom after the last) of each group of `reading`."""
    starts = (reading.first, *reading.ends[:-1])
    return list(zip(starts, reading.ends, strict=True))


def find_nir_spans(text: str) -> list[tuple[int, int]]:
    """Spans of NIR-looking numbers in the original `text`, to redact them before storage."""
    return [(match.start, match.end) for match in find_nir_matches(text)]


def _groups(nir: str) -> list[str]:
    compact = _SEPARATORS_RE.sub("", nir).upper()
    if not re.fullmatch(r"[0-9AB]*", compact):  # said in words: the likeliest NIR they say
        check = check_nir(nir)
        compact = check.value or check.proposal or "*" * NIR_LENGTH
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
