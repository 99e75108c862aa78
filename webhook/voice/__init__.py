"""The phone face: Twilio Voice calls with the same dialogue as SMS (docs/VOICE.md).

- `routes.py`: the signed Twilio routes (`/twilio/voice`, `…/gather`, `…/poll`, `…/dialed`,
  `…/status`), each turn within Twilio's 15 seconds;
- `call.py`: what the call does with each answer (read-backs, silences, pause, advisor, resume);
- `reply.py`: what to say and how to listen, rendered as TwiML (or JSON for the simulator);
- `state.py`: where a call stands (encrypted in Redis); `links.py` + `page.py`: the one-time
  link and page where a caller chooses their identifier and password.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from webhook.rasa_client import RasaUnavailable
from webhook.services import Services
from webhook.voice.call import VoiceCall, responses_by_text
from webhook.voice.links import CredentialLinks
from webhook.voice.state import CallStates

#: Amazon Polly's French neural voice, through Twilio; `VOICE_TTS_VOICE` changes it.
DEFAULT_VOICE = "Polly.Lea-Neural"


@dataclass
class VoiceFace:
    call: VoiceCall
    links: CredentialLinks
    tts_voice: str


def init_app(app: Flask) -> None:
    from webhook.voice import page, routes

    services: Services = app.extensions["mes"]
    links = CredentialLinks(services.redis)
    states = CallStates(
        services.redis, services.vault, services.settings.conversation_retention_seconds
    )
    cache: dict[str, str] = {}

    def voice_responses() -> dict[str, str]:
        """The model's responses by text, read once from Rasa (retried while Rasa is down)."""
        if not cache:
            try:
                cache.update(responses_by_text(services.rasa.domain()))
            except RasaUnavailable:
                return {}
        return cache

    def advisors_open() -> bool:
        console = app.extensions.get("advisor")
        return bool(console is None or console.hours.is_open())

    call = VoiceCall(services, states, links, voice_responses, advisors_open)
    voice = getattr(services.settings, "voice_tts_voice", "") or DEFAULT_VOICE
    app.extensions["voice"] = VoiceFace(call=call, links=links, tts_voice=voice)
    app.register_blueprint(routes.blueprint)
    app.register_blueprint(page.blueprint)
