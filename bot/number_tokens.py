"""Which words and digits of a text belong to a number: the tokens French numbers are made of.

A text is cut into tokens (typed digits, dates, words, hyphenated words kept whole) and each
token is classified: a number word ("quatre-vingt", "zéro", "double" before a digit word, "et"
inside "vingt et un"), typed digits, a Corsica letter ("2A") or nothing. What the numbers are
is decided elsewhere: their digits by bot/french_numbers.py, their possible groupings by
bot/number_readings.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text_normalization import strip_accents

# Every word that may appear inside a spoken number (accents removed, lowercase).
DIGIT_WORDS: dict[str, int] = {
    "zero": 0,
    "un": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
TEENS = {"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"}
TENS = {
    "vingt",
    "vingts",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "septante",
    "huitante",
    "octante",
    "nonante",
}
# "et" joins a ten and "un"/"onze" ("vingt et un", "septante et un"); never after "vingts".
TENS_BEFORE_ET = TENS - {"vingts"}
SCALES = {"cent", "cents", "mille", "mil"}
REPEATERS = {"double": 2, "triple": 3}
ZERO_COUNTS = {"deux": 2, "trois": 3, "quatre": 4}
# Parts that are number words wherever they stand ("une" and "et" only inside "vingt et une").
NUMBER_PARTS = set(DIGIT_WORDS) | TEENS | TENS | SCALES | {"zeros"}

_JOINER_RE = re.compile(r"[\s.,\-\u2010-\u2015]*")
_DATE = r"\d+(?:[/:]\d+)+"
_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)*"
_TOKEN_RE = re.compile(rf"(?P<date>{_DATE})|(?P<digits>\d+)|(?P<word>{_WORD})")
# With Corsica: "2A" / "2b" glued to digits ("2A006") is one token.
_TOKEN_CORSICA_RE = re.compile(
    rf"(?P<date>{_DATE})|(?P<digits>\d*2[AaBb]\d*(?![^\W\d_])|\d+)|(?P<word>{_WORD})"
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "date", "digits", "word"

    @property
    def parts(self) -> list[str]:
        return strip_accents(self.text).split("-")


def tokenize(text: str, corsica: bool = False) -> list[Token]:
    pattern = _TOKEN_CORSICA_RE if corsica else _TOKEN_RE
    return [
        Token(match.group(), match.start(), match.end(), match.lastgroup or "")
        for match in pattern.finditer(text)
    ]


def joined(text: str, left: Token, right: Token) -> bool:
    """True when only spaces, dots, commas or dashes separate two tokens."""
    return _JOINER_RE.fullmatch(text, left.end, right.start) is not None


def compound_is_number(parts: list[str]) -> bool:
    """A hyphenated word made only of number words ("quatre-vingt-dix", "soixante-et-onze")."""
    for index, part in enumerate(parts):
        if part in NUMBER_PARTS or part in REPEATERS:
            continue
        inner = 0 < index < len(parts) - 1
        if part == "et" and inner and parts[index - 1] in TENS_BEFORE_ET:
            continue
        if part == "une" and index > 0 and parts[index - 1] == "et":
            continue
        return False
    return True


def number_token_kinds(text: str, tokens: list[Token], corsica: bool) -> list[str | None]:
    """Which tokens belong to a number: "word", "digits", "letter" (Corsica) or None."""
    kinds: list[str | None] = [None] * len(tokens)

    def joined_to(index: int, other: int) -> bool:
        if not 0 <= other < len(tokens):
            return False
        left, right = sorted((index, other))
        return joined(text, tokens[left], tokens[right])

    for index, token in enumerate(tokens):
        if token.kind == "digits":
            kinds[index] = "digits"
        elif token.kind == "word" and compound_is_number(token.parts):
            kinds[index] = "word"
    # Second pass: words that are numbers only next to other number words.
    for index, token in enumerate(tokens):
        if token.kind != "word" or kinds[index] is not None and token.parts[0] not in REPEATERS:
            continue
        parts = token.parts
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        prev = tokens[index - 1] if index > 0 else None
        if parts == ["et"]:
            if (
                prev is not None
                and nxt is not None
                and kinds[index - 1] == "word"
                and prev.parts[-1] in TENS_BEFORE_ET
                and nxt.kind == "word"
                and nxt.parts[0] in ("un", "une", "onze")
                and joined_to(index, index - 1)
                and joined_to(index, index + 1)
            ):
                kinds[index] = "word"
                if nxt.parts == ["une"]:
                    kinds[index + 1] = "word"
        elif len(parts) == 1 and parts[0] in REPEATERS:
            # "double" alone is a number word only before a digit word ("double zéro").
            ok = nxt is not None and nxt.kind == "word" and nxt.parts[0] in DIGIT_WORDS
            kinds[index] = "word" if ok and joined_to(index, index + 1) else None
        elif corsica and len(parts) == 1 and parts[0] in ("a", "b") and prev is not None:
            prev_is_two = (kinds[index - 1] == "digits" and prev.text.endswith("2")) or (
                kinds[index - 1] == "word" and prev.parts[-1] == "deux"
            )
            if prev_is_two and joined_to(index, index - 1):
                kinds[index] = "letter"
    return kinds
