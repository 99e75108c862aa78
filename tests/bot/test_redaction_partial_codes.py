"""A partial or mistyped provisional code never reaches Rasa in clear (issue 7's known hole)."""

from __future__ import annotations

import pytest

from bot.redaction import redact
from bot.vault import REF_PATTERN, Vault

CONVERSATION = "conv-partial"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ABCD EFGH", "ABCDEFGH"),
        ("abcd efgh", "ABCDEFGH"),
        ("abcd-efgh-jk", "ABCDEFGHJK"),
        ("ABCDEFGH", "ABCDEFGH"),
        ("ABCD", "ABCD"),
        ("abcd efgh jk2", "ABCDEFGHJK2"),
        ("ABCD EFGH JK2O", "ABCDEFGHJK2O"),
        ("2345 6789", "23456789"),
    ],
)
def test_letters_only_or_partial_codes_go_to_the_vault(vault: Vault, text: str, value: str) -> None:
    redacted = redact(text, "provisional_code", vault, CONVERSATION)
    assert REF_PATTERN.fullmatch(redacted.text), redacted.text
    assert vault.get(redacted.text, CONVERSATION) == value
    assert value not in redacted.display.upper().replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        "bonjour",
        "je ne sais pas",
        "aide",
        "AIDE",
        "CONSEILLER",
        "je n'ai pas de code",
        "où est le code ?",
        "non",
        "1",
        "repeter",
        "supprimer mes données",
    ],
)
def test_words_at_the_code_step_stay_words(vault: Vault, text: str) -> None:
    assert not redact(text, "provisional_code", vault, CONVERSATION).refs


def test_letters_elsewhere_are_not_codes(vault: Vault) -> None:
    assert not redact("ABCD EFGH", None, vault, CONVERSATION).refs
    assert not redact("ABCD EFGH", "identifier", vault, CONVERSATION).refs
