"""A caller activating by phone (`POST /twilio/voice`, keypad answers), as Twilio posts them.

Each turn posts `Digits` to the `<Gather>`'s action URL and follows holding `<Redirect>`s to the
poll route the way Twilio does; the latency is the caller's wait. The identifier and password
are chosen on the page whose link the call sends by SMS (read from the local outbox): that step
is not a webhook turn and is not timed.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import requests

from bench.conversation import PASSWORD, Target, Turn, signed_post

DIAL_IN = "<dial in>"
CHOOSE_ON_PAGE = "<credentials page>"


def voice_activation(person: dict[str, str], code: str, identifier: str) -> list[Turn]:
    """The keypad path of tests/e2e/test_voice_calls.py, then the page, then "c'est fait"."""
    from bot.spelled_code import keypad_pairs

    return [
        Turn(DIAL_IN, "code provisoire"),
        Turn(keypad_pairs(code) + "#", "tapez 1 si c'est exact"),
        Turn("1", "numéro de sécurité sociale"),
        Turn(person["nir"] + "#", "tapez 1"),
        Turn("1", "identité est vérifiée"),
        Turn("1", "numéro de série"),  # a card with a photo (bench/load.py seeds those)
        Turn(person["card_serial"] + "#", "tapez 1"),
        Turn("1", "activer"),
        Turn("1", "acceptez-vous"),
        Turn("1", "coordonnées"),
        Turn("1", "lien"),
        Turn(CHOOSE_ON_PAGE + identifier, "activé", timed=False),
        Turn("1", "activé"),
    ]


class VoiceChannel:
    """One phone call to the assistant's number."""

    def __init__(self, target: Target, number: str) -> None:
        self.target = target
        self.number = number
        self.session = requests.Session()
        self.call_sid = "CA" + secrets.token_hex(16)
        self.action = "/twilio/voice"

    def _params(self, **extra: str) -> dict[str, str]:
        return {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+33900000000",
            "CallStatus": "in-progress",
            **extra,
        }

    def _path(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def send(self, text: str) -> tuple[int, str]:
        if text.startswith(CHOOSE_ON_PAGE):
            return self._choose_on_page(text[len(CHOOSE_ON_PAGE) :])
        if text == DIAL_IN:
            params = self._params(CallStatus="ringing")
        else:
            params = self._params(Digits=text)
        response = signed_post(self.session, self.target, self.action, params)
        while True:
            if response.status_code != 200:
                return response.status_code, ""
            root = ET.fromstring(response.text)
            redirect = root.find("Redirect")
            gather = root.find("Gather")
            if (
                gather is None
                and redirect is not None
                and "/twilio/voice/poll" in (redirect.text or "")
            ):
                path = self._path(redirect.text or "")
                response = signed_post(self.session, self.target, path, self._params())
                continue
            if gather is not None:
                self.action = self._path(gather.get("action", "/twilio/voice/gather"))
            said = " ".join("".join(say.itertext()) for say in root.iter("Say"))
            return 200, said

    def _choose_on_page(self, identifier: str) -> tuple[int, str]:
        """Opens the link the call sent by SMS and chooses the identifier and password."""
        box = self.session.get(
            f"{self.target.webhook_url}/simulator/api/outbox",
            params={"to": self.number},
            timeout=30,
        ).json()
        links = [w for m in box for w in m["body"].split() if "/voice/credentials/" in w]
        if not links:
            return 404, ""
        url = self.target.webhook_url + urlsplit(links[-1]).path
        form = {"identifier": identifier, "password": PASSWORD, "password_confirmation": PASSWORD}
        page = self.session.post(url, data=form, timeout=60)
        return page.status_code, page.text
