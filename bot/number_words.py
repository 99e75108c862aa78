"""Every way French says each number from 0 to 9999, as word sequences with their digits.

Standard, Belgian and Swiss spellings ("soixante-dix", "septante", "huitante", "octante",
"nonante"), "vingt-un", "mille"/"mil", years said in hundreds ("dix-neuf cent quatre-vingt-
cinq"), "double zéro", "triple six", "deux zéros". Built once, on first use; read by
bot/number_readings.py to find every grouping a dictated number allows.
"""

from __future__ import annotations

import functools

from bot.number_tokens import DIGIT_WORDS

#: "zero", "un", … "neuf", by value (one table of digit words: bot/number_tokens.py).
_UNITS = sorted(DIGIT_WORDS, key=DIGIT_WORDS.__getitem__)
_TEENS = {10: "dix", 11: "onze", 12: "douze", 13: "treize", 14: "quatorze", 15: "quinze"}
_TEENS[16] = "seize"
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_SWISS_TENS = {7: "septante", 8: "huitante", 9: "nonante"}


def _below_20(n: int) -> list[list[str]]:
    if n < 10:
        return [[_UNITS[n]]] + ([["une"]] if n == 1 else [])
    if n <= 16:
        return [[_TEENS[n]]]
    return [["dix", _UNITS[n - 10]]]


def _below_100(n: int) -> list[list[str]]:
    """Every accepted way of saying 1-99 (standard, Belgian/Swiss, "vingt-un")."""
    if n < 20:
        return _below_20(n)
    tens, unit = divmod(n, 10)
    forms: list[list[str]] = []
    if tens <= 6 or tens in _SWISS_TENS:
        names = [_TENS[tens]] if tens <= 6 else []
        names += [_SWISS_TENS[tens]] if tens in _SWISS_TENS else []
        if tens == 8:
            names.append("octante")
        for name in names:
            if unit == 0:
                forms.append([name])
            elif unit == 1:
                forms += [[name, "et", "un"], [name, "et", "une"], [name, "un"]]
            else:
                forms.append([name, _UNITS[unit]])
    if tens == 7:  # soixante-dix
        rest = n - 60
        if rest == 11:
            forms.append(["soixante", "et", "onze"])
        forms += [["soixante", *form] for form in _below_20(rest)]
    if tens >= 8:  # quatre-vingt(s)
        rest = n - 80
        if rest == 0:
            forms += [["quatre", "vingts"], ["quatre", "vingt"]]
        else:
            forms += [["quatre", "vingt", *form] for form in _below_20(rest)]
            if rest == 1:
                forms.append(["quatre", "vingt", "et", "un"])
    return forms


def _below_1000(n: int) -> list[list[str]]:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(n)
    heads = [["cent"]] if hundreds == 1 else [[_UNITS[hundreds], "cent"]]
    forms = [head + tail for head in heads for tail in (_below_100(rest) if rest else [[]])]
    if hundreds > 1 and rest == 0:
        forms.append([_UNITS[hundreds], "cents"])
    return forms


def _below_10000(n: int) -> list[list[str]]:
    thousands, rest = divmod(n, 1000)
    if thousands == 0:
        forms = _below_1000(n)
    else:
        heads = [["mille"], ["mil"]] if thousands == 1 else [[_UNITS[thousands], "mille"]]
        tails = _below_1000(rest) if rest else [[]]
        forms = [head + tail for head in heads for tail in tails]
    hundreds, rest = divmod(n, 100)
    if 11 <= hundreds <= 19:  # "dix-neuf cent quatre-vingt-cinq": years
        tails = _below_100(rest) if rest else [[]]
        for head in _below_20(hundreds):
            forms += [[*head, "cent", *tail] for tail in tails]
            if not rest:
                forms.append([*head, "cents"])
    return forms


@functools.lru_cache(maxsize=1)
def number_words() -> dict[tuple[str, ...], str]:
    """Every sequence of words (accents removed) that says one number, with its digits:
    0-9999 in every accepted spelling, plus "double zéro", "triple six", "deux zéros"."""
    table: dict[tuple[str, ...], str] = {("zero",): "0"}
    for n in range(1, 10000):
        for form in _below_10000(n):
            table.setdefault(tuple(form), str(n))
    for digit, name in enumerate(_UNITS):
        table[("double", name)] = str(digit) * 2
        table[("triple", name)] = str(digit) * 3
    for count in (2, 3, 4):
        table[(_UNITS[count], "zeros")] = "0" * count
    return table


@functools.lru_cache(maxsize=1)
def lenient_words() -> frozenset[tuple[str, ...]]:
    """Spellings accepted but not standard: a number ending in "quatre vingt" or "deux cent"
    without the plural -s, "vingt-un". A reading that needs one is less likely."""
    slips = set()
    for words in number_words():
        if len(words) >= 2 and words[-2:] == ("quatre", "vingt"):
            slips.add(words)
        elif len(words) >= 2 and words[-1] == "cent" and words[-2] not in ("mille", "mil"):
            slips.add(words)
        elif len(words) == 2 and words[0] in _TENS.values() and words[1] == "un":
            slips.add(words)
    return frozenset(slips)
