"""What the call does next, as data: lines to say, then gather, transfer, redirect or hang up.

The call logic returns a `VoiceReply`; `to_twiml` renders it for Twilio and `to_json` for the
simulator's call mode, so both faces say exactly the same thing. Everything said before a
gather is said *inside* it, so the person can answer without waiting for the end (barge-in).
Read-backs of numbers are said slowly, with a pause between groups.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

LANGUAGE = "fr-FR"
GATHER_PATH = "/twilio/voice/gather"
SILENCE_PATH = "/twilio/voice/gather?silence=1"
DIALED_PATH = "/twilio/voice/dialed"
GROUP_PAUSE = "600ms"


@dataclass
class Line:
    """A sentence to say, or (with `groups`) a number read back slowly group by group."""

    text: str = ""
    groups: list[str] = field(default_factory=list)

    def spoken(self) -> str:
        return ", ".join(self.groups) if self.groups else self.text


@dataclass
class Listen:
    """How the answer is gathered: `kind` is a question's (`webhook.reply.Question.kind`:
    digits, letters, choice, yes_no, free), "confirm" (1 / 2 after a read-back) or "wait"
    (the person fetches their card)."""

    kind: str
    hints: str = ""


@dataclass
class VoiceReply:
    lines: list[Line] = field(default_factory=list)
    listen: Listen | None = None
    dial: str | None = None
    redirect: str | None = None
    hangup: bool = False

    def say(self, *texts: str) -> VoiceReply:
        self.lines.extend(Line(text=t) for t in texts if t)
        return self

    def prepend(self, text: str) -> VoiceReply:
        if text:
            self.lines.insert(0, Line(text=text))
        return self

    def read_back(self, groups: list[str]) -> VoiceReply:
        self.lines.append(Line(groups=groups))
        return self

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VoiceReply:
        listen = data.get("listen")
        return cls(
            lines=[Line(**line) for line in data.get("lines") or []],
            listen=Listen(**listen) if listen else None,
            dial=data.get("dial"),
            redirect=data.get("redirect"),
            hangup=bool(data.get("hangup")),
        )


def _gather_options(kind: str) -> dict[str, Any]:
    """Timeouts for people who take their time: digit strings end with # (or a pause), a menu
    with one key; waiting for someone fetching their card leaves them 20 seconds per round."""
    if kind in ("digits", "letters"):
        return {"finish_on_key": "#", "timeout": 10, "speech_timeout": "3"}
    if kind in ("choice", "yes_no", "confirm"):
        return {"num_digits": 1, "timeout": 8, "speech_timeout": "auto"}
    if kind == "wait":
        return {"num_digits": 1, "timeout": 20, "speech_timeout": "auto"}
    return {"finish_on_key": "#", "timeout": 8, "speech_timeout": "auto"}


def _say(line: Line, voice: str) -> Say:
    if not line.groups:
        return Say(line.text, voice=voice, language=LANGUAGE)
    say = Say(voice=voice, language=LANGUAGE)
    slow = say.prosody(rate="slow")
    for index, group in enumerate(line.groups):
        if index:
            slow.break_(time=GROUP_PAUSE)
        slow.append(group)
    return say


def to_twiml(reply: VoiceReply, base_url: str, voice: str, turn: str = "") -> str:
    """The TwiML document for Twilio; URLs are absolute on PUBLIC_BASE_URL (signed by Twilio).

    `turn` marks the URLs Twilio posts back to after this document: a retry of the same post
    carries the same mark, so the routes answer it without running the turn again."""
    mark = f"t={turn}" if turn else ""
    response = VoiceResponse()
    if reply.listen is not None:
        gather = Gather(
            input="dtmf speech",
            language=LANGUAGE,
            action=base_url + GATHER_PATH + (f"?{mark}" if mark else ""),
            method="POST",
            hints=reply.listen.hints or None,
            action_on_empty_result=False,
            **_gather_options(reply.listen.kind),
        )
        for line in reply.lines:
            gather.append(_say(line, voice))
        response.append(gather)
        # Gather ended without any input: Twilio goes on to the next verb.
        response.redirect(base_url + SILENCE_PATH + (f"&{mark}" if mark else ""), method="POST")
        return str(response)
    for line in reply.lines:
        response.append(_say(line, voice))
    if reply.dial:
        action = base_url + DIALED_PATH + (f"?{mark}" if mark else "")
        dial = response.dial(action=action, method="POST", timeout=30)
        dial.number(reply.dial)
    if reply.redirect:
        response.redirect(base_url + reply.redirect, method="POST")
    if reply.hangup:
        response.hangup()
    return str(response)
