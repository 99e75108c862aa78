"""SMS text and what it costs: GSM-7 (160 characters per SMS) versus UCS-2 (70).

A single "ê" or "’" outside the GSM 03.38 alphabet switches the whole message to UCS-2 and can
double or triple the number of SMS billed. French keeps é, è, à, ù, É, Ç in GSM-7; the rest is
replaced by its closest GSM-7 form before sending.
"""

from __future__ import annotations

import re
import unicodedata

# GSM 03.38 default alphabet (3GPP TS 23.038), without the escape character (0x1B).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each of these is sent as escape + character, so it counts as 2.
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")
# What to replace: replies are mostly GSM-7 already, and only the rest is looked at.
_NOT_GSM7 = re.compile("[^" + re.escape("".join(sorted(GSM7_BASIC | GSM7_EXTENDED))) + "]")

SINGLE_GSM7 = 160
PART_GSM7 = 153
SINGLE_UCS2 = 70
PART_UCS2 = 67

# Closest GSM-7 forms for what French text uses and GSM-7 lacks.
_REPLACEMENTS: dict[str, str] = {
    "ç": "c",  # only the uppercase Ç is in the basic table
    "œ": "oe",
    "Œ": "OE",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\t": " ",
    "–": "-",
    "—": "-",
    "‑": "-",
    "‐": "-",
    "−": "-",
    "•": "-",
    "`": "'",
    "´": "'",
    "×": "x",
    "°": "o",
}


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def _closest(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENDED:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    if char.isspace():
        return " "
    # ê → e, Â → A, ï → i, Ÿ → Y: drop the accent when the bare letter is GSM-7.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(c in GSM7_BASIC for c in base):
        return base
    return "?"


def to_gsm7(text: str) -> str:
    """The text with every non-GSM-7 character replaced by its closest GSM-7 form.

    é, è, à, ù, É, Ç are kept (they are in the alphabet); ê → e, ç → c, œ → oe, ’ → ',
    « » → ", … → ..., non-breaking spaces → space, – — → -. Anything else becomes "?".
    """
    return _NOT_GSM7.sub(_closest_match, unicodedata.normalize("NFC", text))


def _closest_match(match: re.Match[str]) -> str:
    return _closest(match.group())


def _gsm7_parts(text: str) -> int:
    septets = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    if septets <= SINGLE_GSM7:
        return 1
    parts, used = 1, 0
    for char in text:
        size = 2 if char in GSM7_EXTENDED else 1
        if used + size > PART_GSM7:  # an escape pair is never split across parts
            parts += 1
            used = 0
        used += size
    return parts


def _ucs2_parts(text: str) -> int:
    units = [len(char.encode("utf-16-le")) // 2 for char in text]
    if sum(units) <= SINGLE_UCS2:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > PART_UCS2:  # a surrogate pair is never split across parts
            parts += 1
            used = 0
        used += size
    return parts


def segments(text: str) -> int:
    """Number of SMS billed for `text` (0 for an empty text).

    GSM-7: 160 in one SMS, 153 per part when concatenated, extension characters count 2;
    UCS-2: 70 in one SMS, 67 per part, characters outside the BMP (emoji) count 2.
    """
    if not text:
        return 0
    return _gsm7_parts(text) if is_gsm7(text) else _ucs2_parts(text)
