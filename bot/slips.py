"""What a slip looks like: the shape tests behind redaction by step (bot/redaction.py).

The parsers (bot/nir.py, bot/provisional_code.py, bot/french_numbers.py) read values typed the
expected way. People also type them the unexpected way: a NIR with slashes or the letter O for
zero, a code with a character missing inside a sentence, a password where the identifier is
asked. At a step that asks for a secret, redaction therefore asks the opposite question: is this
message clearly *not* the secret (an ordinary sentence, a control word)? Anything else is
vaulted whole. This module answers that question, reads number runs written with `_`, `/` or
O-for-0 as numbers, and tells password-shaped tokens.
"""

from __future__ import annotations

import re

from bot.credentials import identifier_problems
from bot.french_numbers import find_number_runs
from bot.provisional_code import LETTER_NAMES, RADIO_WORDS
from bot.text_normalization import normalize_text, strip_accents

# A run of digits and O/o touching no other letter ("O5", "OO6", "1985O"): O for zero.
_DIGITS_AND_O = re.compile(r"(?<![^\W\d_])[0-9Oo]+(?![^\W\d_])")
# "/" or "_" between two digits (or a digit and an O read as zero): a separator of groups.
_DIGIT_SEPARATOR = re.compile(r"(?<=[0-9Oo])[/_](?=[0-9Oo])")

