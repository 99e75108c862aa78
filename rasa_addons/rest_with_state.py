"""The webhook's channel into Rasa: one turn in, the turn's messages out, each question with its data.

`POST /webhooks/rest_state/webhook` with `{"sender", "message", "metadata": {"channel": "sms" |
"voice", ...}}` answers `{"messages": [{"text": ..., "custom": {...}}, ...]}` (the reply contract,
docs in webhook/reply.py). Two things differ from Rasa's `rest` channel, both through public
extension points (`InputChannel`, `OutputChannel`):
- the output channel is named after the person's channel (`TurnCollector.name()`: "sms" or
  "voice"), so that Rasa picks a response's `channel: voice` variant on the phone and the variant
  without a channel otherwise (rasa/core/nlg/generator.py, `ResponseVariationFilter`);
- a response with both `text` and `custom` stays ONE message: the question's words and its data
  (step, kind of input, keypad, hints) travel together; Rasa's CollectingOutputChannel would send
  the `custom` as a second message.
What the webhook needs of the conversation's state (the step asked, a handoff) is in the messages
themselves: no slot or tracker goes back, and the tracker is never read a second time.
The input channel is recorded in the tracker as "rest", as before.

It is the only channel (credentials.yml), and it answers only its client: a turn needs
`Authorization: Bearer <token>` (the webhook's `RASA_TOKEN`; the webhook is its only holder, and
Rasa's API already grants it more than a turn). Without it, anyone reaching Rasa could write
into any person's conversation. Text that starts with `/` would make Rasa force an intent
(`/restart` wipes what was collected, `/affirm{...}` sets entities): such a message is given the
parse of a message the NLU did not understand, here where a person's text becomes a Rasa
`UserMessage`, so that the person is asked again and nothing is lost. Dropping the slash would
not do: "restart" is a word of the `start_over` intent.
"""

from __future__ import annotations

import hmac
from asyncio import CancelledError
from typing import Any

import structlog
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

structlogger = structlog.get_logger()

#: the intent of a message that is not understood (what Rasa's FallbackClassifier predicts)
NOT_UNDERSTOOD = "nlu_fallback"
#: the person's channels, as the webhook sends them in a turn's metadata; the first is the default
PERSON_CHANNELS = ("sms", "voice")
#: how the turns are recorded in the tracker (`latest_input_channel`)
RECORDED_INPUT_CHANNEL = "rest"
#: the parts of a message the webhook reads, in Rasa's names
MESSAGE_PARTS = ("text", "custom", "buttons", "image", "attachment")


def forced_intent(text: str, domain: Domain | None) -> str | None:
    """The intent a text would force in Rasa (`/restart`, `/affirm{...}`), by Rasa's own rule
    (without a domain, any `/word` counts)."""
    text = text.strip()
    if not text.startswith(INTENT_MESSAGE_PREFIX):
        return None
    try:
        parsed = YAMLStoryReader.unpack_regex_message(Message({TEXT: text}), domain)
    except Exception:  # noqa: BLE001 - whatever Rasa cannot unpack is no message to parse either
        return text
    intent = parsed.get(INTENT)
    return intent.get(INTENT_NAME_KEY) if intent else None


def not_understood(text: str) -> dict[str, Any]:
    """The parse given to a command-shaped message: its words kept for the form validators,
    its intent the one of a message the NLU did not understand, no entity."""
    return {
        TEXT: text.strip(),
        INTENT: {INTENT_NAME_KEY: NOT_UNDERSTOOD, PREDICTED_CONFIDENCE_KEY: 1.0},
        ENTITIES: [],
    }


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized() -> HTTPResponse:
    return response.json(
        {"error": "unauthorized", "message": "missing or wrong channel token"},
        status=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def bad_request(message: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "message": message}, status=400)


def person_channel(metadata: Any) -> str:
    """The channel a turn comes from (metadata `channel`), "sms" unless it says "voice"."""
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    return channel if channel in PERSON_CHANNELS else PERSON_CHANNELS[0]


class TurnCollector(CollectingOutputChannel):
    """Collects a turn's messages for the HTTP answer, named after the person's channel, each
    response's text and custom data in one message."""

    def __init__(self, channel: str = PERSON_CHANNELS[0]) -> None:
        super().__init__()
        self.channel = channel

    def name(self) -> str:  # type: ignore[override]  # per turn, not per class
        """What Rasa matches a response variant's `channel` against."""
        return self.channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """One message per response, its parts together. Text is split on blank lines as
        Rasa's collector does; the custom data goes with the last part (what is asked)."""
        parts = {key: message[key] for key in MESSAGE_PARTS if message.get(key)}
        if not parts:
            return
        texts = str(parts.pop("text", "")).strip().split("\n\n")
        for text in texts[:-1]:
            self.messages.append({"text": text})
        last = {"text": texts[-1]} if texts[-1] else {}
        self.messages.append({**last, **parts})


class RestWithStateInput(InputChannel):
    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the rest_state channel needs a token (RASA_TOKEN)")
        self.token = token

    @classmethod
    def name(cls) -> str:
        return "rest_state"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestWithStateInput:
        """From credentials.yml: `token: ${RASA_TOKEN}`."""
        return cls(str((credentials or {}).get("token") or ""))

    def authorised(self, request: Request) -> bool:
        return hmac.compare_digest(bearer_token(request).encode(), self.token.encode())

    def get_output_channel(self) -> TurnCollector:
        """Rasa's API (`POST /conversations/<id>/execute?output_channel=rest_state`, the advisor's
        hand-back) answers through this: the SMS wording, text and data together."""
        return TurnCollector()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = (request.json or {}).get("metadata") if isinstance(request.json, dict) else None
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message: Any) -> Blueprint:
        webhook = Blueprint("rest_state_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return unauthorized()
            body = request.json
            if not isinstance(body, dict):
                return bad_request("a JSON object is expected")
            sender_id, text = body.get("sender"), body.get("message")
            if not isinstance(sender_id, str) or not sender_id or not isinstance(text, str):
                return bad_request("'sender' and 'message' must be strings")
            metadata = self.get_metadata(request)
            parse_data = None
            if forced_intent(text, getattr(request.app.ctx.agent, "domain", None)):
                parse_data = not_understood(text)
            collector = TurnCollector(person_channel(metadata))
            message = UserMessage(
                text,
                collector,
                sender_id,
                parse_data=parse_data,
                input_channel=RECORDED_INPUT_CHANNEL,
                metadata=metadata,
            )
            try:
                await on_new_message(message)
            except CancelledError:
                structlogger.error("rest_state.message.received.timeout")
            except Exception:  # noqa: BLE001 - as the REST channel: answer what was collected
                structlogger.exception("rest_state.message.received.failure")
            return response.json({"messages": collector.messages})

        return webhook
