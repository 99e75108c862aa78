"""Redaction of incoming messages before Rasa, its tracker store or a transcript sees them.

Each secret found (NIR, provisional code, one-time code, password) goes into the vault and is
replaced by its ref in the text Rasa gets, and by a display mask in the transcript text.

Redaction is by step, not only by shape: the step the message answers (the one stored before
the turn) decides what counts as a secret.
- At a password step the whole message is the password (control words aside).
- At the code, NIR, one-time-code and identifier steps, a message that fails its check (no
  valid value of the step's kind in it) and is not an ordinary sentence (bot/slips.py) is
  vaulted whole: the transcript only says that a message was masked, and its length.
- Number runs written with `_`, `/` or O-for-0 are read as numbers (bot/slips.py).
- Password-shaped tokens are masked at any step once the conversation is near the credentials
  screen, and 6-digit runs while a one-time code is outstanding (`RedactionContext`).
- At the card-serial step a serial of 13 digits or fewer is not a NIR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.control_words import NEVER_A_PASSWORD, is_one_of
from bot.credentials import identifier_problems
from bot.french_numbers import find_number_runs, normalize_characters
from bot.masking import mask_for_display, mask_whole_message
from bot.nir import check_nir, find_nir_matches
from bot.provisional_code import ALPHABET, CODE_LENGTH, check_code, find_code_matches
from bot.slips import (
    is_ordinary,
    password_after_mention,
    password_spans,
    read_as_numbers,
    standalone,
    words_not_secret_at_identifier,
)
from bot.vault import REF_PATTERN, Vault

PASSWORD_STEPS = ("password", "password_confirmation")
CREDENTIAL_STEPS = ("identifier", *PASSWORD_STEPS)
# Steps whose answer is a secret: a message failing the step's check is vaulted whole, as the
# kind of secret the step asks for (the validator reveals it and says what is wrong).
WHOLE_MESSAGE_KINDS = {
    "provisional_code": "code",
    "nir": "nir",
    "otp_code": "otp",
    "identifier": "pwd",  # what fails the identifier rules there is often the password
}
# At a password step the whole message is the password, except the control words that must
# keep working at every step (bot/control_words.py).
CONTROL_PHRASES = NEVER_A_PASSWORD
OTP_LENGTH = 6
# At the NIR step, any long number is taken for a (mistyped) NIR rather than left in clear.
NIR_STEP_MIN_DIGITS = 10
SERIAL_MAX_DIGITS = 13
_DISPLAY_KINDS = {"nir": "nir", "code": "code", "otp": "otp", "pwd": "password"}


@dataclass(frozen=True)
class RedactionContext:
    """What the conversation's record adds to the step (webhook/conversations.py keeps it).

    otp_outstanding: a one-time code was asked for recently, so a 6-digit run is taken for it
    at any step; near_credentials: the credentials screen is being or has been asked, so a
    password-shaped token is taken for a password at any step.
    """

    otp_outstanding: bool = False
    near_credentials: bool = False


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
    valid: bool = False  # a well-formed value (the step's check passes with it)


def _overlaps(secret: _Secret, taken: list[_Secret]) -> bool:
    return any(secret.start < other.end and other.start < secret.end for other in taken)


def _find_secrets(text: str, step: str | None, context: RedactionContext) -> list[_Secret]:
    """The secrets in `text` for the form step being asked, without overlaps."""
    found: list[_Secret] = []
    # Refs already in the text (a message redacted twice) are left whole.
    existing = [_Secret(m.start(), m.end(), "ref", "") for m in REF_PATTERN.finditer(text)]

    def add(secret: _Secret) -> None:
        if not _overlaps(secret, found) and not _overlaps(secret, existing):
            found.append(secret)

    numbers = read_as_numbers(text)  # same length: its spans are spans of `text`
    nir_matches = find_nir_matches(numbers)
    for match in nir_matches:
        digits = sum(char.isdigit() for char in match.value)
        if step == "card_serial" and digits <= SERIAL_MAX_DIGITS:
            continue  # the card's serial number, asked for now, is not a NIR
        # "unsure": a reading the NIR parser (helper "numbers") asks the person to confirm
        valid = check_nir(match.value).error in (None, "unsure")
        if step != "nir" or valid:
            add(_Secret(match.start, match.end, "nir", match.value, valid))
    if step == "nir":
        # A long number without a valid NIR in it is a mistyped NIR: keep all of it secret.
        for run in find_number_runs(numbers, corsica=True):
            if sum(char.isdigit() for char in run.digits) >= NIR_STEP_MIN_DIGITS:
                add(_Secret(run.start, run.end, "nir", run.digits))
    for match in find_code_matches(text, expecting_code=step == "provisional_code"):
        add(_Secret(match.start, match.end, "code", match.value, True))
    if step == "provisional_code" and not found:
        _add_whole_code(text, add)
    if step == "otp_code" or context.otp_outstanding:
        # Elsewhere than its own step, a date with slashes ("12/05/85") is no one-time code.
        for run in find_number_runs(numbers if step == "otp_code" else text):
            # Elsewhere than its own step, a code is six digits on their own, not a part of an
            # e-mail address or a word ("jean123456@exemple.fr").
            if len(run.digits) == OTP_LENGTH and (
                step == "otp_code" or standalone(text, run.start, run.end)
            ):
                add(_Secret(run.start, run.end, "otp", run.digits, True))
    if step == "identifier":
        mention = password_after_mention(text)  # "identifiant … mot de passe <this>"
        if mention is not None:
            start, end = mention
            add(_Secret(start, end, "pwd", text[start:end], True))
    if step in CREDENTIAL_STEPS or context.near_credentials:
        for start, end in password_spans(text):
            if step == "identifier" and not identifier_problems(text[start:end]):
                continue  # a valid identifier, asked for now
            add(_Secret(start, end, "pwd", text[start:end], True))
    return sorted(found, key=lambda secret: secret.start)


def _fails_its_check(text: str, step: str | None, secrets_found: list[_Secret]) -> bool:
    """At a step that asks for a secret: no valid value of the step's kind was found, and what
    is left once the secrets found (and refs) are taken out is not an ordinary sentence."""
    kind = WHOLE_MESSAGE_KINDS.get(step or "")
    if kind is None or not text.strip():
        return False
    if step != "identifier" and any(s.kind == kind and s.valid for s in secrets_found):
        return False
    spans = [(m.start(), m.end()) for m in REF_PATTERN.finditer(text)]
    spans += [(secret.start, secret.end) for secret in secrets_found]
    if step == "identifier":
        # The identifier and e-mail addresses are not secrets: the sentence around them may be
        # read by the validator ("mon identifiant sera jean.dupont85").
        spans += words_not_secret_at_identifier(text)
    left = list(text)
    for start, end in spans:
        left[start:end] = " " * (end - start)
    return not is_ordinary("".join(left), step)


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
    add(_Secret(start, start + len(stripped), "code", value, check.value is not None))


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
    return is_one_of(text, NEVER_A_PASSWORD)


def redact(
    text: str,
    step: str | None,
    vault: Vault,
    conversation_id: str,
    context: RedactionContext | None = None,
) -> Redacted:
    """Puts the secrets of `text` in the vault; returns the text for Rasa and for transcripts.

    `step` is the step the message answers (stored before the turn), `context` what the
    conversation's record adds (webhook: `ConversationStore.redaction_context`). Every channel
    calls this before anything keeps the text: SMS and voice through `webhook.dialogue`.
    """
    context = context or RedactionContext()
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

    secrets_found = _find_secrets(text, step, context)
    if _fails_its_check(text, step, secrets_found):
        whole = text.strip()
        ref = store(WHOLE_MESSAGE_KINDS[step or ""], whole)
        return Redacted(ref, mask_whole_message(whole), refs)
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
