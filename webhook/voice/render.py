"""A turn of the dialogue as the phone says it: the reply's data (`webhook.reply.TurnReply`) in,
a `VoiceReply` (lines, how to listen) out; `reply.to_twiml` makes the TwiML.

The dialogue tells what it asks (the question's `custom`: kind, lengths, keypad, hints, a
simpler form; the `voice` variant of its wording): nothing here looks at which sentence Rasa
said. Pure functions, tested without any service (tests/voice/test_render.py).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.control_words import SPEECH_HINTS
from bot.voice_readback import ReadBack
from webhook import texts
from webhook.reply import Question, TurnReply
from webhook.voice.reply import Listen, VoiceReply
from webhook.voice.wording import phone_wording


def hints(*phrases: str) -> str:
    """Twilio's `hints`: comma-separated phrases, each once."""
    return ", ".join(dict.fromkeys(p for p in phrases if p))


def listen_for(question: Question | None) -> Listen:
    """How the answer to `question` is gathered: its kind, its hints then the control words."""
    if question is None:
        return Listen("free", hints(*SPEECH_HINTS))
    return Listen(question.kind, hints(*question.hints, *SPEECH_HINTS))


def asks_email(question: Question | None) -> bool:
    """The new contact is an e-mail address (free text), which the call takes by SMS."""
    return question is not None and question.step == "new_contact" and question.kind == "free"


def asked_by(question: Question | None, text: str) -> bool:
    """True when `text` is the words of the message that asked `question` (the reply's data
    names them: no sentence is recognised)."""
    return question is not None and bool(question.text) and text == question.text


def render_turn(turn: TurnReply, retry: bool = False) -> VoiceReply:
    """The dialogue's lines, fit for the ear, then the gather its question asks for.

    `retry`: the same question asked again (the answer was refused): its simpler form is said
    instead of the same words, after the dialogue's explanation."""
    question = turn.question
    simpler = question.simpler if retry and question is not None else ""
    reply = VoiceReply().say(
        *(
            simpler if simpler and asked_by(question, text) else phone_wording(text)
            for text in turn.texts
        )
    )
    if not turn.texts:  # nothing said (a question without words on the phone): its simpler form
        question = turn.question
        reply.say(question.simpler if question and question.simpler else texts.LISTENING)
    reply.listen = listen_for(turn.question)
    return reply


def reprompt(question: Question | None) -> VoiceReply:
    """The question's second, shorter form (after a silence), listening the same way."""
    spoken = question.simpler if question and question.simpler else texts.ANSWER_FREELY
    reply = VoiceReply().say(spoken)
    reply.listen = listen_for(question)
    return reply


def render_read_back(back: ReadBack) -> VoiceReply:
    """The value said slowly, group by group, then "tapez 1 si c'est exact"."""
    reply = VoiceReply(listen=Listen("confirm", hints(*texts.HINTS_CONFIRM)))
    reply.say(texts.HEARD.get(back.what, texts.HEARD["number"]))
    return reply.read_back(back.groups).say(texts.CONFIRM_OUTRO)


def question_data(question: Question | None) -> dict[str, Any] | None:
    """A question as kept in the call's state (JSON)."""
    return asdict(question) if question is not None else None


def question_from(data: dict[str, Any] | None) -> Question | None:
    return Question.from_custom(data) if data else None
