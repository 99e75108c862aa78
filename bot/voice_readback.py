"""Which answers a call reads back before the dialogue sees them, and how they are said.

A caller cannot see what the recogniser (or their finger) wrote down, so anything that must be
exact is said back first: the NIR and the card serial digit by digit in the card's groups, the
date of birth as a date ("le 3 mars 1985"), a 6-digit one-time code in two groups of three, a new
mobile number in pairs. Only a value of the right shape is read back; anything else goes to the
dialogue, which says what is wrong. The provisional code is spelled back ("A comme Anatole").
Data only: the sentence said before each kind of value is the webhook's (webhook/texts.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.birth_date import format_birth_date, parse_birth_date
from bot.card import check_serial
from bot.contact_details import parse_mobile
from bot.french_numbers import spoken_to_digits
from bot.nir import check_nir
from bot.provisional_code import check_code
from bot.spelled_code import spell_code_groups
from bot.voice_text import digits_spoken, groups_of, nir_groups, serial_groups, spoken_date

OTP_LENGTH = 6


@dataclass(frozen=True)
class ReadBack:
    """`value` is what the dialogue gets once the caller says "exact"; `groups` what is said;
    `what` names the kind of value for the sentence said before it."""

    value: str
    groups: list[str] = field(default_factory=list)
    vault_kind: str = "tok"  # the vault holds the value while it waits for the "1"
    what: str = "number"  # number | code | date | otp | mobile


def read_back_for(step: str, given: str) -> ReadBack | None:
    """The read-back of `given` (keys or speech) at `step`, or None when it is not worth one.

    The `#` that ends a keyed entry is not part of it (Twilio leaves it out of `Digits`, a
    client may not): without this, a card serial keyed with its `#` was not read back at all.
    """
    reader = _READERS.get(step)
    given = (given or "").strip().rstrip("#").strip()
    return reader(given) if reader and given else None


def _nir(given: str) -> ReadBack | None:
    check = check_nir(given)
    # Several valid readings: the likeliest is read back, and the caller confirms or not.
    value = check.value or (check.proposals[0] if check.error == "unsure" else None)
    if not value:
        return None
    return ReadBack(value, [digits_spoken(g) for g in nir_groups(value)], "nir")


def _serial(given: str) -> ReadBack | None:
    digits = re.sub(r"\D", "", spoken_to_digits(given))
    check = check_serial(given, "without_photo")
    proposal = check.proposals[0] if check.error == "unsure" else None
    value = check.value or proposal or (digits if len(digits) == 11 else None)
    if not value:
        return None
    return ReadBack(value, [digits_spoken(g) for g in serial_groups(value)])


def _birth_date(given: str) -> ReadBack | None:
    value = parse_birth_date(given).value
    if value is None:
        return None
    return ReadBack(
        format_birth_date(value),
        birth_date_groups(value),
        what="date",
    )


def birth_date_groups(value: date) -> list[str]:
    """ "le 3 mars", "1985": the day and month, then the year, said slowly."""
    words = spoken_date(value)
    return [words.rsplit(" ", 1)[0], str(value.year)]


def _one_time_code(given: str) -> ReadBack | None:
    digits = re.sub(r"\D", "", spoken_to_digits(given))
    if len(digits) != OTP_LENGTH:
        return None
    groups = [digits_spoken(g) for g in groups_of(digits, (3, 3))]
    return ReadBack(digits, groups, "otp", what="otp")


def _mobile(given: str) -> ReadBack | None:
    check = parse_mobile(given)
    value = check.value or (check.proposals[0] if check.error == "unsure" else None)
    if not value or not value.startswith("+33"):
        return None
    national = "0" + value[3:]
    pairs = groups_of(national, (2,) * 5)
    return ReadBack(" ".join(pairs), [digits_spoken(p) for p in pairs], what="mobile")


def _code(given: str) -> ReadBack | None:
    value = check_code(given).value
    if not value:
        return None
    return ReadBack(value, spell_code_groups(value), "code", what="code")


_READERS = {
    "provisional_code": _code,
    "nir": _nir,
    "card_serial": _serial,
    "birth_date": _birth_date,
    "otp_code": _one_time_code,
    "new_contact": _mobile,
}
