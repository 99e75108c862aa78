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
from dataclasses import dataclass
from itertools import pairwise

from text_to_num import alpha2digit

from bot.number_tokens import (
    DIGIT_WORDS,
    REPEATERS,
    SCALES,
    ZERO_COUNTS,
    Token,
    joined,
    number_token_kinds,
    tokenize,
)
from bot.text_normalization import (
    normalize_characters,
    normalize_text,
    normalize_with_offsets,
    strip_accents,
)

#: Imported from here before the split of issue 15 (bot/text_normalization.py,
#: bot/number_tokens.py); kept for the importers not yet moved.
__all__ = [
    "DIGIT_WORDS",
    "NumberGroup",
    "NumberRun",
    "digits_only",
    "find_number_runs",
    "normalize_characters",
    "normalize_text",
    "normalize_with_offsets",
    "spoken_to_digits",
    "strip_accents",
]


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
        if part in REPEATERS and after in DIGIT_WORDS:
            count = REPEATERS[part]
            if after == "zero":
                pending.extend(["zéro"] * count)  # text2num keeps leading zeros: "006"
            else:
                flush()
                groups.append(str(DIGIT_WORDS[after]) * count)
            index += 2
            continue
        if part in ZERO_COUNTS and after == "zeros":
            pending.extend(["zéro"] * ZERO_COUNTS[part])
            index += 2
            continue
        if part in SCALES and pending and pending[-1] == part:
            flush()  # text2num reads "cent cent" as "101 100"
        if part in ("zero", "zeros"):
            pending.append("zéro")
        elif part not in REPEATERS:
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


def _tokens_digits(tokens: list[Token], kinds: list[str | None]) -> str:
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


def _split_run(tokens: list[Token], kinds: list[str | None]) -> list[tuple[str, int, int]]:
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
    tokens = tokenize(normalized, corsica)
    kinds = number_token_kinds(normalized, tokens, corsica)
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
        if current and not joined(normalized, tokens[current[-1]], tokens[index]):
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
    tokens = tokenize(normalized)
    kinds = number_token_kinds(normalized, tokens, corsica=False)
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
            and joined(normalized, tokens[end - 1], tokens[end])
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
