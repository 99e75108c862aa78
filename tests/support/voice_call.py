"""A caller on the phone, as Twilio Voice posts for them: signed form posts with `Digits` /
`SpeechResult`, and the TwiML answers parsed with ElementTree (what was said, how the next
answer is gathered, a transfer or a hang-up). Holding redirects are followed like Twilio does."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from twilio.request_validator import RequestValidator

from tests.support.twilio_client import signed_post

Poster = Callable[[str, dict[str, str]], tuple[int, str]]


@dataclass
class Turn:
    """One TwiML answer."""

    xml: str

    @property
    def root(self) -> ET.Element:
        root = ET.fromstring(self.xml)
        assert root.tag == "Response"
        return root

    @property
    def gather(self) -> ET.Element | None:
        return self.root.find("Gather")

    @property
    def lines(self) -> list[str]:
        return ["".join(say.itertext()) for say in self.root.iter("Say")]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def read_back(self) -> list[str]:
        """The groups of a number read back slowly (the <prosody> of a <Say>)."""
        prosody = self.root.find(".//Say/prosody")
        return [] if prosody is None else [t.strip() for t in prosody.itertext() if t.strip()]

    @property
    def redirect(self) -> str | None:
        element = self.root.find("Redirect")
        return None if element is None else (element.text or "")

    @property
    def dial(self) -> str | None:
        number = self.root.find("Dial/Number")
        return None if number is None else (number.text or "")

    @property
    def hangup(self) -> bool:
        return self.root.find("Hangup") is not None


def http_poster(stack) -> Poster:  # type: ignore[no-untyped-def]
    def post(path: str, params: dict[str, str]) -> tuple[int, str]:
        response = signed_post(
            stack.webhook_url,
            stack.public_base_url,
            stack.env["TWILIO_AUTH_TOKEN"],
            path,
            params,
        )
        assert response.headers.get("Content-Type", "").startswith("text/xml"), response.text
        return response.status_code, response.text

    return post


def app_poster(app, public_base_url: str, auth_token: str) -> Poster:  # type: ignore[no-untyped-def]
    """Twilio's signed posts to an in-process webhook app (a test's own clock, same stack)."""
    client = app.test_client()

    def post(path: str, params: dict[str, str]) -> tuple[int, str]:
        signature = RequestValidator(auth_token).compute_signature(public_base_url + path, params)
        response = client.post(path, data=params, headers={"X-Twilio-Signature": signature})
        assert response.headers.get("Content-Type", "").startswith("text/xml"), response.text
        return response.status_code, response.get_data(as_text=True)

    return post


class Caller:
    """A person calling the assistant's number from `number`."""

    def __init__(self, post: Poster, public_base_url: str, number: str) -> None:
        self.post = post
        self.base = public_base_url
        self.number = number
        self.call_sid = ""
        self.turns: list[Turn] = []
        self.posts: list[tuple[str, dict[str, str]]] = []

    def _params(self, **extra: str) -> dict[str, str]:
        return {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+33900000000",
            "CallStatus": "in-progress",
            **extra,
        }

    def _send(self, url: str, params: dict[str, str]) -> Turn:
        self.posts.append((url, params))
        path = url[len(self.base) :] if url.startswith(self.base) else url
        status, xml = self.post(path, params)
        assert status == 200, xml
        turn = Turn(xml)
        # A holding line: Twilio follows the <Redirect> to the poll route.
        while turn.redirect and "/twilio/voice/poll" in turn.redirect and turn.gather is None:
            poll = urlsplit(turn.redirect)
            status, xml = self.post(f"{poll.path}?{poll.query}", self._params())
            assert status == 200, xml
            turn = Turn(xml)
        self.turns.append(turn)
        return turn

    def dial_in(self) -> Turn:
        self.call_sid = "CA" + secrets.token_hex(16)
        return self._send("/twilio/voice", self._params(CallStatus="ringing"))

    def action_url(self) -> str:
        gather = self.turns[-1].gather
        assert gather is not None, "the call is not listening"
        return gather.get("action", "")

    def press(self, digits: str) -> Turn:
        return self._send(self.action_url(), self._params(Digits=digits))

    def say(self, speech: str, confidence: str = "0.91") -> Turn:
        return self._send(
            self.action_url(), self._params(SpeechResult=speech, Confidence=confidence)
        )

    def stay_silent(self) -> Turn:
        """The gather timed out: Twilio goes on to the <Redirect> after it."""
        redirect = self.turns[-1].redirect
        assert redirect, "nothing follows the gather"
        return self._send(redirect, self._params())

    def repeat_post(self, index: int = -1) -> Turn:
        """Twilio posts one of this call's requests again (a timeout, a connection reset)."""
        url, params = self.posts[index]
        return self._send(url, params)

    def repeat(self) -> Turn:
        return self.repeat_post(-1)

    def status(self, status: str) -> None:
        code, _ = self.post("/twilio/voice/status", self._params(CallStatus=status))
        assert code == 200


def link_from(sms_body: str) -> str:
    """The credentials page URL in the SMS the call sent."""
    for word in sms_body.split():
        if "/voice/credentials/" in word:
            return word
    raise AssertionError(f"no link in {sms_body!r}")


def local_url(stack, public_url: str) -> str:  # type: ignore[no-untyped-def]
    """The page on the test stack (the SMS carries the public URL)."""
    return stack.webhook_url + urlsplit(public_url).path


def get(stack, url: str) -> requests.Response:  # type: ignore[no-untyped-def]
    return requests.get(local_url(stack, url), timeout=30)
