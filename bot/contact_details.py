"""A new mobile number or e-mail address, as a person types or says it (contact change).

Mobiles: French forms ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12…", "+33 (0)6…",
"0033 6…", spoken "zéro six douze trente-quatre…") become E.164 with `phonenumbers`. Any
country's valid mobile is accepted (the region only defaults to France): people living abroad or
near a border have a foreign mobile, and SMS reach it. Overseas departments share the French
10-digit plan ("0690…", "0692…") but have their own country codes (+590, +262…), so a national
number that is not a French one is tried in their regions too. Landlines, VoIP (09) and
special numbers are refused ("not_mobile"): the codes go by SMS.

E-mail addresses: read by `bot/dictated_email.py` (typed or dictated, inside a sentence; syntax
with `email-validator`, no DNS lookup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

from bot.dictated_email import read_email
from bot.french_numbers import spoken_to_digits
from bot.number_readings import crossings, number_spans, readings
from bot.text_normalization import normalize_text

MOBILE_ERRORS = (
    "empty",
    "not_a_phone",
    "too_short",
    "too_long",
    "not_mobile",
    "ambiguous",
    "unsure",
)
EMAIL_ERRORS = ("empty", "invalid", "ambiguous")

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Regions numbered like France ("0" + 9 digits) with their own country code.
_OVERSEAS_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
_FRENCH_NATIONAL_LENGTH = 10

_PLUS_WORD_RE = re.compile(r"\bplus\s*(?=[0-9])", re.IGNORECASE)
_TRUNK_ZERO_RE = re.compile(r"\(\s*0\s*\)")
# Digits with the separators people put between them, optionally after a "+".
_PHONE_RUN_RE = re.compile(r"\+?\s*[0-9](?:[\s.\-/()]*[0-9])*")
_MIN_PHONE_DIGITS = 6


@dataclass(frozen=True)
class ContactCheck:
    """A checked contact detail: `value` (E.164 mobile, normalised e-mail) or `error`.

    Error "unsure" (mobiles): the spoken words allow several valid numbers; `proposals` are
    the readings to offer the person (likeliest first), never taken without a yes."""

    value: str | None
    error: str | None
    proposals: tuple[str, ...] = ()


def _phone_candidates(text: str, spoken: bool) -> list[str]:
    """Runs of digits long enough to be a phone number, as "+digits" or "digits"."""
    prepared = spoken_to_digits(text) if spoken else text
    prepared = _PLUS_WORD_RE.sub("+", prepared)
    prepared = _TRUNK_ZERO_RE.sub(" ", prepared)
    candidates = []
    for match in _PHONE_RUN_RE.finditer(prepared):
        digits = re.sub(r"[^0-9]", "", match.group())
        if len(digits) >= _MIN_PHONE_DIGITS:
            plus = "+" if match.group().startswith("+") else ""
            candidates.append(plus + digits)
    return candidates


def _check_number(candidate: str) -> ContactCheck:
    """One candidate ("+33612345678", "0612345678", "0033…") checked as a mobile number."""
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    french_national = candidate.startswith("0")
    if french_national and len(candidate) < _FRENCH_NATIONAL_LENGTH:
        return ContactCheck(None, "too_short")
    if french_national and len(candidate) > _FRENCH_NATIONAL_LENGTH:
        return ContactCheck(None, "too_long")
    regions = ("FR", *_OVERSEAS_REGIONS) if french_national else ("FR",)
    number = None
    for region in regions:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            return ContactCheck(None, "not_a_phone")
        if phonenumbers.is_valid_number(parsed):
            number = parsed
            break
    if number is None:
        reason = phonenumbers.is_possible_number_with_reason(phonenumbers.parse(candidate, "FR"))
        if reason == ValidationResult.TOO_SHORT:
            return ContactCheck(None, "too_short")
        if reason == ValidationResult.TOO_LONG:
            return ContactCheck(None, "too_long")
        return ContactCheck(None, "not_a_phone")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return ContactCheck(None, "not_mobile")
    return ContactCheck(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
    )


_PAIR_CUTS = (2, 4, 6, 8, 10)
_PLUS_SPOKEN_RE = re.compile(r"\bplus\s+", re.IGNORECASE)
_MAX_PHONE_LENGTH = 15
_MAX_PROPOSALS = 3


def _mobile_readings(text: str) -> list[tuple[str, tuple[int, int, int], int, int]]:
    """(E.164 value, score, start, end) of every valid mobile the words of `text` allow.

    A number runs to the end of its stretch of numbers, may leave out an article ("c'est un
    06…"), and starts with "+" (or "plus") or a 0; the score prefers pairs as said (06 30 85 12 34), standard spelling, fewer numbers.
    """
    prepared = _PLUS_SPOKEN_RE.sub("+ ", _TRUNK_ZERO_RE.sub(" ", text))
    prepared = re.sub(r"[()/]", " ", prepared)
    found: dict[str, tuple[str, tuple[int, int, int], int, int]] = {}
    for span in number_spans(prepared):
        for first in range(len(span.atoms)):
            if first and span.links[first - 1] == "bound":
                continue
            if first and span.atoms[first - 1].text not in ("un", "une"):
                break  # only an article may be left out ("c'est un 06…")
            start = span.atoms[first].start
            plus = "+" if prepared[:start].rstrip().endswith("+") else ""
            for reading in readings(span, first, _MAX_PHONE_LENGTH, whole=True):
                if len(reading.digits) < _MIN_PHONE_DIGITS or not (
                    plus or reading.digits.startswith("0")
                ):
                    continue
                check = _check_number(plus + reading.digits)
                if check.value is None:
                    continue
                cuts = 0 if plus else crossings(reading, _PAIR_CUTS)
                score = (cuts, reading.slips, len(reading.groups))
                known = found.get(check.value)
                if known is None or score < known[1]:
                    end = span.atoms[reading.last].end
                    found[check.value] = (check.value, score, start, end)
    return sorted(found.values(), key=lambda item: item[1])


def national_pairs(e164: str) -> str:
    """ "+33630851234" → "06 30 85 12 34", the way a French mobile is read back; other
    numbers stay as they are."""
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return e164


def parse_mobile(text: str) -> ContactCheck:
    """Reads a mobile number, alone or in a sentence ("c'est le 06 12 34 56 78"), → E.164.
    Words and digits may mix ("zéro six 12 34 56 78"); spoken numbers are read in every
    grouping the words allow (bot/number_readings.py) and the French mobile ranges choose.

    Errors: "empty"; "not_a_phone" (no number, or not a valid one); "too_short" / "too_long"
    (a digit missing or extra: the assistant can say so); "not_mobile" (a landline, 09, 08…);
    "ambiguous" (two different numbers); "unsure" (one number said in words that several
    valid mobiles fit: `proposals`).
    """
    normalized = normalize_text(text)
    if not normalized:
        return ContactCheck(None, "empty")
    found = _mobile_readings(normalized)
    if found:
        best = found[0]
        others = found[1:]
        apart = [item for item in others if item[3] <= best[2] or item[2] >= best[3]]
        if apart:  # two numbers: the person chooses
            given = tuple(dict.fromkeys(item[0] for item in [best, *apart]))
            return ContactCheck(None, "ambiguous", given[:_MAX_PROPOSALS])
        if not others:
            return ContactCheck(best[0], None)
        tied = tuple(item[0] for item in found if item[1] == best[1])
        proposals = (best[0], *[value for value in tied if value != best[0]])
        return ContactCheck(None, "unsure", proposals[:_MAX_PROPOSALS])
    # Number words only when no number was typed: "c'est un 06…" must not read as 1 06….
    candidates = _phone_candidates(normalized, spoken=False) or _phone_candidates(
        normalized, spoken=True
    )
    checks = [_check_number(candidate) for candidate in candidates]
    if not checks:
        return ContactCheck(None, "not_a_phone")
    values = {check.value for check in checks if check.value}
    if len(values) > 1:
        return ContactCheck(None, "ambiguous")
    if values:
        return ContactCheck(values.pop(), None)
    return checks[0] if len(checks) == 1 else ContactCheck(None, "not_a_phone")


def parse_email(text: str) -> ContactCheck:
    """Reads an e-mail address, alone or in a sentence, typed or dictated
    (`bot.dictated_email.read_email`); the value is email-validator's normal form (domain
    lowercased, local part kept as typed: it may be case-sensitive). A reading that is not
    certain (dictated, or a space bridged inside the address) is still returned here: the
    contact form spells it back and asks before using it.

    Errors: "empty"; "invalid" (no address, or a malformed one); "ambiguous" (two addresses).
    """
    reading = read_email(text)
    error = "invalid" if reading.error == "no_ending" else reading.error
    return ContactCheck(reading.address, error)
