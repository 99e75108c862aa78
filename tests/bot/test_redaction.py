"""Redaction of incoming messages before Rasa sees them (bot/redaction.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.redaction import Redacted, redact
from bot.vault import REF_PATTERN, Vault, find_refs

CONVERSATION = "conv-42"
NIR = "185057800608491"
NIR_TYPED = "1 85 05 78 006 084 91"
NIR_MASK = "1 85 05 ** *** *** 91"
NIR_SPOKEN = (
    "un quatre-vingt-cinq zéro cinq soixante-dix-huit zéro zéro six zéro "
    "quatre-vingt-quatre quatre-vingt-onze"
)
CODE = "ABCDEFGHJK23"
CODE_LABEL = "[code provisoire masqué]"
OTP_LABEL = "[code à usage unique masqué]"
PWD_LABEL = "[mot de passe masqué]"


def refs_in(redacted: Redacted) -> list[str]:
    return [ref for refs in redacted.refs.values() for ref in refs]


def values(redacted: Redacted, vault: Vault) -> dict[str, list[str | None]]:
    return {
        kind: [vault.get(ref, CONVERSATION) for ref in refs] for kind, refs in redacted.refs.items()
    }


def skeleton(text: str) -> str:
    """The text with each ref replaced by <kind>, to compare it with an expected sentence."""
    return REF_PATTERN.sub(lambda match: f"<{match.group(1)}>", text)


@pytest.mark.parametrize(
    ("text", "step", "rasa", "display", "stored"),
    [
        (
            f"mon numéro est {NIR_TYPED} merci",
            None,
            "mon numéro est <nir> merci",
            f"mon numéro est {NIR_MASK} merci",
            {"nir": [NIR]},
        ),
        (
            "1.85.05.78.006.084-91",
            "nir",
            "<nir>",
            NIR_MASK,
            {"nir": [NIR]},
        ),
        (
            f"c'est {NIR_SPOKEN}",
            "nir",
            "c'est <nir>",
            f"c'est {NIR_MASK}",
            {"nir": [NIR]},
        ),
        (
            "nir 1 85 05 78 006 084 36 (mauvaise clé)",
            None,
            "nir <nir> (mauvaise clé)",
            "nir 1 85 05 ** *** *** 36 (mauvaise clé)",
            {"nir": ["185057800608436"]},
        ),
        (
            "sans la clé: 1 85 05 78 006 084",
            None,
            "sans la clé: <nir>",
            "sans la clé: 1 85 05 ** *** ***",
            {"nir": ["1850578006084"]},
        ),
        (
            "corse : 2 53 07 2a 073 004 43",
            None,
            "corse : <nir>",
            "corse : 2 53 07 ** *** *** 43",
            {"nir": ["253072A07300443"]},
        ),
        (
            "mon code est ABCD-EFGH-JK23",
            None,
            "mon code est <code>",
            f"mon code est {CODE_LABEL}",
            {"code": [CODE]},
        ),
        (
            "abcd efgh jk23",
            "provisional_code",
            "<code>",
            CODE_LABEL,
            {"code": [CODE]},
        ),
        (
            f"code ABCD EFGH JK23 et nir {NIR_TYPED}",
            None,
            "code <code> et nir <nir>",
            f"code {CODE_LABEL} et nir {NIR_MASK}",
            {"code": [CODE], "nir": [NIR]},
        ),
        (
            f"nir {NIR_TYPED} code abcdefghjk23",
            "provisional_code",
            "nir <nir> code <code>",
            f"nir {NIR_MASK} code {CODE_LABEL}",
            {"nir": [NIR], "code": [CODE]},
        ),
        (
            f"{NIR},{CODE}",
            None,
            "<nir>,<code>",
            f"{NIR_MASK},{CODE_LABEL}",
            {"nir": [NIR], "code": [CODE]},
        ),
        (
            "je voudrais activer mon espace santé",
            None,
            "je voudrais activer mon espace santé",
            "je voudrais activer mon espace santé",
            {},
        ),
        (
            "Bonjour,\u00a0je  suis né le 03/03/1985, mon tél 06 12 34 56 78",
            None,
            "Bonjour, je suis né le 03/03/1985, mon tél 06 12 34 56 78",
            "Bonjour, je suis né le 03/03/1985, mon tél 06 12 34 56 78",
            {},
        ),
        (
            "AAAABBBBCCCC",
            None,
            "AAAABBBBCCCC",
            "AAAABBBBCCCC",
            {},
        ),
        (
            "AAAABBBBCCCC",
            "provisional_code",
            "<code>",
            CODE_LABEL,
            {"code": ["AAAABBBBCCCC"]},
        ),
        (
            "A comme Anatole, bé, cé, dé, e, effe, gé, ache, ji, ka, deux, trois",
            "provisional_code",
            "<code>",
            CODE_LABEL,
            {"code": [CODE]},
        ),
        (
            "ABCD EFGH JK2O",
            "provisional_code",
            "<code>",
            CODE_LABEL,
            {"code": ["ABCDEFGHJK2O"]},
        ),
        (
            "je ne l'ai pas reçu",
            "provisional_code",
            "je ne l'ai pas reçu",
            "je ne l'ai pas reçu",
            {},
        ),
        (
            "0102457612 4",
            "card_serial",
            "0102457612 4",
            "0102457612 4",
            {},
        ),
        (
            "1234567890123",
            "card_serial",
            "1234567890123",
            "1234567890123",
            {},
        ),
        (
            NIR_TYPED,
            "card_serial",
            "<nir>",
            NIR_MASK,
            {"nir": [NIR]},
        ),
        (
            "1234567890123",
            None,
            "<nir>",
            "1 23 45 ** *** ***",
            {"nir": ["1234567890123"]},
        ),
        (
            "le code reçu est 493027",
            "otp_code",
            "le code reçu est <otp>",
            f"le code reçu est {OTP_LABEL}",
            {"otp": ["493027"]},
        ),
        (
            "493 027",
            "otp_code",
            "<otp>",
            OTP_LABEL,
            {"otp": ["493027"]},
        ),
        (
            "quatre neuf trois zéro deux sept",
            "otp_code",
            "<otp>",
            OTP_LABEL,
            {"otp": ["493027"]},
        ),
        (
            "493027",
            None,
            "493027",
            "493027",
            {},
        ),
        (
            "12 345",  # five digits of a six-digit code: vaulted whole, not left in clear
            "otp_code",
            "<otp>",
            "[message masqué, 6 caractères]",
            {"otp": ["12 345"]},
        ),
        (
            "1 85 05 78 006 084 9123",  # a mistyped NIR at the NIR step stays secret
            "nir",
            "<nir>",
            "1 85 05 ** *** *** ****",
            {"nir": ["18505780060849123"]},
        ),
        (
            "1 85 05 78 006 084 9123",  # elsewhere only 13 to 15 digits make a NIR
            None,
            "<nir> 9123",
            "1 85 05 ** *** *** 9123",
            {"nir": ["1850578006084"]},
        ),
        (
            "1985 1 85 05 78 006 084 91",
            "nir",
            "1985 <nir>",
            f"1985 {NIR_MASK}",
            {"nir": [NIR]},
        ),
        (
            "06 12 34 56 78",
            "nir",
            "<nir>",
            "0 61 23 ** ***",
            {"nir": ["0612345678"]},
        ),
        (
            "  ",
            "nir",
            "",
            "",
            {},
        ),
    ],
)
def test_redact(
    vault: Vault,
    text: str,
    step: str | None,
    rasa: str,
    display: str,
    stored: dict[str, list[str]],
) -> None:
    redacted = redact(text, step, vault, CONVERSATION)
    assert skeleton(redacted.text) == rasa
    assert redacted.display == display
    assert values(redacted, vault) == stored
    assert sorted(find_refs(redacted.text)) == sorted(refs_in(redacted))
    for kind, refs in redacted.refs.items():
        assert all(ref.startswith(f"secret{kind}") for ref in refs)
    for secret_values in stored.values():
        for value in secret_values:
            assert value not in redacted.text
            assert value not in redacted.display


@pytest.mark.parametrize("step", ["password", "password_confirmation"])
def test_password_steps_take_the_whole_message(vault: Vault, step: str) -> None:
    password = "Mon Code ABCD-EFGH-JK23 & 1 85 05 78 006 084 91 !"
    redacted = redact(f"  {password}\n", step, vault, CONVERSATION)
    assert REF_PATTERN.fullmatch(redacted.text)
    assert redacted.display == PWD_LABEL
    assert values(redacted, vault) == {"pwd": [password]}


def test_empty_password_message(vault: Vault) -> None:
    redacted = redact("   ", "password", vault, CONVERSATION)
    assert (redacted.text, redacted.display, redacted.refs) == ("", "", {})


def test_refs_never_stick_to_words(vault: Vault) -> None:
    redacted = redact(f"nir:{NIR}!code:{CODE}.", None, vault, CONVERSATION)
    assert skeleton(redacted.text) == "nir:<nir>!code:<code>."
    tokens = redacted.text.replace(":", " ").replace("!", " ").replace(".", " ").split()
    assert all(REF_PATTERN.fullmatch(token) for token in tokens if token.startswith("secret"))


def test_unicode_is_normalized_around_secrets(vault: Vault) -> None:
    redacted = redact(
        "Ｍｏｎ\u200b nir\u00a0: １ ８５ ０５ ７８ ００６ ０８４ ９１", None, vault, CONVERSATION
    )
    assert skeleton(redacted.text) == "Mon nir : <nir>"
    assert values(redacted, vault) == {"nir": [NIR]}


def test_refs_belong_to_the_conversation(vault: Vault) -> None:
    redacted = redact(NIR_TYPED, "nir", vault, CONVERSATION)
    (ref,) = redacted.refs["nir"]
    assert vault.get(ref, "someone-else") is None
    vault.forget_conversation(CONVERSATION)
    assert vault.get(ref, CONVERSATION) is None


def test_nothing_in_clear_in_redis(vault: Vault, redis_dump: Callable[[], bytes]) -> None:
    messages = [
        (f"mon nir {NIR_TYPED} et mon code ABCD-EFGH-JK23", None),
        ("493027", "otp_code"),
        ("Tr0ub4dor&3", "password"),
        (NIR_SPOKEN, "nir"),
    ]
    texts = [redact(text, step, vault, CONVERSATION).text for text, step in messages]
    dump = redis_dump()
    for secret in (NIR, NIR_TYPED, "ABCD-EFGH-JK23", CODE, "493027", "Tr0ub4dor&3"):
        assert secret.encode() not in dump
        assert all(secret not in text for text in texts)
    assert not re.search(rb"1850578006084", dump)


def test_redacting_twice_changes_nothing(vault: Vault) -> None:
    once = redact(f"nir {NIR_TYPED} code {CODE} otp 493027", "otp_code", vault, CONVERSATION)
    twice = redact(once.text, "otp_code", vault, CONVERSATION)
    assert twice.text == once.text
    assert twice.refs == {}


def test_refs_with_many_digits_are_not_taken_for_nirs(vault: Vault) -> None:
    text = "voici secretnir1234567890123abc et secretcode9999999999999999"
    assert redact(text, "nir", vault, CONVERSATION).text == text


@pytest.mark.parametrize("words", ["aide", "Je me suis trompé", "CONSEILLER", "répéter !"])
def test_control_words_still_work_at_a_password_step(vault: Vault, words: str) -> None:
    redacted = redact(words, "password", vault, CONVERSATION)
    assert redacted.refs == {}
    assert redacted.text == words


@pytest.mark.parametrize("attempt", ["motdepasse", "aide123", "Conseiller!1"])
def test_anything_else_at_a_password_step_is_a_secret(vault: Vault, attempt: str) -> None:
    redacted = redact(attempt, "password", vault, CONVERSATION)
    assert attempt not in redacted.text
    assert values(redacted, vault) == {"pwd": [attempt]}
