"""Redaction of incoming messages before Rasa, its tracker store or a transcript sees them.

Each secret found (NIR, provisional code, one-time code, password) goes into the vault and is
replaced by its ref in the text Rasa gets, and by a display mask in the transcript text. The
form step being asked decides what counts as a secret: at a password step the whole message is
one; at the card-serial step a serial of 13 digits or fewer is not a NIR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.french_numbers import find_number_runs, normalize_characters, strip_accents
from bot.masking import mask_for_display
from bot.nir import check_nir, find_nir_matches
from bot.provisional_code import ALPHABET, CODE_LENGTH, check_code, find_code_matches
from bot.vault import REF_PATTERN, Vault

PASSWORD_STEPS = ("password", "password_confirmation")
# At a password step everything typed is the password, except these words, which must keep
# working at every step. None of them can be a valid password (no capital, digit or symbol).
CONTROL_PHRASES = frozenset(
    {
        "aide",
        "help",
        "repeter",
        "repete",
        "repetez",
        "corriger",
        "correction",
        "erreur",
        "je me suis trompe",
        "je me suis trompee",
        "je me suis trompe de mot de passe",
        "conseiller",
        "un conseiller",
        "parler a un conseiller",
        "stop",
        "arreter",
        "annuler",
        "recommencer",
        "je veux recommencer",
        "continuer",
        "je ne comprends pas",
        "je comprends pas",
        "pourquoi",
        "c'est quoi un caractere special",
    }
)
OTP_LENGTH = 6
# At the NIR step, any long number is taken for a (mistyped) NIR rather than left in clear.
NIR_STEP_MIN_DIGITS = 10
SERIAL_MAX_DIGITS = 13
_DISPLAY_KINDS = {"nir": "nir", "code": "code", "otp": "otp", "pwd": "password"}


@dataclass
class Redacted:
    """A message once redacted.

    text: what Rasa gets (secrets replaced by vault refs); display: what transcripts keep
    (secrets replaced by masks); refs: the refs put in the vault, by kind.
    """

    text: str
    display: str
    refs: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Secret:
    start: int
    end: int
    kind: str
    value: str


def _overlaps(secret: _Secret, taken: list[_Secret]) -> bool:
    return any(secret.start < other.end and other.start < secret.end for other in taken)


def _find_secrets(text: str, step: str | None) -> list[_Secret]:
    """The secrets in `text` for the form step being asked, without overlaps."""
    found: list[_Secret] = []
    # Refs already in the text (a message redacted twice) are left whole.
    existing = [_Secret(m.start(), m.end(), "ref", "") for m in REF_PATTERN.finditer(text)]

    def add(secret: _Secret) -> None:
        if not _overlaps(secret, found) and not _overlaps(secret, existing):
            found.append(secret)

    nir_matches = find_nir_matches(text)
    if step == "nir":
        # A long number without a valid NIR in it is a mistyped NIR: keep all of it secret.
        for run in find_number_runs(text, corsica=True):
            digits = sum(char.isdigit() for char in run.digits)
            has_valid = any(
                run.start <= match.start
                and match.end <= run.end
                and check_nir(match.value).error in (None, "unsure")
                for match in nir_matches
            )
            if digits >= NIR_STEP_MIN_DIGITS and not has_valid:
                add(_Secret(run.start, run.end, "nir", run.digits))
    for match in nir_matches:
        digits = sum(char.isdigit() for char in match.value)
        if step == "card_serial" and digits <= SERIAL_MAX_DIGITS:
            continue  # the card's serial number, asked for now, is not a NIR
        add(_Secret(match.start, match.end, "nir", match.value))
    for match in find_code_matches(text, expecting_code=step == "provisional_code"):
        add(_Secret(match.start, match.end, "code", match.value))
    if step == "provisional_code" and not found:
        _add_whole_code(text, add)
    if step == "otp_code":
        for run in find_number_runs(text):
            if len(run.digits) == OTP_LENGTH:
                add(_Secret(run.start, run.end, "otp", run.digits))
    return sorted(found, key=lambda secret: secret.start)


def _add_whole_code(text: str, add: Callable[[_Secret], None]) -> None:
    """At the code step, a code spelled aloud ("A comme Anatole, bé, deux…") or typed with a
    mistake ("ABCD EFGH JK2O", "ABCD EFGH") is still the code: the whole message goes to the
    vault, so that the validator can explain the mistake without the code reaching Rasa."""
    stripped = text.strip()
    if not stripped:
        return
    check = check_code(stripped)
    value = check.value or (_partial_code(stripped) if not is_control_phrase(stripped) else None)
    if not value:
        return
    start = len(text) - len(text.lstrip())
    add(_Secret(start, start + len(stripped), "code", value))


def _partial_code(text: str) -> str | None:
    """The compact form of a mistyped or partial code, or None for ordinary words.

    Typed like a code: one to six groups of letters and digits, 4 to 16 in all (a code of 12
    with a few missing or extra). With a digit, in capitals, or made only of the code's
    alphabet (which has no I, O or L, unlike almost every French word), 6 or more in groups of
    2 or more, it is taken for the code: "ABCD EFGH", "abcd efgh jk", "ABCDEFGH2". "je ne sais
    pas", "bonjour", "aide" are not (a few phrases such as "ca marche pas" are, and the person
    is told what a code looks like).
    """
    words = text.replace(".", " ").replace("-", " ").split()
    if not words or len(words) > 6 or not all(word.isalnum() for word in words):
        return None
    compact = "".join(words).upper()
    if not 4 <= len(compact) <= CODE_LENGTH + 4:
        return None
    has_digit = any(char.isdigit() for char in compact)
    typed_in_capitals = "".join(words).isupper()
    in_alphabet = (
        len(compact) >= 6
        and all(char in ALPHABET for char in compact)
        and all(len(word) >= 2 for word in words)
    )
    return compact if has_digit or typed_in_capitals or in_alphabet else None


def _join(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


def _glue(pieces: list[str], token: str, following: str) -> None:
    """Appends `token`, with spaces where it would otherwise stick to a letter or digit."""
    if pieces and pieces[-1][-1:].isalnum():
        pieces.append(" ")
    pieces.append(token)
    if following[:1].isalnum():
        pieces.append(" ")


def is_control_phrase(text: str) -> bool:
    """True for "aide", "conseiller", "je me suis trompé"… typed alone (any case or accents)."""
    words = "".join(c if c.isalnum() or c == "'" else " " for c in strip_accents(text.lower()))
    return " ".join(words.split()) in CONTROL_PHRASES


def redact(text: str, step: str | None, vault: Vault, conversation_id: str) -> Redacted:
    """Puts the secrets of `text` in the vault; returns the text for Rasa and for transcripts."""
    refs: dict[str, list[str]] = {}

    def store(kind: str, value: str) -> str:
        ref = vault.put(kind, value, conversation_id)
        refs.setdefault(kind, []).append(ref)
        return ref

    if step in PASSWORD_STEPS:
        password = text.strip()
        if is_control_phrase(password):
            return Redacted(normalize_characters(password), normalize_characters(password), refs)
        if not password:
            return Redacted("", "", refs)
        ref = store("pwd", password)
        return Redacted(ref, mask_for_display("password", password), refs)

    secrets_found = _find_secrets(text, step)
    for_rasa: list[str] = []
    for_display: list[str] = []
    position = 0
    for secret in secrets_found:
        before = normalize_characters(text[position : secret.start])
        following = normalize_characters(text[secret.end : secret.end + 1])
        for_rasa.append(before)
        for_display.append(before)
        _glue(for_rasa, store(secret.kind, secret.value), following)
        _glue(for_display, mask_for_display(_DISPLAY_KINDS[secret.kind], secret.value), following)
        position = secret.end
    tail = normalize_characters(text[position:])
    for_rasa.append(tail)
    for_display.append(tail)
    return Redacted(_join(for_rasa), _join(for_display), refs)
