"""French numbers as people type and say them: "1.85.05…", "un, quatre-vingt-cinq, zéro cinq…".

People dictate long numbers (NIR, card serial, one-time codes) in groups, so a sequence of small
numbers must stay a sequence ("un quatre-vingt-cinq" is 1 then 85, never 86), while "vingt trois"
and "mille neuf cent quatre-vingt-cinq" are single numbers. `text2num` (alpha2digit) does the
arithmetic of French number words; this module feeds it only runs of number words (so ordinary
words such as "premier" are left alone) and handles what it does not: "zero" without accent,
"double zéro", "deux zéros", hyphenated zeros, and spans in the original text for redaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from text_to_num import alpha2digit

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
_TEENS = {"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"}
_TENS = {
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
_TENS_BEFORE_ET = _TENS - {"vingts"}
_SCALES = {"cent", "cents", "mille", "mil"}
_REPEATERS = {"double": 2, "triple": 3}
_ZERO_COUNTS = {"deux": 2, "trois": 3, "quatre": 4}
# Parts that are number words wherever they stand ("une" and "et" only inside "vingt et une").
_NUMBER_PARTS = set(DIGIT_WORDS) | _TEENS | _TENS | _SCALES | {"zeros"}

_JOINER_RE = re.compile(r"[\s.,\-\u2010-\u2015]*")
_DATE = r"\d+(?:[/:]\d+)+"
_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)*"
_TOKEN_RE = re.compile(rf"(?P<date>{_DATE})|(?P<digits>\d+)|(?P<word>{_WORD})")
# With Corsica: "2A" / "2b" glued to digits ("2A006") is one token.
_TOKEN_CORSICA_RE = re.compile(
    rf"(?P<date>{_DATE})|(?P<digits>\d*2[AaBb]\d*(?![^\W\d_])|\d+)|(?P<word>{_WORD})"
)


def _normalize_cluster(cluster: str) -> str:
    """NFKC of one base character and its combining marks, with any Unicode digit in ASCII."""
    out = []
    for char in unicodedata.normalize("NFKC", cluster):
        if char == "\n":
            out.append("\n")
        elif char.isspace():
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            continue  # control, zero-width and private-use characters carry no meaning here
        elif not char.isascii() and unicodedata.decimal(char, None) is not None:
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out)


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of base characters with their combining marks, so NFKC can compose "é"."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            spans.append((start, index))
            start = index
    return spans if text else []


def _unchanged(text: str) -> bool:
    """True when `_normalize_cluster` would leave every character as it is."""
    if text.isascii():
        return text.isprintable()
    return (
        text.isprintable()
        and unicodedata.is_normalized("NFKC", text)
        and not any(char.isdecimal() and not char.isascii() for char in text)
        and not any(unicodedata.category(char) == "Co" for char in text)
    )


def normalize_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Like `normalize_characters`, plus where each output character came from in `text`.

    Returns (normalized, starts, ends): normalized[i] comes from text[starts[i]:ends[i]], so a
    span found in the normalized text maps back to (starts[s], ends[e - 1]) in the original.
    """
    if _unchanged(text):  # nothing to change: the common case, fast
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = _normalize_cluster(text[start:end])
        out.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    return "".join(out), starts, ends


def normalize_characters(text: str) -> str:
    """NFKC, Unicode digits as ASCII, control and zero-width characters removed.

    Keeps the layout (line breaks, runs of spaces): for callers that cut the text in pieces.
    """
    return normalize_with_offsets(text)[0]


def normalize_text(text: str) -> str:
    """One canonical form of what a person typed or said: full-width or Arabic-Indic digits
    become ASCII, non-breaking spaces and control characters go, whitespace is collapsed."""
    return " ".join(normalize_characters(text).split())


