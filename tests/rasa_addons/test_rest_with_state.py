"""The webhook's channel into Rasa: no token, no channel; no "/" command from a person's text.

Against the real Rasa server: tests/e2e/test_internal_hops.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from rasa_addons.rest_with_state import (
    NOT_UNDERSTOOD,
    RestWithStateInput,
    forced_intent,
    not_understood,
)

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("/restart", "restart"),  # a Rasa default intent: wipes the tracker
        ("  /restart", "restart"),
        ("\u00a0/session_start", "session_start"),  # Rasa strips Unicode spaces too
        ('/affirm{"card_type": "with_photo"}', "affirm"),
        ("/start_over", "start_over"),
        ("/request_advisor@0.99", "request_advisor"),
    ],
)
def test_commands_are_recognised_by_rasas_own_rule(text: str, intent: str) -> None:
    assert forced_intent(text, DOMAIN) == intent


@pytest.mark.parametrize(
    "text",
    ["Bonjour", "03/03/1985", "1/2", "oui /restart", "/ je veux un conseiller", "/inconnu", ""],
)
def test_other_text_forces_nothing(text: str) -> None:
    """Text Rasa would run through the NLU anyway goes through unchanged."""
    assert forced_intent(text, DOMAIN) is None


def test_without_a_domain_any_slash_word_is_a_command() -> None:
    assert forced_intent("/anything", None) == "anything"


def test_a_command_is_parsed_as_not_understood_with_no_entity() -> None:
    parse = not_understood(' /affirm{"card_type": "with_photo"} ')
    assert parse["intent"] == {"name": NOT_UNDERSTOOD, "confidence": 1.0}
    assert parse["entities"] == []
    assert parse["text"] == '/affirm{"card_type": "with_photo"}'
    assert NOT_UNDERSTOOD in DOMAIN.intents


@pytest.mark.parametrize("credentials", [None, {}, {"token": ""}, {"token": None}])
def test_the_channel_does_not_start_without_a_token(credentials: dict | None) -> None:
    with pytest.raises(ValueError, match="token"):
        RestWithStateInput.from_credentials(credentials)


def test_the_channel_takes_its_token_from_credentials() -> None:
    assert RestWithStateInput.from_credentials({"token": "s3cret"}).token == "s3cret"
