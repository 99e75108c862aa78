"""The webhook's channel into Rasa: no token, no channel; no "/" command from a person's text;
messages named after the person's channel, each response's text and data in one message.

Against the real Rasa server: tests/e2e/test_internal_hops.py, tests/e2e/test_reply_contract.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

from rasa_addons.rest_with_state import (
    NOT_UNDERSTOOD,
    RestWithStateInput,
    TurnCollector,
    forced_intent,
    not_understood,
    person_channel,
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


def collected(channel: TurnCollector | CollectingOutputChannel, *messages: dict) -> list[dict]:
    async def send() -> None:
        for message in messages:
            await channel.send_response("c1", dict(message))

    asyncio.run(send())
    return channel.messages


def test_a_response_with_text_and_custom_is_one_message() -> None:
    question = {
        "text": "Votre numéro ?",
        "custom": {"step": "nir"},
        "utter_action": "utter_ask_nir",
    }
    assert collected(TurnCollector(), question, {"text": "Merci."}) == [
        {"text": "Votre numéro ?", "custom": {"step": "nir"}},
        {"text": "Merci."},
    ]
    # what the stock collector does, and why ours exists: the data came apart from its question
    assert len(collected(CollectingOutputChannel(), question)) == 2


def test_text_split_on_blank_lines_keeps_the_data_with_its_last_part() -> None:
    message = {"text": "Merci.\n\nVotre numéro ?", "custom": {"step": "nir"}}
    assert collected(TurnCollector(), message) == [
        {"text": "Merci."},
        {"text": "Votre numéro ?", "custom": {"step": "nir"}},
    ]


def test_data_alone_and_empty_messages() -> None:
    assert collected(TurnCollector(), {"custom": {"handoff": "asked"}}, {"text": ""}) == [
        {"custom": {"handoff": "asked"}}
    ]


@pytest.mark.parametrize(
    ("metadata", "channel"),
    [
        ({"channel": "voice", "caller": "+33612345678"}, "voice"),
        ({"channel": "sms"}, "sms"),
        ({"channel": "whatsapp"}, "sms"),
        ({}, "sms"),
        (None, "sms"),
        ("voice", "sms"),
    ],
)
def test_the_output_channel_is_named_after_the_persons_channel(
    metadata: object, channel: str
) -> None:
    assert person_channel(metadata) == channel
    assert TurnCollector(person_channel(metadata)).name() == channel


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_rasa_renders_the_question_of_the_collectors_channel(channel: str) -> None:
    """Rasa's generator is given `output_channel.name()` (rasa/core/actions/action.py)."""
    collector = TurnCollector(channel)
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    response = nlg.generate_from_slots("utter_ask_nir", {}, collector.name())
    (message,) = collected(collector, response)
    assert message["custom"]["step"] == "nir"
    assert ("dièse" in message["text"]) == (channel == "voice")
    assert ("hints" in message["custom"]) == (channel == "voice")


def test_rasas_api_answers_through_our_collector() -> None:
    """`POST /conversations/<id>/execute?output_channel=rest_state` (the advisor's hand-back)."""
    channel = RestWithStateInput("s3cret").get_output_channel()
    assert isinstance(channel, TurnCollector) and channel.name() == "sms"