def strip_accents(text: str) -> str:
    """Lowercase without diacritics, to compare words typed with or without accents."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    kind: str  # "date", "digits", "word"

    @property
    def parts(self) -> list[str]:
        return strip_accents(self.text).split("-")


def _tokenize(text: str, corsica: bool = False) -> list[_Token]:
    pattern = _TOKEN_CORSICA_RE if corsica else _TOKEN_RE
    return [
        _Token(match.group(), match.start(), match.end(), match.lastgroup or "")
        for match in pattern.finditer(text)
    ]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """True when only spaces, dots, commas or dashes separate two tokens."""
    return _JOINER_RE.fullmatch(text, left.end, right.start) is not None


def _compound_is_number(parts: list[str]) -> bool:
    """A hyphenated word made only of number words ("quatre-vingt-dix", "soixante-et-onze")."""
    for index, part in enumerate(parts):
        if part in _NUMBER_PARTS or part in _REPEATERS:
            continue
        inner = 0 < index < len(parts) - 1
        if part == "et" and inner and parts[index - 1] in _TENS_BEFORE_ET:
            continue
        if part == "une" and index > 0 and parts[index - 1] == "et":
            continue
        return False
    return True


def _classify(text: str, tokens: list[_Token], corsica: bool) -> list[str | None]:
    """Which tokens belong to a number: "word", "digits", "letter" (Corsica) or None."""
    kinds: list[str | None] = [None] * len(tokens)

    def joined_to(index: int, other: int) -> bool:
        if not 0 <= other < len(tokens):
            return False
        left, right = sorted((index, other))
        return _joined(text, tokens[left], tokens[right])

    for index, token in enumerate(tokens):
        if token.kind == "digits":
            kinds[index] = "digits"
        elif token.kind == "word" and _compound_is_number(token.parts):
            kinds[index] = "word"
    # Second pass: words that are numbers only next to other number words.
    for index, token in enumerate(tokens):
        if token.kind != "word" or kinds[index] is not None and token.parts[0] not in _REPEATERS:
            continue
        parts = token.parts
        nxt = tokens[index + 1] if index + 1 < len(tokens) else None
        prev = tokens[index - 1] if index > 0 else None
        if parts == ["et"]:
            if (
                prev is not None
                and nxt is not None
                and kinds[index - 1] == "word"
                and prev.parts[-1] in _TENS_BEFORE_ET
                and nxt.kind == "word"
                and nxt.parts[0] in ("un", "une", "onze")
                and joined_to(index, index - 1)
                and joined_to(index, index + 1)
            ):
                kinds[index] = "word"
                if nxt.parts == ["une"]:
                    kinds[index + 1] = "word"
        elif len(parts) == 1 and parts[0] in _REPEATERS:
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


def _convert_words(words: list[str]) -> list[str]:
    """Digit groups for French number words: ["un", "quatre-vingt-cinq"] → ["1", "85"]."""
    parts: list[str] = []
    for word in words:
        parts.extend(strip_accents(word).split("-"))
    groups: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            converted = alpha2digit(" ".join(pending), "fr", threshold=0)
            groups.extend(re.findall(r"\d+", converted))
            pending.clear()

    index = 0
    while index < len(parts):
        part = parts[index]
        after = parts[index + 1] if index + 1 < len(parts) else None
        if part in _REPEATERS and after in DIGIT_WORDS:
            count = _REPEATERS[part]
            if after == "zero":
                pending.extend(["zéro"] * count)  # text2num keeps leading zeros: "006"
            else:
                flush()
                groups.append(str(DIGIT_WORDS[after]) * count)
            index += 2
            continue
        if part in _ZERO_COUNTS and after == "zeros":
            pending.extend(["zéro"] * _ZERO_COUNTS[part])
            index += 2
            continue
        if part in _SCALES and pending and pending[-1] == part:
            flush()  # text2num reads "cent cent" as "101 100"
        if part in ("zero", "zeros"):
            pending.append("zéro")
        elif part not in _REPEATERS:
            pending.append(part)
        index += 1
    flush()
    return groups


@dataclass(frozen=True)
class NumberGroup:
    """One group of digits as the person gave it ("85", "006", "2A"), with its original span."""

    digits: str
    start: int
    end: int


@dataclass(frozen=True)
class NumberRun:
    """Number groups separated only by spaces, dots, commas or dashes."""

    groups: tuple[NumberGroup, ...]

    @property
    def start(self) -> int:
        return self.groups[0].start

    @property
    def end(self) -> int:
        return self.groups[-1].end

    @property
    def digits(self) -> str:
        return "".join(group.digits for group in self.groups)


def _tokens_digits(tokens: list[_Token], kinds: list[str | None]) -> str:
    """The digits (and Corsica letters) a list of number tokens stands for."""
    out: list[str] = []
    words: list[str] = []
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == "word":
            words.append(token.text)
            continue
        if words:
            out.extend(_convert_words(words))
            words = []
        out.append(token.text.upper())
    if words:
        out.extend(_convert_words(words))
    return "".join(out)


_CUT_CONTEXT = 8


def _split_run(tokens: list[_Token], kinds: list[str | None]) -> list[tuple[str, int, int]]:
    """Cuts a run into groups where converting each side apart changes nothing.

    "un quatre-vingt-cinq" cuts after "un" (1 | 85) but "quatre vingt cinq" does not cut
    anywhere (4 | 25 ≠ 85): the groups follow what the person meant. Typed digits are groups
    of their own, so only cuts between two number words need converting, and only the words
    near the cut (a French number is at most a few words long), which keeps this linear.
    """
    cuts = [0]
    for index in range(1, len(tokens)):
        if kinds[index - 1] != "word" or kinds[index] != "word":
            cuts.append(index)
            continue
        first = index
        while first > max(0, index - _CUT_CONTEXT) and kinds[first - 1] == "word":
            first -= 1
        last = index
        while last < min(len(tokens), index + _CUT_CONTEXT) and kinds[last] == "word":
            last += 1
        before = [token.text for token in tokens[first:index]]
        after = [token.text for token in tokens[index:last]]
        whole = "".join(_convert_words(before + after))
        left = "".join(_convert_words(before))
        right = "".join(_convert_words(after))
        if left and right and left + right == whole:
            cuts.append(index)
    cuts.append(len(tokens))
    groups: list[tuple[str, int, int]] = []
    for begin, end in pairwise(cuts):
        digits = _tokens_digits(tokens[begin:end], kinds[begin:end])
        groups.append((digits, tokens[begin].start, tokens[end - 1].end))
    return groups


def find_number_runs(text: str, corsica: bool = False) -> list[NumberRun]:
    """Every run of typed or spoken numbers in `text`, with spans in the original `text`.

    Dates with slashes ("03/03/1985") and times ("10:30") are not part of runs. With `corsica`,
    "2A"/"2B" (also "2 A", "deux B") count as two characters of a NIR.
    """
    normalized, starts, ends = normalize_with_offsets(text)
    tokens = _tokenize(normalized, corsica)
    kinds = _classify(normalized, tokens, corsica)
    runs: list[NumberRun] = []
    current: list[int] = []

    def close() -> None:
        if not current:
            return
        run_tokens = [tokens[i] for i in current]
        run_kinds = [kinds[i] for i in current]
        groups = tuple(
            NumberGroup(digits, starts[start], ends[end - 1])
            for digits, start, end in _split_run(run_tokens, run_kinds)
            if digits
        )
        if groups:
            runs.append(NumberRun(groups))
        current.clear()

    for index, kind in enumerate(kinds):
        if kind is None:
            close()
            continue
        if current and not _joined(normalized, tokens[current[-1]], tokens[index]):
            close()
        current.append(index)
    close()
    return runs


def spoken_to_digits(text: str) -> str:
    """Replaces French number words by digits, keeping the groups the person made.

    "un quatre-vingt-cinq zéro cinq" → "1 85 05"; "1 85 zero cinq 78" → "1 85 05 78";
    "mille neuf cent quatre-vingt-cinq" → "1985". Other words and typed digits are kept.
    """
    normalized = normalize_text(text)
    tokens = _tokenize(normalized)
    kinds = _classify(normalized, tokens, corsica=False)
    out: list[str] = []
    position = 0
    index = 0
    while index < len(tokens):
        if kinds[index] != "word":
            index += 1
            continue
        end = index + 1
        while (
            end < len(tokens)
            and kinds[end] == "word"
            and _joined(normalized, tokens[end - 1], tokens[end])
        ):
            end += 1
        groups = _convert_words([token.text for token in tokens[index:end]])
        if groups:
            out.append(normalized[position : tokens[index].start])
            out.append(" ".join(groups))
            position = tokens[end - 1].end
        index = end
    out.append(normalized[position:])
    return "".join(out)


def digits_only(text: str) -> str:
    """All the digits in `text`, number words included: "zéro six, 12" → "0612"."""
    return re.sub(r"[^0-9]", "", spoken_to_digits(text))
