"""Spoken forms of numbers and dates, as data: digit names, the card's groups, month names.

Numbers are read back digit by digit, in the groups the person knows from the card or the
letter, so that they can be checked by ear. The sentences around them are the webhook's.
"""

from __future__ import annotations

from datetime import date

from bot.spelled_code import DIGIT_NAMES

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def spoken_date(value: date) -> str:
    """ "le 3 mars 1985", "le premier mai 1990": a date as said, not "zéro trois barre…"."""
    day = "premier" if value.day == 1 else str(value.day)
    return f"le {day} {MONTHS[value.month - 1]} {value.year}"


def digits_spoken(group: str) -> str:
    """ "085" → "zéro huit cinq": each digit said alone, so that none is mistaken."""
    return " ".join(DIGIT_NAMES[int(c)] if c.isdigit() else c for c in group)


def groups_of(digits: str, sizes: tuple[int, ...]) -> list[str]:
    """Cuts `digits` by `sizes` (the rest, if any, in one last group)."""
    out, position = [], 0
    for size in sizes:
        if position >= len(digits):
            break
        out.append(digits[position : position + size])
        position += size
    if position < len(digits):
        out.append(digits[position:])
    return out


def nir_groups(nir: str) -> list[str]:
    """As printed on the carte Vitale: 1 85 05 78 006 084 36."""
    return groups_of(nir, (1, 2, 2, 2, 3, 3, 2))


def serial_groups(serial: str) -> list[str]:
    """Groups of three, and the key of an 11-digit (with photo) serial on its own: the card
    prints "0102457612 4"."""
    if len(serial) == 11:
        return groups_of(serial[:10], (3, 3, 4)) + [serial[10]]
    return groups_of(serial, (3,) * 5)
