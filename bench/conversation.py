"""What a simulated person says, turn by turn, and the channels that carry it (one per face).

A script is a list of turns: what the person sends and a fragment the reply must contain, so a
crossed, lost or wrong reply counts as an error instead of passing unnoticed.
"""

from __future__ import annotations

import secrets
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Protocol

import requests
from twilio.request_validator import RequestValidator

PASSWORD = "Soleil#Vert2026"


@dataclass(frozen=True)
class Target:
    """A running stack, as the bench sees it."""

    webhook_url: str
    public_base_url: str
    auth_token: str
    backend_url: str
    admin_token: str
    ports: dict[str, list[int]] = field(default_factory=dict)
    redis_url: str = ""


@dataclass(frozen=True)
class Turn:
    text: str
    expect: str  # lower-case fragment of the reply
    timed: bool = True  # False: a step outside the webhook turns (a web page)


@dataclass
class TurnResult:
    latency: float
    ok: bool
    error: str = ""
    segments: int = 0


def spaced(nir: str) -> str:
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"


def sms_activation(person: dict[str, str], code: str, identifier: str) -> list[Turn]:
    """A complete activation by SMS (the conversation of tests/e2e/test_sms_activation.py)."""
    return [
        Turn("Bonjour", "code provisoire"),
        Turn(code, "sécurité sociale"),
        Turn(spaced(person["nir"]), "identité est vérifiée"),
        Turn("avec photo" if person["card_type"] == "with_photo" else "sans photo", "série"),
        Turn(person["card_serial"], "activer"),
        Turn("1", "acceptez-vous"),
        Turn("oui", "sont-elles correctes"),
        Turn("oui", "identifiant"),
        Turn(identifier, "mot de passe"),
        Turn(PASSWORD, "à nouveau"),
        Turn(PASSWORD, "activé"),
    ]


class Channel(Protocol):
    """One person's line to the assistant: sends a text, returns the reply and its cost."""

    def send(self, text: str) -> tuple[int, str]: ...


def signed_post(
    session: requests.Session, target: Target, path: str, params: dict[str, str]
) -> requests.Response:
    """A POST signed as Twilio signs it (the real `twilio` RequestValidator)."""
    signature = RequestValidator(target.auth_token).compute_signature(
        target.public_base_url + path, params
    )
    return session.post(
        target.webhook_url + path,
        data=params,
        headers={"X-Twilio-Signature": signature},
        timeout=60,
    )


class SmsChannel:
    """A mobile phone texting the assistant's number (`POST /twilio/sms`)."""

    def __init__(self, target: Target, number: str) -> None:
        self.target = target
        self.number = number
        self.session = requests.Session()

    def send(self, text: str) -> tuple[int, str]:
        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+33700000000",
            "Body": text,
            "NumMedia": "0",
        }
        response = signed_post(self.session, self.target, "/twilio/sms", params)
        if response.status_code != 200:
            return response.status_code, ""
        root = ET.fromstring(response.text)
        return 200, "\n".join(m.text or "" for m in root.iter("Message"))


def run_turn(channel: Channel, turn: Turn) -> tuple[TurnResult, str]:
    """Sends one turn and times it as the caller (Twilio) sees it."""
    from bot.sms_text import segments

    started = time.perf_counter()
    try:
        status, reply = channel.send(turn.text)
    except (requests.RequestException, ET.ParseError) as error:
        return TurnResult(time.perf_counter() - started, False, type(error).__name__), ""
    latency = time.perf_counter() - started
    if status != 200:
        return TurnResult(latency, False, f"http_{status}"), reply
    if turn.expect not in reply.lower():
        return TurnResult(latency, False, "unexpected_reply", segments(reply)), reply
    return TurnResult(latency, True, "", segments(reply)), reply
