"""Withheld caller ids: every hidden number is one and the same caller for the throttles.

A caller who hides their number reaches Twilio's webhooks with a `From` that names no one:
a word ("anonymous", "restricted", empty…) or one of the placeholder numbers carriers and Twilio
put there (+266696687 spells ANONYMOUS on a keypad, +7378742833 RESTRICTED, +2562533 BLOCKED,
+8656696 UNAVAIL, +86282452253 UNKNOWN). Counting such callers by their `From` (or by call)
would give each of them a fresh throttle bucket; they share one instead (`WITHHELD`), so a flood
of hidden-number calls only ever exhausts the hidden-number bucket, never anyone else's.
"""

from __future__ import annotations

import re

#: The bucket every withheld caller id shares.
WITHHELD = "withheld"

PLACEHOLDER_NUMBERS = frozenset(
    {"+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253"}
)
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")


def is_withheld(address: str) -> bool:
    """True unless `address` is an E.164 number that names someone (after `normalise_address`:
    a hidden voice caller's per-call address "call:<CallSid>" is withheld too)."""
    address = (address or "").strip()
    return not _E164.fullmatch(address) or address in PLACEHOLDER_NUMBERS
