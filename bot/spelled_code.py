"""The provisional code over the phone: spelled aloud to the person, typed on a keypad.

Reading a spelled code ("A comme Anatole, bé, deux") is `provisional_code.check_code`; this
module does the other two directions a call needs:
- saying a code back so it can be checked by ear: letters with the French spelling alphabet
  ("A comme Anatole"), digits as words ("deux"), in the groups printed on the letter;
- typing it on a keypad, where a key carries three or four letters: each character is two
  keys, the key that carries it and then its place on that key (1 to 4), or 0 for the digit
  itself. "A" is 2 1, "K" is 5 2, "S" is 7 4, the digit 7 is 7 0. Landline phones have no
  other way to enter letters, and two presses per character need no timing (unlike multi-tap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.provisional_code import ALPHABET, CODE_LENGTH

#: The French spelling alphabet (PTT), with its accents, as the person will hear it.
SPELLING_WORDS: dict[str, str] = {
    "A": "Anatole",
    "B": "Berthe",
    "C": "Célestin",
    "D": "Désiré",
    "E": "Eugène",
    "F": "François",
    "G": "Gaston",
    "H": "Henri",
    "I": "Irma",
    "J": "Joseph",
    "K": "Kléber",
    "L": "Louis",
    "M": "Marcel",
    "N": "Nicolas",
    "O": "Oscar",
    "P": "Pierre",
    "Q": "Quintal",
    "R": "Raoul",
    "S": "Suzanne",
    "T": "Thérèse",
    "U": "Ursule",
    "V": "Victor",
    "W": "William",
    "X": "Xavier",
    "Y": "Yvonne",
    "Z": "Zoé",
}
DIGIT_NAMES = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
KEYPAD_LETTERS: dict[str, str] = {
    "2": "ABC",
    "3": "DEF",
    "4": "GHI",
    "5": "JKL",
    "6": "MNO",
    "7": "PQRS",
    "8": "TUV",
    "9": "WXYZ",
}
CODE_GROUP = 4


def spell_character(char: str) -> str:
    """ "A" → "A comme Anatole", "2" → "deux"."""
    upper = char.upper()
    if upper.isdigit():
        return DIGIT_NAMES[int(upper)]
    if upper in SPELLING_WORDS:
        return f"{upper} comme {SPELLING_WORDS[upper]}"
    return upper


def spell_code_groups(code: str) -> list[str]:
    """A code read back in the groups of the letter ("ABCD EFGH JK23"), each character spelled:
    ["A comme Anatole, B comme Berthe, …", …]."""
    compact = re.sub(r"[\s.\-]", "", code).upper()
    return [
        ", ".join(spell_character(c) for c in compact[i : i + CODE_GROUP])
        for i in range(0, len(compact), CODE_GROUP)
    ]


@dataclass(frozen=True)
class KeypadCode:
    """Characters typed as key pairs; `error` is "odd" (a key without its place) or "bad_pair"
    (no such place on that key), `position` the 1-based character where it went wrong."""

    value: str | None
    error: str | None = None
    position: int = 0


def keypad_code(digits: str) -> KeypadCode:
    """Reads key pairs: "21 52 70" → "AK7". Anything but digits is ignored ("#", "*")."""
    keys = re.sub(r"\D", "", digits)
    if not keys:
        return KeypadCode(None, "empty")
    if len(keys) % 2:
        return KeypadCode(None, "odd", len(keys) // 2 + 1)
    out: list[str] = []
    for index in range(0, len(keys), 2):
        key, place = keys[index], int(keys[index + 1])
        letters = KEYPAD_LETTERS.get(key, "")
        if place == 0 and key in ALPHABET:
            out.append(key)
        elif 1 <= place <= len(letters):
            out.append(letters[place - 1])
        else:
            return KeypadCode(None, "bad_pair", index // 2 + 1)
    return KeypadCode("".join(out))


def keypad_pairs(code: str) -> str:
    """The key pairs that type `code` (the inverse of `keypad_code`; for tests and help)."""
    pairs = []
    for char in re.sub(r"[\s.\-]", "", code).upper():
        if char.isdigit():
            pairs.append(f"{char}0")
            continue
        key = next(k for k, letters in KEYPAD_LETTERS.items() if char in letters)
        pairs.append(f"{key}{KEYPAD_LETTERS[key].index(char) + 1}")
    return "".join(pairs)


def expected_keypad_length() -> int:
    return 2 * CODE_LENGTH
