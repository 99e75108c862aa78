"""The 12-character provisional code: generating, reading (typed or spelled aloud), finding.

The alphabet leaves out 0/O and 1/I/L so that a code read from a letter or a screen cannot be
misread; when someone types one of those anyway, the check names the characters so the assistant
can explain ("le code ne contient jamais la lettre O ni le chiffre 0") instead of a bare "invalid".
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from bot.french_numbers import spoken_to_digits
from bot.number_tokens import DIGIT_WORDS
from bot.text_normalization import normalize_text, normalize_with_offsets, strip_accents

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
VALIDITY = timedelta(weeks=6)
CODE_ERRORS = ("empty", "too_short", "too_long", "bad_characters")

_IGNORED_RE = re.compile(r"[\s.\-_\u2010-\u2015]+")

# Letter names as said in French (accents removed), and the radio alphabets people use to spell.
LETTER_NAMES: dict[str, str] = {
    "a": "A",
    "be": "B",
    "ce": "C",
    "de": "D",
    "e": "E",
    "effe": "F",
    "ge": "G",
    "ache": "H",
    "hache": "H",
    "i": "I",
    "ji": "J",
    "ka": "K",
    "elle": "L",
    "emme": "M",
    "enne": "N",
    "o": "O",
    "pe": "P",
    "ku": "Q",
    "erre": "R",
    "esse": "S",
    "te": "T",
    "u": "U",
    "ve": "V",
    "ixe": "X",
    "zede": "Z",
    "zed": "Z",
}
RADIO_WORDS: dict[str, str] = {
    word: word[0].upper()
    for word in (
        # French (PTT) spelling alphabet
        "anatole berthe celestin desire eugene francois gaston henri irma joseph kleber louis "
        "marcel nicolas oscar pierre quintal raoul suzanne therese ursule victor william xavier "
        "yvonne zoe "
        # NATO alphabet
        "alpha alfa bravo charlie delta echo foxtrot golf hotel india juliette juliett kilo "
        "lima mike november papa quebec romeo sierra tango uniform whisky whiskey xray yankee "
        "zulu"
    ).split()
}
# Words that carry no character when a code is spelled aloud ("c'est", "euh", "tiret").
_FILLERS = {
    "cest",
    "est",
    "mon",
    "le",
    "la",
    "code",
    "provisoire",
    "voici",
    "voila",
    "alors",
    "puis",
    "ensuite",
    "euh",
    "heu",
    "hum",
    "lettre",
    "chiffre",
    "majuscule",
    "minuscule",
    "tiret",
    "espace",
    "point",
    "et",
}
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_CHAR = "[A-HJ-NP-Za-hj-np-z2-9]"
_SEP = r"(?:[ \t]*[-.\u2010-\u2015][ \t]*|[ \t]+)"
_CODE_RE = re.compile(
    r"(?<![^\W_])(?:"
    rf"{_CHAR}{{12}}"
    rf"|{_CHAR}{{4}}{_SEP}{_CHAR}{{4}}{_SEP}{_CHAR}{{4}}"
    rf"|{_CHAR}{{6}}{_SEP}{_CHAR}{{6}}"
    rf"|{_CHAR}{{3}}{_SEP}{_CHAR}{{3}}{_SEP}{_CHAR}{{3}}{_SEP}{_CHAR}{{3}}"
    r")(?![^\W_])"
)


def generate_code() -> str:
    """A new provisional code from a CSPRNG (`secrets`): 32^12 = 2^60 possibilities."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class CodeCheck:
    """A checked code: `value` (uppercase, no separators) or `error`; `bad_chars` lists the
    characters that are never in a code (O, 0, I, 1, L, …) in the order typed."""

    value: str | None
    error: str | None
    bad_chars: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class CodeMatch:
    """A provisional code found in a message: span in the original text and normalized value."""

    start: int
    end: int
    value: str


def normalize_code(text: str) -> str:
    """Uppercase without spaces, dashes or dots: "abcd-efgh jk23" → "ABCDEFGHJK23"."""
    return _IGNORED_RE.sub("", normalize_text(text)).upper()


