"""French number words for tests: how a person says a number, written three ways.

Independent of `bot/` on purpose (a reader tested against its own speller proves nothing).
Standard French (France): "soixante et onze", "quatre-vingts", "quatre-vingt-un", "deux cents".
"""

from __future__ import annotations

UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> list[str]:
    if n < 10:
        return [UNITS[n]]
    if n < 17:
        return [TEENS[n - 10]]
    if n < 20:
        return ["dix", UNITS[n - 10]]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return [TENS[tens]]
        if unit == 1:
            return [TENS[tens], "et", "un"]
        return [TENS[tens], UNITS[unit]]
    if n < 80:
        if n == 71:
            return ["soixante", "et", "onze"]
        return ["soixante", *_below_100(n - 60)]
    if n == 80:
        return ["quatre", "vingts"]
    return ["quatre", "vingt", *_below_100(n - 80)]


def number_words(n: int) -> list[str]:
    """The words of 0-999, in order: 185 → ["cent", "quatre", "vingt", "cinq"]."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(n)
    head = ["cent"] if hundreds == 1 else [UNITS[hundreds], "cents" if rest == 0 else "cent"]
    return head + (_below_100(rest) if rest else [])


def _tens_units(words: list[str]) -> list[list[str]]:
    """Traditional spelling: the words below 100 hyphenated, "et" and "cent" apart."""
    chunks: list[list[str]] = []
    for word in words:
        joins = (
            chunks
            and word not in ("cent", "cents", "et")
            and chunks[-1][-1] not in ("cent", "cents", "et")
            and not (chunks[-1][-1] == "un" and len(chunks[-1]) == 1)
        )
        if joins:
            chunks[-1].append(word)
        else:
            chunks.append([word])
    return chunks


def say_group(group: str, spelling: str) -> str:
    """One printed group ("05", "084", "2A") said as a person would: leading zeros one by
    one, then the number. spelling: "hyphens" (1990 spelling, every compound hyphenated),
    "traditional" (hyphens below 100 only), "plain" (no hyphen at all)."""
    if group[-1:] in ("A", "B"):
        return f"{say_group(group[:-1], spelling)} {group[-1]}"
    zeros = len(group) - len(group.lstrip("0"))
    said = ["zéro"] * zeros if group.strip("0") else ["zéro"] * (len(group) - 1)
    value = int(group)
    words = number_words(value)
    if spelling == "hyphens":
        number = "-".join(words)
    elif spelling == "traditional":
        number = " ".join("-".join(chunk) for chunk in _tens_units(words))
    else:
        number = " ".join(words)
    return " ".join([*said, number])


def say_groups(groups: list[str], spelling: str, separator: str = " ") -> str:
    return separator.join(say_group(group, spelling) for group in groups)
