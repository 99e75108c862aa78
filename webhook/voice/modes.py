"""What a call does with an answer or a silence, mode by mode (`state.Mode`), as data.

Each mode has one handler with `answer` (keys and/or words) and `silence`. A handler changes
the call's counters and mode and returns a `Next`: what the call does (`Do`) with what it
needs. Doing it (the dialogue, the vault, an SMS, a transfer) is `call.VoiceCall`'s job, so the
handlers are pure and tested without any service (tests/voice/test_modes.py).

Some words work in every mode but the resume check: "conseiller" (or 0), "répéter" (or *),
"attendez" / "un instant" (a pause while the card is fetched). Silence gets the question again,
then its simpler form, then an advisor offer, then a goodbye; the modes that wait for the
person (a pause, the credentials page, an SMS to answer) give them rounds of 20 seconds first.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot import control_words as words
from bot.redaction import CREDENTIAL_STEPS
from bot.spelled_code import keypad_code
from bot.voice_readback import ReadBack, read_back_for
from webhook import texts
from webhook.reply import Question
from webhook.voice.render import hints, reprompt
from webhook.voice.reply import Listen, VoiceReply
from webhook.voice.state import CallState, Mode

MAX_WAIT_ROUNDS = 9  # 20 seconds each: three minutes to find a card
MAX_RESUME_TRIES = 5  # answers that are not a 6-digit code; wrong codes: the code's own limit
ADVISOR_KEY, REPEAT_KEY = "0", "*"


class Do(enum.Enum):
    SAY = "say"  # say `reply` (remembered as the question to repeat when `remember`)
    AGAIN = "again"  # `reply`'s lines, then the last question asked again
    DIALOGUE = "dialogue"  # send `text` to the dialogue, say its turn (after `intro`)
    READ_BACK = "read_back"  # keep `back` in the vault, read it back, wait for 1 / 2
    SEND_PENDING = "send_pending"  # the value read back is confirmed: to the dialogue
    REASK = "reask"  # drop the value read back; the question again after `intro`
    ADVISOR = "advisor"  # the dialogue records the request; transfer when possible
    OFFER_LINK = "offer_link"  # text (again) the credentials link
    OFFER_EMAIL = "offer_email"  # text (again) the SMS to answer with an e-mail address
    FINISHED = "finished"  # the account was created on the page: say so, hang up
    CHECK_RESUME = "check_resume"  # check the code texted to resume
    RESEND_RESUME = "resend_resume"
    RESTART = "restart"  # start the dialogue over, after `intro`


@dataclass
class Heard:
    """One answer: keys (`Digits`, the ending # kept) and/or speech, and its plain words."""

    keys: str = ""
    text: str = ""

    @property
    def words(self) -> str:
        return words.normalise(self.text)

    @property
    def entry(self) -> str:
        """The keys without the # that ends an entry."""
        return self.keys.strip().rstrip("#")

    def key(self, key: str) -> bool:
        return self.entry[:1] == key if self.entry else False

    def one_of(self, phrases: frozenset[str]) -> bool:
        return self.words in phrases


@dataclass
class Next:
    do: Do
    reply: VoiceReply | None = None
    text: str = ""
    intro: str = ""
    back: ReadBack | None = None
    remember: bool = False


def say(*lines: str, listen: Listen | None = None, hangup: bool = False) -> VoiceReply:
    return VoiceReply(listen=listen, hangup=hangup).say(*lines)


def _menu_listen() -> Listen:
    return Listen("choice", hints(*texts.HINTS_SMS_WAIT))


# --- the handlers ---------------------------------------------------------------------------
class Ask:
    """The dialogue's question is pending: the answer goes to it, read back first when exact
    matters (code, NIR, serial, date, one-time code, mobile)."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        if step in CREDENTIAL_STEPS:
            return Next(Do.OFFER_LINK)
        keys, text = heard.entry, heard.text.strip()
        if not keys and not text:
            return silence(state, question, step)
        if keys and question is not None and keys in question.keypad:
            keys, text = "", question.keypad[keys]
        kind = question.kind if question else "free"
        field = question.field if question else step
        if kind == "letters" and keys:
            typed = keypad_code(keys)
            if typed.value is None:
                reply = say(texts.KEYS_NOT_UNDERSTOOD, listen=reprompt(question).listen)
                return Next(Do.SAY, reply=reply, remember=True)
            keys, text = "", typed.value
        back = read_back_for(field, keys or text)
        if back is not None:
            return Next(Do.READ_BACK, back=back)
        return Next(Do.DIALOGUE, text=_keys_as_words(keys, kind) if keys else text)

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        return ladder(state, reprompt(question))


def _keys_as_words(keys: str, kind: str) -> str:
    if kind == "digits":
        return re.sub(r"\D", "", keys)
    if kind == "choice":
        return keys[:1]
    if kind == "yes_no":
        return words.YES_NO_KEYS.get(keys[:1], keys)
    return keys


class Confirm:
    """A value was read back: 1 (or "exact") sends it on, 2 (or "recommencer") asks again."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        if heard.key("1") or heard.one_of(words.CONFIRM_YES):
            state.mode = Mode.ASK
            return Next(Do.SEND_PENDING)
        if heard.key("2") or heard.one_of(words.CONFIRM_NO):
            state.mode = Mode.ASK
            return Next(Do.REASK, intro=texts.CONFIRM_AGAIN)
        return Next(Do.AGAIN, reply=say(texts.NOT_UNDERSTOOD))

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        confirm = Listen("confirm", hints(*texts.HINTS_CONFIRM))
        return ladder(state, say(texts.CONFIRM_OUTRO, listen=confirm))


class Wait:
    """The person fetches their card: "c'est bon" (or 1, or silence after a round) goes back to
    the question; any other answer is an answer to it."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        state.mode = Mode.ASK
        if heard.entry == "1" or heard.one_of(words.READY) or not (heard.entry or heard.text):
            return Next(Do.AGAIN, reply=say(texts.LISTENING))
        return HANDLERS[Mode.ASK].answer(heard, state, question, step)

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        if state.wait_rounds < MAX_WAIT_ROUNDS:
            state.wait_rounds += 1
            listen = Listen("wait", hints(*texts.HINTS_WAIT))
            return Next(Do.SAY, reply=say(texts.STILL_WAITING, listen=listen))
        state.mode = Mode.ASK
        return ladder(state, reprompt(question))


class Link:
    """The credentials link was texted: the call waits while the person uses the page."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        if step == "done":
            return Next(Do.FINISHED)
        if heard.key("2") or heard.one_of(words.RESEND):
            return Next(Do.OFFER_LINK)
        menu = say(texts.LINK_MENU, listen=_menu_listen())
        if heard.key("1") or heard.one_of(words.DONE):
            menu.prepend(texts.LINK_NOT_YET)
        return Next(Do.SAY, reply=menu, remember=True)

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        if step == "done":
            return Next(Do.FINISHED)
        if state.wait_rounds < MAX_WAIT_ROUNDS:
            state.wait_rounds += 1
            return Next(
                Do.SAY, reply=say(texts.LINK_WAITING, texts.LINK_MENU, listen=_menu_listen())
            )
        return ladder(state, say(texts.LINK_MENU, listen=_menu_listen()))


class EmailSms:
    """An SMS was texted to be answered with the new e-mail address; the dialogue moves on
    (a code sent to it) once the answer came."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        if step != "new_contact":
            return _email_received(state)
        if heard.key("2") or heard.one_of(words.RESEND):
            return Next(Do.OFFER_EMAIL)
        menu = say(texts.EMAIL_MENU, listen=_menu_listen())
        if heard.key("1") or heard.one_of(words.DONE):
            menu.prepend(texts.EMAIL_NOT_YET)
        return Next(Do.SAY, reply=menu, remember=True)

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        if step != "new_contact":
            return _email_received(state)
        if state.wait_rounds < MAX_WAIT_ROUNDS:
            state.wait_rounds += 1
            reply = say(texts.EMAIL_WAITING, texts.EMAIL_MENU, listen=_menu_listen())
            return Next(Do.SAY, reply=reply)
        return ladder(state, say(texts.EMAIL_MENU, listen=_menu_listen()))


def _email_received(state: CallState) -> Next:
    """The dialogue asked its next question by SMS: the call asks the dialogue to repeat it."""
    state.mode = Mode.ASK
    return Next(Do.DIALOGUE, text=words.REPEAT_REQUEST, intro=texts.EMAIL_RECEIVED)


class ResumeCheck:
    """A dropped call is resumed only with the code just texted to the number."""

    def answer(self, heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
        if heard.one_of(words.RESTART):
            return Next(Do.RESTART)
        if heard.one_of(words.RESEND) or heard.entry == "9":
            return Next(Do.RESEND_RESUME)
        return Next(Do.CHECK_RESUME, text=heard.entry or heard.text)

    def silence(self, state: CallState, question: Question | None, step: str) -> Next:
        listen = Listen("digits", hints(*texts.HINTS_RESUME))
        return ladder(state, say(texts.RESUME_ASK, listen=listen))


def after_resume_check(state: CallState, outcome: str) -> Next:
    """The code's check ("ok", "wrong", "malformed", "locked", "expired"…) decides."""
    if outcome == "ok":
        state.mode, state.resume_tries = Mode.ASK, 0
        return Next(Do.AGAIN, reply=say(texts.RESUMED))
    if outcome not in ("wrong", "malformed"):  # locked, expired: no second chance
        return Next(Do.RESTART, intro=texts.RESUME_FAILED)
    if outcome == "malformed":
        state.resume_tries += 1
        if state.resume_tries >= MAX_RESUME_TRIES:
            return Next(Do.RESTART, intro=texts.RESUME_FAILED)
    listen = Listen("digits", hints(*texts.HINTS_RESUME))
    wrong = texts.RESUME_WRONG if outcome == "wrong" else ""
    return Next(Do.SAY, reply=say(wrong, texts.RESUME_ASK, listen=listen))


Handler = Ask | Confirm | Wait | Link | EmailSms | ResumeCheck
HANDLERS: dict[Mode, Handler] = {
    Mode.ASK: Ask(),
    Mode.CONFIRM: Confirm(),
    Mode.WAIT: Wait(),
    Mode.LINK: Link(),
    Mode.EMAIL_SMS: EmailSms(),
    Mode.RESUME_CHECK: ResumeCheck(),
}


# --- what every mode shares -----------------------------------------------------------------
def on_answer(heard: Heard, state: CallState, question: Question | None, step: str) -> Next:
    """An answer: the words of every mode first (not while a resume is checked), then the
    mode's own handler."""
    state.silences = 0
    if state.mode is not Mode.RESUME_CHECK:
        if heard.entry == ADVISOR_KEY or heard.one_of(words.ADVISOR):
            return Next(Do.ADVISOR)
        if heard.entry == REPEAT_KEY or heard.one_of(words.REPEAT):
            return Next(Do.AGAIN, reply=say(texts.REPEAT))
        if words.is_wait(heard.text):
            state.mode, state.wait_rounds = Mode.WAIT, 0
            listen = Listen("wait", hints(*texts.HINTS_WAIT))
            return Next(Do.SAY, reply=say(texts.WAIT, listen=listen))
    return HANDLERS[state.mode].answer(heard, state, question, step)


def on_silence(state: CallState, question: Question | None, step: str) -> Next:
    return HANDLERS[state.mode].silence(state, question, step)


def silence(state: CallState, question: Question | None, step: str) -> Next:
    """Only # was pressed, or the recogniser wrote nothing down: as a silence."""
    return on_silence(state, question, step)


def ladder(state: CallState, again: VoiceReply) -> Next:
    """The n-th silence in a row: the question again, then `again` (its simpler form) after
    "toujours rien entendu", then after an advisor offer, then a goodbye."""
    state.silences += 1
    if state.silences == 1:
        return Next(Do.AGAIN, reply=say(texts.NOT_HEARD))
    if state.silences >= 4:
        return Next(Do.SAY, reply=say(texts.GOODBYE_SILENT, hangup=True))
    first = texts.STILL_NOT_HEARD if state.silences == 2 else texts.ADVISOR_OFFER
    again.prepend(first)
    return Next(Do.SAY, reply=again)
