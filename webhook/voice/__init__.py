"""The phone face: Twilio Voice calls with the same dialogue as SMS (docs/VOICE.md).

- `routes.py`: the signed Twilio routes (`/twilio/voice`, `…/gather`, `…/poll`, `…/dialed`,
  `…/status`), each turn within Twilio's 15 seconds;
- `call.py`: runs a call: the dialogue's turns, and what the modes decide;
- `modes.py`: the call's modes (an enumeration, `state.Mode`), each with its handler: what an
  answer or a silence means (read-backs, silences, pause, advisor, resume), as pure data;
- `render.py`: a turn of the dialogue (`webhook.reply.TurnReply`) as the phone says it;
  `reply.py`: what to say and how to listen, as TwiML (or JSON for the simulator);
  `wording.py`: SMS lines made fit for the ear; `offers.py`: the link and e-mail SMS;
- `state.py`: where a call stands, per CallSid (encrypted in Redis); `calls.py`: which
  conversation a call works on (one live call per number's conversation) and which SMS continue
  it; `resume.py`: the code texted to resume a dropped call; `links.py` + `page.py`: the
  one-time link and page (with a code said aloud) where a caller chooses their credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from bot.one_time_codes import OneTimeCodes
from webhook.services import Services
from webhook.voice.call import VoiceCall
from webhook.voice.calls import CallRegistry
from webhook.voice.links import CredentialLinks
from webhook.voice.offers import SmsOffers
from webhook.voice.resume import ResumeCodes
from webhook.voice.state import CallStates

#: Amazon Polly's French neural voice, through Twilio; `VOICE_TTS_VOICE` changes it.
DEFAULT_VOICE = "Polly.Lea-Neural"


@dataclass
class VoiceFace:
    call: VoiceCall
    calls: CallRegistry
    links: CredentialLinks
    tts_voice: str


def init_app(app: Flask) -> None:
    from webhook.voice import page, routes

    services: Services = app.extensions["mes"]
    key = services.settings.vault_key
    links = CredentialLinks(services.redis, key)
    states = CallStates(
        services.redis, services.vault, services.settings.conversation_retention_seconds
    )
    calls = CallRegistry(services.redis, services.conversations, states)
    resume = ResumeCodes(OneTimeCodes(services.redis, key), services.messenger)

    def advisors_open() -> bool:
        console = app.extensions.get("advisor")
        return bool(console is None or console.hours.is_open())

    offers = SmsOffers(services, calls, links)
    call = VoiceCall(services, states, calls, offers, resume, advisors_open)
    voice = getattr(services.settings, "voice_tts_voice", "") or DEFAULT_VOICE
    app.extensions["voice"] = VoiceFace(call=call, calls=calls, links=links, tts_voice=voice)
    app.register_blueprint(routes.blueprint)
    app.register_blueprint(page.blueprint)


def call_awaiting_sms(address: str) -> str | None:
    """The conversation of a call waiting for an SMS from `address` (the credentials link,
    an e-mail address asked by SMS), or None: the SMS is a conversation of its own."""
    face: VoiceFace | None = current_app.extensions.get("voice")
    if face is None:
        return None
    conversations = face.calls.conversations
    return face.calls.sms_conversation(
        address,
        lambda conversation_id: (conversations.get(conversation_id) or {}).get("step") or "",
    )