def _spell(text: str) -> tuple[str, list[str]]:
    """Characters of a spelled code and the words that were not understood."""
    words = [
        re.sub("['’]", "", strip_accents(word)) for word in _WORD_RE.findall(spoken_to_digits(text))
    ]
    out: list[str] = []
    unknown: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        after = words[index + 1] if index + 1 < len(words) else None
        char = _spelled_char(word)
        if word == "double" and after in ("ve", "v"):
            out.append("W")
            index += 2
            continue
        if word == "double" and after is not None and _spelled_char(after):
            out.append(_spelled_char(after) * 2)
            index += 2
            continue
        if word == "i" and after == "grec":
            out.append("Y")
            index += 2
            continue
        if char and after == "comme" and index + 2 < len(words):
            out.append(char)  # "A comme Anatole": the letter said first wins
            index += 3
            continue
        if word == "comme" and after is not None:
            out.append(after[0].upper())
            index += 2
            continue
        if char:
            out.append(char)
        elif word in _FILLERS:
            pass
        elif len(word) <= CODE_LENGTH and all(c in ALPHABET for c in word.upper()):
            out.append(word.upper())  # a typed chunk of the code ("BCD", "jk23")
        else:
            out.append(word.upper())
            unknown.append(word)
        index += 1
    return "".join(out), unknown


def _spelled_char(word: str) -> str:
    """One spelled character: a typed letter or digits, a letter name, a radio word."""
    if word.isdigit():
        return word
    if len(word) == 1 and word.isalpha():
        return word.upper()
    if word in LETTER_NAMES:
        return LETTER_NAMES[word]
    if word in RADIO_WORDS:
        return RADIO_WORDS[word]
    if word in DIGIT_WORDS:
        return str(DIGIT_WORDS[word])
    return ""


def spelled_to_characters(text: str) -> str:
    """The characters of a code spelled aloud or typed: "A comme Anatole, bé, deux, trois"
    → "AB23"; "double vé" → "W"; "i grec" → "Y". Number words become digits ("vingt-trois"
    → "23"); words that are not spelling are kept uppercase (the check then reports them)."""
    return _spell(text)[0]


def _result(compact: str) -> CodeCheck:
    if not compact:
        return CodeCheck(None, "empty")
    bad = tuple(dict.fromkeys(char for char in compact if char not in ALPHABET))
    if bad:
        return CodeCheck(None, "bad_characters", bad)
    if len(compact) < CODE_LENGTH:
        return CodeCheck(None, "too_short")
    if len(compact) > CODE_LENGTH:
        return CodeCheck(None, "too_long")
    return CodeCheck(compact, None)


def check_code(text: str) -> CodeCheck:
    """Checks a provisional code typed ("abcd-efgh-jk23"), in a sentence ("mon code est …"),
    or spelled aloud ("A comme Anatole, bé, …"). Case, spaces, dashes and dots do not matter."""
    typed = normalize_code(text)
    if not typed:
        return CodeCheck(None, "empty")
    literal = _result(typed)
    if literal.value:
        return literal
    found = find_code_matches(text, expecting_code=True)
    if len(found) == 1:
        return CodeCheck(found[0].value, None)
    spelled, unknown = _spell(text)
    if not unknown:
        return _result(spelled)
    return literal


def find_code_matches(text: str, expecting_code: bool = False) -> list[CodeMatch]:
    """Provisional codes typed in a message, with spans in the original text.

    12 characters of the alphabet, whole or in groups of 3, 4 or 6 separated by spaces, dashes
    or dots. Unless a code is expected, at least one digit and one letter are required, so that
    French words ("ABRACADABRANT") are left alone.
    """
    normalized, starts, ends = normalize_with_offsets(text)
    matches: list[CodeMatch] = []
    for match in _CODE_RE.finditer(normalized):
        value = _IGNORED_RE.sub("", match.group()).upper()
        has_digit = any(char.isdigit() for char in value)
        has_letter = any(char.isalpha() for char in value)
        if expecting_code or (has_digit and has_letter):
            matches.append(CodeMatch(starts[match.start()], ends[match.end() - 1], value))
    return matches


def find_code_spans(text: str, expecting_code: bool = False) -> list[tuple[int, int]]:
    """Spans of provisional codes in the original `text`, to redact them before storage."""
    return [(match.start, match.end) for match in find_code_matches(text, expecting_code)]


def code_hash(code: str, pepper: bytes) -> str:
    """HMAC-SHA256 (hex) of the normalized code: the backend stores this, never the code."""
    if not pepper:
        raise ValueError("code_hash needs a non-empty pepper")
    return hmac.new(pepper, normalize_code(code).encode("utf-8"), hashlib.sha256).hexdigest()
