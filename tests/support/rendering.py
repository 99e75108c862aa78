"""What an action said, rendered the way Rasa's server will render it.

Actions name the domain's responses and pass values (`dispatcher.utter_message(response=...,
**values)`); Rasa fills them with the tracker's slots and those values. Here the server's
generator (rasa_addons/helpline_nlg.py) does the same from bot/domain/*.yml, and a response the
domain lacks, or a `{variable}` left unfilled in its text or its `custom` data, fails the test
that made the action speak.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.responses import responses
from rasa_addons.helpline_nlg import HelplineNaturalLanguageGenerator

UNFILLED = re.compile(r"\{[^{}\s]+\}")
#: What `CollectingDispatcher.utter_message` puts in every message besides the values.
MESSAGE_KEYS = ("text", "buttons", "elements", "custom", "template", "response", "image")


@lru_cache(maxsize=1)
def generator() -> HelplineNaturalLanguageGenerator:
    """The server's generator (endpoints.yml `nlg:`): the helpline's facts are variables too."""
    return HelplineNaturalLanguageGenerator(responses=responses())


def unfilled(value: Any) -> list[str]:
    """The `{variables}` left in a rendered text or custom payload."""
    if isinstance(value, str):
        return UNFILLED.findall(value)
    if isinstance(value, dict):
        return [found for item in value.values() for found in unfilled(item)]
    if isinstance(value, list):
        return [found for item in value for found in unfilled(item)]
    return []


def render(message: dict[str, Any], slots: dict[str, Any], channel: str = "sms") -> dict[str, Any]:
    """The message as the person's channel gets it: `text` and `custom` from the domain's
    response (slots, then the message's values), the message's own keys kept."""
    name = message.get("response")
    if not name:
        return dict(message)
    values = {k: v for k, v in message.items() if k != "response"}
    draft = generator().generate_from_slots(name, dict(slots), channel, **values)
    assert draft is not None, f"the domain has no response {name!r}"
    left = unfilled(draft.get("text")) + unfilled(draft.get("custom"))
    assert not left, f"{name}: {left} not filled (slots and values: {sorted(values)})"
    return {**message, "text": draft.get("text"), "custom": draft.get("custom") or {}}


def rendered(
    messages: list[dict[str, Any]], slots: dict[str, Any], channel: str = "sms"
) -> list[dict[str, Any]]:
    return [render(message, slots, channel) for message in messages]


def texts(messages: list[dict[str, Any]], slots: dict[str, Any]) -> list[str]:
    """Only the texts, as the person reads them (refs not yet shown by the webhook)."""
    return [m.get("text") or "" for m in rendered(messages, slots)]


def names(messages: list[dict[str, Any]]) -> list[str | None]:
    """The responses named, in order (None for a raw text)."""
    return [m.get("response") for m in messages]


def bot_event(message: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """The `bot` event the tracker keeps for a message, as Rasa builds it
    (`RemoteAction._utter_responses`, `create_bot_utterance`): the response's name and the
    message's values go to its metadata."""
    shown = render(message, slots)
    metadata = {k: v for k, v in message.items() if v and k not in MESSAGE_KEYS}
    if message.get("response"):
        metadata.update(utter_action=message["response"], template=message["response"])
    return {
        "event": "bot",
        "text": shown.get("text"),
        "data": {"custom": shown.get("custom") or None},
        "metadata": metadata,
    }
