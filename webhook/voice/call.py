"""A phone call with the assistant: the dialogue's turns said aloud, and what only a call needs.

The dialogue (Rasa) is not forked: each answer is sent to it as text, and its reply
(`webhook.reply.TurnReply`: lines, the question's data, step, handoff) is rendered for the phone
(`render.py`). Around it, the call's modes (`modes.py`, pure) decide what an answer or a silence
means; this class does what they decide: values read back wait in the vault, links and SMS go
out (`offers.py`), a dropped call is resumed after a texted code (`resume.py`), an advisor is
reached by transferring the call. A call's state is bound to its CallSid (`state.py`,
`calls.py`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from bot.control_words import ADVISOR_REQUEST, REPEAT_REQUEST, RESTART_REQUEST
from bot.redaction import CREDENTIAL_STEPS
from webhook import texts
from webhook.reply import TurnReply
from webhook.services import Services
from webhook.voice import modes
from webhook.voice.calls import CallRegistry
from webhook.voice.modes import Do, Heard, Next
from webhook.voice.offers import SmsOffers, is_mobile
from webhook.voice.render import (
    asked_by,
    asks_email,
    hints,
    question_data,
    question_from,
    render_read_back,
    render_turn,
    reprompt,
)
from webhook.voice.reply import Listen, VoiceReply
from webhook.voice.resume import ResumeCodes
from webhook.voice.state import CallState, CallStates, Mode

#: Steps at which nothing personal was given yet: a dropped call resumes without a code.
BEFORE_IDENTITY = ("", "provisional_code", "confirm_provisional_code", "nir")


class VoiceCall:
    """One person's call; every entry point returns what the call does next."""

    def __init__(
        self,
        services: Services,
        states: CallStates,
        calls: CallRegistry,
        offers: SmsOffers,
        resume: ResumeCodes,
        advisors_open: Callable[[], bool],
    ) -> None:
        self.s = services
        self.states = states
        self.calls = calls
        self.offers = offers
        self.resume = resume
        self.advisors_open = advisors_open

    # -- entry points: `call_sid` is Twilio's CallSid (the simulator sends none) -------------
    def start(self, address: str, call_sid: str = "") -> VoiceReply:
        """A new call: resume a dropped one from this number, or greet and ask the first question."""
        call_sid = call_sid or "SIM" + secrets.token_hex(8)
        conversation_id, previous = self.calls.bind(address, call_sid)
        state = CallState(call_sid=call_sid, conversation_id=conversation_id)
        return self._settle(state, self._start(state, previous, address))

    def answer(
        self, address: str, digits: str = "", speech: str = "", call_sid: str = ""
    ) -> VoiceReply:
        """The person pressed keys and/or spoke (Twilio's `Digits` / `SpeechResult`)."""
        state = self._state(address, call_sid)
        if state is None:  # a call this service never answered: greet it
            return self.start(address, call_sid)
        heard = Heard(keys=(digits or "").strip(), text=(speech or "").strip())
        asked = question_from(state.question)
        return self._settle(
            state, self._do(state, modes.on_answer(heard, state, asked, self._step(state)))
        )

    def silence(self, address: str, call_sid: str = "") -> VoiceReply:
        """The gather ended without a key or a word."""
        state = self._state(address, call_sid)
        if state is None:
            return self.start(address, call_sid)
        asked = question_from(state.question)
        return self._settle(
            state, self._do(state, modes.on_silence(state, asked, self._step(state)))
        )

    def dialed(self, address: str, status: str, call_sid: str = "") -> VoiceReply:
        """The transfer to an advisor ended (Twilio's `DialCallStatus`)."""
        state = self._state(address, call_sid)
        if state is None:
            return self.start(address, call_sid)
        if status == "completed":
            return self._settle(state, VoiceReply(hangup=True).say(texts.GOODBYE))
        return self._settle(state, self._again(state, texts.TRANSFER_FAILED))

    def ended(self, address: str, call_sid: str = "") -> None:
        """The call is over (status callback, or the simulator's "Raccrocher")."""
        state = self._state(address, call_sid)
        if state is not None:
            self.calls.release(state)

    # -- what the modes decide -----------------------------------------------------------------
    def _do(self, state: CallState, next_: Next) -> VoiceReply:
        do = next_.do
        if do is Do.SAY:
            assert next_.reply is not None
            return self._keep(state, next_.reply, remember=next_.remember)
        if do is Do.AGAIN:
            return self._again(state, *(line.text for line in (next_.reply or VoiceReply()).lines))
        if do is Do.DIALOGUE:
            return self._turn(state, next_.text, next_.intro)
        if do is Do.READ_BACK:
            assert next_.back is not None
            self._drop_pending(state)
            back = next_.back
            state.pending_ref = self.s.vault.put(back.vault_kind, back.value, state.conversation_id)
            state.mode = Mode.CONFIRM
            return self._keep(state, render_read_back(back), remember=True)
        if do is Do.SEND_PENDING:
            ref, conversation_id = state.pending_ref, state.conversation_id
            value = self.s.vault.get(ref, conversation_id) if ref else None
            self._drop_pending(state)
            return self._reask(state, "") if value is None else self._turn(state, value)
        if do is Do.REASK:
            self._drop_pending(state)
            return self._reask(state, next_.intro)
        if do is Do.ADVISOR:
            return self._to_advisor(state)
        if do is Do.OFFER_LINK:
            return self._keep(state, self.offers.link(state, []), remember=True)
        if do is Do.OFFER_EMAIL:
            return self._keep(state, self.offers.email(state, []), remember=True)
        if do is Do.FINISHED:
            return self._keep(state, self.offers.finished(state))
        if do is Do.CHECK_RESUME:
            result = self.resume.check(state.conversation_id, next_.text, next_.text)
            return self._do(state, modes.after_resume_check(state, result.outcome))
        if do is Do.RESEND_RESUME:
            address = self.s.conversations.address(state.conversation_id) or ""
            if not self.resume.send(state.conversation_id, address):
                return self._restart(state, texts.RESUME_FAILED)
            listen = Listen("digits", hints(*texts.HINTS_RESUME))
            return self._keep(
                state, modes.say(texts.RESUME_RESENT, texts.RESUME_ASK, listen=listen)
            )
        assert do is Do.RESTART
        return self._restart(state, next_.intro)

    # -- the dialogue --------------------------------------------------------------------------
    def _turn(self, state: CallState, text: str, intro: str = "") -> VoiceReply:
        """Sends `text` to the dialogue and says its turn, the phone way."""
        before = self._step(state)
        turn = self.s.dialogue.turn(state.conversation_id, text, "voice")
        if turn.handoff:
            # "Je voudrais parler à quelqu'un", or the dialogue gave up (identity locked, card
            # refused): the conversation joined the advisors' queue; put the call through.
            transfer = self._transfer(state)
            if transfer is not None:
                return transfer
        return self._say_turn(state, turn, before).prepend(intro)

    def _say_turn(self, state: CallState, turn: TurnReply, before: str) -> VoiceReply:
        step = turn.step or self._step(state)
        question = turn.question if turn.question is not None else question_from(state.question)
        state.question = question_data(question)
        state.mode = Mode.ASK
        if step in CREDENTIAL_STEPS:  # not asked aloud: the link's page asks it
            said = [text for text in turn.texts if not asked_by(turn.question, text)]
            return self._keep(state, self.offers.link(state, said), remember=True)
        if step == "new_contact" and asks_email(question):
            said = [text for text in turn.texts if not asked_by(turn.question, text)]
            return self._keep(state, self.offers.email(state, said), remember=True)
        if step == "done":
            reply = render_turn(TurnReply(turn.texts)).say(texts.GOODBYE)
            reply.listen, reply.hangup = None, True
            return self._keep(state, reply)
        return self._keep(state, render_turn(turn, retry=step == before), remember=True)

    def _reask(self, state: CallState, intro: str) -> VoiceReply:
        """The question again (its simpler form when it has one), after `intro`."""
        question = question_from(state.question)
        if question is None or not question.simpler:
            return self._again(state, intro)
        return self._keep(state, reprompt(question).prepend(intro), remember=True)

    def _again(self, state: CallState, *lines: str) -> VoiceReply:
        """`lines`, then the last question asked (the dialogue's, when none was kept)."""
        if not state.last:
            return self._turn(state, REPEAT_REQUEST, " ".join(line for line in lines if line))
        last = VoiceReply.from_json(state.last)
        reply = VoiceReply(lines=VoiceReply().say(*lines).lines + last.lines, listen=last.listen)
        return self._keep(state, reply)

    def _keep(self, state: CallState, reply: VoiceReply, remember: bool = False) -> VoiceReply:
        """Saves the call's state; with `remember`, `reply` is the question to repeat."""
        if remember and reply.listen is not None:
            state.last = reply.to_json()
        self.states.save(state.conversation_id, state)
        return reply

    def _drop_pending(self, state: CallState) -> None:
        if state.pending_ref:
            self.s.vault.delete(state.pending_ref)
            state.pending_ref = ""

    # -- advisor -------------------------------------------------------------------------------
    def _to_advisor(self, state: CallState) -> VoiceReply:
        """The dialogue records the request (the advisor console lists the conversation, with
        what was collected); the call is transferred when a number is set and advisors work."""
        self._drop_pending(state)
        state.mode = Mode.ASK
        self.s.dialogue.turn(state.conversation_id, ADVISOR_REQUEST, "voice")
        transfer = self._transfer(state)
        if transfer is not None:
            return transfer
        return self._again(state, texts.NO_TRANSFER)

    def _transfer(self, state: CallState) -> VoiceReply | None:
        """The `<Dial>` to an advisor, when a number is set and advisors are at work."""
        number = self.s.settings.advisor_transfer_number
        if not (number and self.advisors_open()):
            return None
        self.s.conversations.update(state.conversation_id, transferred="1")
        return self._keep(state, VoiceReply(dial=number).say(texts.TRANSFER))

    # -- a new call, and resuming a dropped one ----------------------------------------------
    def _start(self, state: CallState, previous: CallState | None, address: str) -> VoiceReply:
        step = self._step(state)
        if previous is not None:
            self._drop_pending(previous)
            state.last, state.question = previous.last, previous.question
        resumable = previous is not None and previous.resumable()
        if not resumable or step in ("", "done"):
            state.last = None
            return self._turn(state, "Bonjour")
        if step in BEFORE_IDENTITY:  # nothing personal to protect yet
            return self._again(state, texts.RESUMED_PLAIN)
        if not (is_mobile(address) and self.resume.send(state.conversation_id, address)):
            return self._restart(state, texts.RESUME_NO_SMS)
        state.mode = Mode.RESUME_CHECK  # `last` stays the question to resume with
        listen = Listen("digits", hints(*texts.HINTS_RESUME))
        return self._keep(state, modes.say(texts.RESUME_CHECK, listen=listen))

    def _restart(self, state: CallState, intro: str) -> VoiceReply:
        state.mode, state.resume_tries = Mode.ASK, 0
        state.last = state.question = None
        return self._turn(state, RESTART_REQUEST, intro)

    # -- helpers -------------------------------------------------------------------------------
    def _state(self, address: str, call_sid: str) -> CallState | None:
        return self.states.load(call_sid or self.calls.latest_call(address))

    def _settle(self, state: CallState, reply: VoiceReply) -> VoiceReply:
        """The call stays live while it goes on; a reply that hangs up ends it."""
        if reply.hangup:
            self.calls.release(state)
        else:
            self.calls.touch(state, transfer=reply.dial is not None)
        return reply

    def _step(self, state: CallState) -> str:
        return (self.s.conversations.get(state.conversation_id) or {}).get("step") or ""
