"""Identifier and password rules of Mon espace santé (DOMAIN.md, step 6).

Shared by the backend (which enforces them) and the bot's form validators (which explain them
before the backend refuses), so both always agree. Each check returns rule codes, never prose:
callers pick the French wording from `IDENTIFIER_RULES_FR` / `PASSWORD_RULES_FR` (rendered
from the domain's responses).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.responses import Texts
from bot.vault import REF_PATTERN

IDENTIFIER_MIN_LENGTH = 8
PASSWORD_MIN_LENGTH = 8

COMMON_PASSWORDS_PATH = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

#: Rule code → its response (bot/domain/messages.yml); `*_FR`: its wording, as the validators
#: and the password page show it.
IDENTIFIER_RULES = {
    "too_short": "utter_identifier_rule_too_short",
    "uppercase": "utter_identifier_rule_uppercase",
    "bad_characters": "utter_identifier_rule_bad_characters",
    "is_email": "utter_identifier_rule_is_email",
}
PASSWORD_RULES = {
    "too_short": "utter_password_rule_too_short",
    "no_lowercase": "utter_password_rule_no_lowercase",
    "no_uppercase": "utter_password_rule_no_uppercase",
    "no_digit": "utter_password_rule_no_digit",
    "no_special": "utter_password_rule_no_special",
    "common": "utter_password_rule_common",
    "contains_identifier": "utter_password_rule_contains_identifier",
}
IDENTIFIER_RULES_FR: Mapping[str, str] = Texts(IDENTIFIER_RULES, min_length=IDENTIFIER_MIN_LENGTH)
PASSWORD_RULES_FR: Mapping[str, str] = Texts(PASSWORD_RULES, min_length=PASSWORD_MIN_LENGTH)

# Uppercase letters have their own rule ("uppercase"), so they are not "bad characters" too:
# that keeps `suggest_identifier` meaningful ("Jean.Dupont" only needs lowercasing).
_IDENTIFIER_CHARACTER = re.compile(r"[a-zA-Z0-9._-]")
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ASCII_UPPERCASE = frozenset(string.ascii_uppercase)
_DIGITS = frozenset(string.digits)
# Digits and specials people bolt onto a common word to pass the rules ("Azerty123!").
_TRAILING_DECORATION = re.compile(r"[\W\d_]+$")
_LEADING_DECORATION = re.compile(r"^[\W\d_]+")


def identifier_problems(identifier: str) -> list[str]:
    """Rule codes the identifier breaks, in a stable order; empty when it is acceptable."""
    problems = []
    if len(identifier) < IDENTIFIER_MIN_LENGTH:
        problems.append("too_short")
    if any(ch in _ASCII_UPPERCASE for ch in identifier):
        problems.append("uppercase")
    if any(not _IDENTIFIER_CHARACTER.fullmatch(ch) for ch in identifier):
        problems.append("bad_characters")
    if _EMAIL_LIKE.match(identifier.strip()):
        problems.append("is_email")
    return problems


def may_be_password(token: str) -> bool:
    """True for what a person may have meant as a password: capitals, small letters and digits
    together ("Jean.Dupont85", "Soleil2026"), or a sign no identifier can hold next to a capital
    or a digit ("soleil#2026"). Such a token is never written back to the person, not even
    lowercased: a suggestion would show their password on screen (and in the transcript)."""
    token = token.strip()
    if _EMAIL_LIKE.match(token):
        return False
    upper = any(ch.isupper() for ch in token)
    lower = any(ch.islower() for ch in token)
    digit = any(ch.isdigit() for ch in token)
    foreign_sign = any(not ch.isalnum() and ch not in "._-" for ch in token)
    return (upper and lower and digit) or (foreign_sign and (upper or digit))


def suggest_identifier(identifier: str) -> str | None:
    """The lowercase version when lowercasing alone makes the identifier acceptable.

    People often type their name with capitals ("Jean.Dupont"); offering "jean.dupont" saves a
    round trip. None when the identifier is already fine or lowercasing is not enough, and
    None when it may be a password (`may_be_password`): that is never echoed.
    """
    if not identifier_problems(identifier) or may_be_password(identifier):
        return None
    candidate = identifier.lower()
    return None if identifier_problems(candidate) else candidate


# Words of a sentence around the identifier ("mon identifiant sera …", "je voudrais … svp").
_IDENTIFIER_SENTENCE_WORDS = frozenset(
    """
    a alors aimerais avoir bien bonjour c ca ce celui choisi choisir choisis choisit comme
    d dans de des desire donc du est et identifiant identifiants id ident je jaimerais
    j l la le login mettre met mets moi mon nom ok oui pour prendre prends pseudo sera serait
    souhaite souhaiterais svp stp utilisateur utiliser veux voici voila voudrais vous plait
    merci prefere garder garde nouvel nouveau user username plutot
    """.split()
)
# "mot de passe …": what follows is a password, never an identifier; it is not kept either.
_PASSWORD_CUE = re.compile(r"\b(?:mots?\s+de\s+passe|mdp|password|pass)\b", re.IGNORECASE)
_TOKEN_TRIM = "\"'«»()[]{},;:!?…"
_IDENTIFIER_SHAPE = re.compile(r"[a-z0-9._-]*[0-9._-][a-z0-9._-]*|[a-z0-9._-]{8,}")


@dataclass(frozen=True)
class IdentifierReading:
    """The identifier found in a message at the identifier step: `identifier` (still to be
    checked against the rules), `password_given` (the message also held what may be a password,
    which is not kept), `several` (more than one word could be the identifier)."""

    identifier: str | None
    password_given: bool
    several: bool


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("'", "")


def _sentence_word(token: str) -> bool:
    if "'" in token or "’" in token:  # "c'est", "l'identifiant", "d'utilisateur"
        return True
    return _plain(token) in _IDENTIFIER_SENTENCE_WORDS


def find_identifier(text: str) -> IdentifierReading:
    """The identifier inside a sentence ("mon identifiant sera paul.thomas1989"): words of the
    sentence are left out; whatever follows "mot de passe", and any token that may be a
    password or is a vault reference, is never taken (`password_given` says it was there)."""
    cue = _PASSWORD_CUE.search(text)
    head, tail = (text[: cue.start()], text[cue.end() :]) if cue else (text, "")
    password_given = bool(tail.strip(" :.,!?"))
    words = head.split()
    candidates = []
    for word in words:
        token = word.strip(_TOKEN_TRIM)
        if len(words) > 1:
            token = token.rstrip(".")  # the end of the sentence
        ref = REF_PATTERN.fullmatch(token)
        if ref or may_be_password(token):
            password_given |= ref is None or ref.group(1) == "pwd"
        elif token and not _sentence_word(token):
            candidates.append(token)
    if len(candidates) > 1:
        shaped = [c for c in candidates if _IDENTIFIER_SHAPE.fullmatch(c)]
        if len(shaped) != 1:
            return IdentifierReading(None, password_given, True)
        candidates = shaped
    return IdentifierReading(candidates[0] if candidates else None, password_given, False)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The list of common passwords (lower-case), read once."""
    lines = COMMON_PASSWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def is_common_password(password: str) -> bool:
    """True for a listed password, also once the digits/specials around it are stripped."""
    lowered = password.lower()
    trailing = _TRAILING_DECORATION.sub("", lowered)
    candidates = {
        lowered,
        trailing,
        _LEADING_DECORATION.sub("", lowered),
        _LEADING_DECORATION.sub("", trailing),
    }
    candidates.discard("")
    return not candidates.isdisjoint(common_passwords())


def password_problems(password: str, identifier: str | None = None) -> list[str]:
    """Rule codes the password breaks, in a stable order; empty when it is acceptable.

    Any character that is neither a letter nor a digit (space included) counts as special.
    """
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("too_short")
    if not any(ch.islower() for ch in password):
        problems.append("no_lowercase")
    if not any(ch.isupper() for ch in password):
        problems.append("no_uppercase")
    if not any(ch in _DIGITS for ch in password):
        problems.append("no_digit")
    if not any(not ch.isalnum() for ch in password):
        problems.append("no_special")
    if is_common_password(password):
        problems.append("common")
    if identifier and identifier.strip() and identifier.strip().lower() in password.lower():
        problems.append("contains_identifier")
    return problems