# Characters of ordinary sentences besides letters and spaces.
_SENTENCE_PUNCTUATION = frozenset(".,;:!?'’\"«»()-–—…=")
_VOWELS = frozenset("aeiouy")
# Words written in capitals inside an ordinary sentence ("je veux un CONSEILLER"), and SMS
# abbreviations without vowels: none of them can be part of a provisional code alone.
_KNOWN_WORDS = frozenset(
    "aide help conseiller stop arret arreter start oui non ok corriger repeter recommencer "
    "continuer renvoyer nouveau code nir sms merci annuler cpam ameli vitale svp stp bcp pb jsp "
    "mr mme mlle cc slt tkt pr ds qd mes je moi mdp".split()
)
# Letter names that are also everyday French words ("de", "ce", "elle"): not spelling alone.
_COMMON_LETTER_NAMES = frozenset({"a", "ce", "de", "te", "elle", "e", "u", "o", "i"})
_SPELLING_WORDS = (frozenset(LETTER_NAMES) - _COMMON_LETTER_NAMES) | frozenset(RADIO_WORDS)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PASSWORD_MENTION = re.compile(r"\b(?:mot de passe|mots de passe|mdp|password)\b(.*)")
# In the original text: "mot de passe", "mdp", "password", then what follows (the password).
_PASSWORD_CUE = re.compile(
    r"\b(?:mots?\s+de\s+passe|mdp|password)\b\s*(?:(?:est|sera|c'est|:|=)\s*)*(?P<tail>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# Password rules (DOMAIN.md): 8 characters or more.
PASSWORD_MIN_LENGTH = 8
_IDENTIFIER_SYMBOLS = frozenset("._-'’")
_TRAILING_PUNCTUATION = ".,;:!?)»\"'’"
_LEADING_PUNCTUATION = "(«\"'’"


def read_as_numbers(text: str) -> str:
    """`text` with number runs written with `/`, `_` or O-for-0 made plain: "1/85/O5" → "1 85 05".

    Same length as `text`, so spans found in the result are spans of `text`. Dates with slashes
    become groups too ("03 03 1985"), which no NIR rule takes for a NIR (first digit 0..3 and 8
    digits). Words are untouched ("BONJOUR", "JK2O" in a code: the O touches a letter).
    """

    def zeros(match: re.Match[str]) -> str:
        run = match.group()
        if not any(char.isdigit() for char in run):
            return run
        return run.replace("O", "0").replace("o", "0")

    plain = _DIGITS_AND_O.sub(zeros, text)
    return _DIGIT_SEPARATOR.sub(" ", plain)


def is_password_shaped(token: str) -> bool:
    """A token that may be a password: 8 characters or more with a letter, and capitals, small
    letters and digits together, or a sign no identifier holds next to a capital or a digit.

    The same test as helper "email"'s `bot.credentials.may_be_password` (which decides what the
    identifier step never echoes), plus the length and a letter, since it runs on free text
    where dates and phone numbers are common. "Soleil#Vert2026", "Tr0ub4dor&3",
    "soleil#vert2026", "Jean.Dupont85" are; "Jean.Dupont" (an identifier with capitals, offered
    in lowercase), "jean.dupont85", "Bonjour!", "03/03/1985", "+33612345678" are not. Trailing
    sentence punctuation is not counted ("Soleil2026!" still is one).
    """
    core = token.strip(_LEADING_PUNCTUATION).rstrip(_TRAILING_PUNCTUATION)
    if len(core) < PASSWORD_MIN_LENGTH or _EMAIL.match(core):
        return False
    lower = any(char.islower() for char in core)
    upper = any(char.isupper() for char in core)
    digit = any(char.isdigit() for char in core)
    foreign_sign = any(not char.isalnum() and char not in _IDENTIFIER_SYMBOLS for char in core)
    if not (lower or upper):
        return False
    return (upper and lower and digit) or (foreign_sign and (upper or digit))


def password_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the password-shaped tokens of `text` (whole tokens between spaces)."""
    return [
        (match.start(), match.end())
        for match in re.finditer(r"\S+", text)
        if is_password_shaped(match.group())
    ]


def password_after_mention(text: str) -> tuple[int, int] | None:
    """The span of what follows "mot de passe" (or "mdp") when it holds a word: at the
    identifier step, "identifiant jean.dupont85 mot de passe soleil" gives "soleil"."""
    match = _PASSWORD_CUE.search(text)
    if match is None or not re.search(r"\w", match.group("tail")):
        return None
    tail = match.group("tail").rstrip()
    return match.start("tail"), match.start("tail") + len(tail)


def standalone(text: str, start: int, end: int) -> bool:
    """True when text[start:end] touches no letter, digit, "@" or "." of a word or address."""
    glue = set("@._-+")
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in glue or after.isalnum() or after in glue)


def words_not_secret_at_identifier(text: str) -> list[tuple[int, int]]:
    """Spans of the words that are no secret at the identifier step: a valid identifier, an
    e-mail address (refused by the validator, but not a password)."""
    spans = []
    for match in re.finditer(r"\S+", text):
        word = match.group().strip(_LEADING_PUNCTUATION).rstrip(_TRAILING_PUNCTUATION)
        if word and (not identifier_problems(word) or _EMAIL.match(word)):
            spans.append((match.start(), match.end()))
    return spans


def _spells(words: list[str]) -> bool:
    """Spelling aloud: "A comme Anatole", or three or more letter names, radio words or
    single letters ("bé, cé, dé", "t u v")."""
    plain = [strip_accents(word) for word in words]
    for before, word in zip(plain, plain[1:], strict=False):
        if word == "comme" and (len(before) == 1 or before in LETTER_NAMES):
            return True
    spelled = [
        word
        for word in plain
        if word in _SPELLING_WORDS or (len(word) == 1 and word not in ("a", "y"))
    ]
    return len(spelled) >= 3


def is_ordinary(text: str, step: str | None = None) -> bool:
    """True when `text` is clearly not a secret typed at `step`: empty, at most two characters
    ("1", "ok"), or a sentence of ordinary words (no digit, no symbol, no capitals inside a word
    or a lowercase sentence except known words, no word without a vowel, no spelling aloud, no
    number words at the NIR and one-time-code steps, no "mot de passe …" at the identifier step).
    """
    plain = normalize_text(text)
    if len(plain.replace(" ", "")) <= 2:
        return True
    if any(char.isdigit() for char in plain):
        return False
    if any(
        not (char.isalpha() or char.isspace() or char in _SENTENCE_PUNCTUATION) for char in plain
    ):
        return False
    words = _WORD.findall(plain)
    shouting = plain.upper() == plain
    for word in words:
        known = strip_accents(word) in _KNOWN_WORDS
        if not shouting and not known and any(char.isupper() for char in word[1:]):
            return False  # "ABCD" in a sentence, "SoleilVert"
        bare = strip_accents(word.split("'")[-1].split("’")[-1])
        if len(bare) >= 2 and not known and not set(bare) & _VOWELS:
            return False  # "jkm", "bcd": letters of a code, not a word
    if step == "provisional_code" and _spells(words):
        return False
    if step in ("nir", "otp_code"):
        if sum(len(run.digits) for run in find_number_runs(plain)) >= 2:
            return False  # "zéro six…": a number said in words
    if step == "identifier":
        mention = _PASSWORD_MENTION.search(strip_accents(plain.lower()))
        if mention and _WORD.search(mention.group(1)):
            return False  # "identifiant jean mot de passe soleil"
    return True
