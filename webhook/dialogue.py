"""One turn of a conversation, the same for every channel.

clean the text (NFKC, Unicode digits as ASCII, no control characters, 1600 characters at most)
→ "supprimer mes données" (webhook/erasure.py) → redact secrets (by the step the message answers,
the one stored before the turn, and what the record adds: a one-time code outstanding, the
credentials screen reached; see bot/redaction.py) → transcript (encrypted at rest) → Rasa →
replies → transcript. The conversation's step and a handoff come with Rasa's answer itself (the
data of the question asked, `webhook.reply.TurnReply`): the tracker is not read after a turn. Turns
of one conversation are serialised with a Redis lock so that two messages sent at once are answered
in order.

`Dialogue.handle` returns the texts to send (SMS); `Dialogue.turn` the whole `TurnReply`, for a
face that renders the question itself (voice: its kind of input, keypad, hints, simpler form).

Faults never leave the person without an answer: Rasa down → `RASA_DOWN` (an apology, and the
conversation joins the advisors' queue); the action server down (Rasa then answers nothing) →
`ACTIONS_DOWN`, the same promise; a turn still waiting for the lock of the previous one after
`turn_lock`'s timeout → `BUSY`.

Channels that must answer within a deadline (Twilio gives up on a webhook after 15 s) call
`handle_within(conversation_id, text, channel, deadline_seconds, deliver)`: the turn runs in a
worker thread; when it is not over by the deadline the caller gets `[HOLDING]` to answer with
at once, and `deliver(replies)` is called with the real replies when the turn ends (SMS: the
Messages API, voice: a call update or the next `<Redirect>`). The turn runs once whatever
happens: Twilio's retries are dropped by MessageSid (or CallSid + turn) before this is called.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import requests
from redis.exceptions import LockError

from bot.confirmation import show_values
from bot.french_numbers import normalize_characters
from bot.jsonlog import bind_conversation
from bot.redaction import Redacted, redact
from bot.vault import Vault
from webhook.conversations import ConversationStore
from webhook.erasure import ConversationEraser, ErasureFlow
from webhook.metrics import record_rasa_down, record_step_change
from webhook.rasa_client import RasaClient, RasaUnavailable
from webhook.reply import TurnReply
from webhook.texts import ACTIONS_DOWN, BUSY, HOLDING, LATE_FAILURE, RASA_DOWN

logger = logging.getLogger(__name__)

MAX_TEXT = 1600


def clean_text(text: str) -> str:
    """What a turn works on: NFKC ("１２３" → "123"), every Unicode digit as ASCII, no control
    or zero-width characters, at most `MAX_TEXT` characters."""
    return normalize_characters(text[: MAX_TEXT * 2])[:MAX_TEXT]


def current_step(slots: dict[str, Any]) -> str:
    """The step of a tracker's slots (the advisor's hand-back, which reads them anyway)."""
    if slots.get("__active_loop") and slots.get("requested_slot"):
        return str(slots["requested_slot"])
    return str(slots.get("flow_step") or "")


class Dialogue:
    #: Extra replies for the turn in which a conversation starts waiting for an advisor (the
    #: advisor console tells people when advisors are away); set by `webhook.advisor.init_app`.
    on_waiting: Callable[[str], list[str]] | None = None

    def __init__(
        self,
        rasa: RasaClient,
        vault: Vault,
        conversations: ConversationStore,
        action_health_url: str | None = None,
    ) -> None:
        self.rasa = rasa
        self.vault = vault
        self.conversations = conversations
        self.action_health_url = action_health_url
        self.eraser = ConversationEraser(conversations.redis, vault, conversations)
        self.erasure = ErasureFlow(self.eraser, conversations)
        self._workers = ThreadPoolExecutor(max_workers=32, thread_name_prefix="turn")

    def handle(self, conversation_id: str, text: str, channel: str) -> list[str]:
        """Runs one person's message through the assistant; returns the replies to send."""
        return self.turn(conversation_id, text, channel).texts

    def turn(self, conversation_id: str, text: str, channel: str) -> TurnReply:
        """`handle`, with what the replies ask: the question (its kind of input, keypad, speech
        hints, simpler form; the phone's variant when `channel` is "voice"), the step, a handoff.
        `texts` are the replies to say, values shown; a fault's apology is a reply with no
        question."""
        bind_conversation(conversation_id)  # every log line of this turn carries the id
        text = clean_text(text)
        try:
            with self.conversations.turn_lock(conversation_id):
                return self._turn(conversation_id, text, channel)
        except LockError:
            logger.warning("turn lock of %s not acquired in time", conversation_id)
            return TurnReply([BUSY])

    def handle_within(
        self,
        conversation_id: str,
        text: str,
        channel: str,
        deadline_seconds: float,
        deliver: Callable[[list[str]], None],
    ) -> list[str]:
        """`handle`, answered within `deadline_seconds`: the replies, or `[HOLDING]` and then
        `deliver(replies)` from a worker thread once the turn is over (see the module doc)."""
        bind_conversation(conversation_id)  # the request's own log lines carry the id too
        future = self._workers.submit(self.handle, conversation_id, text, channel)
        try:
            return future.result(timeout=deadline_seconds)
        except FutureTimeout:
            pass
        logger.info("turn of %s over its deadline: holding message sent", conversation_id)
        self.conversations.append(conversation_id, "bot", HOLDING)
        future.add_done_callback(lambda done: self._deliver_late(conversation_id, done, deliver))
        return [HOLDING]

    def redact(
        self, conversation_id: str, text: str, record: dict[str, str] | None = None
    ) -> Redacted:
        """`text` redacted for the step it answers (the stored one): what any channel must call
        before it keeps or forwards a person's words (voice: a read-back, a call state)."""
        if record is None:
            record = self.conversations.get(conversation_id) or {}
        context = self.conversations.redaction_context(record)
        return redact(text, record.get("step") or None, self.vault, conversation_id, context)

    def erase(self, conversation_id: str) -> None:
        """Deletes everything kept for the conversation, at once (no confirmation asked)."""
        with self.conversations.turn_lock(conversation_id):
            self.eraser.erase(conversation_id)

    def _deliver_late(
        self, conversation_id: str, done: Future, deliver: Callable[[list[str]], None]
    ) -> None:
        error = done.exception()
        if error is not None:
            logger.error(
                "late turn of %s failed: %s\n%s",
                conversation_id,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        replies = done.result() if error is None else [LATE_FAILURE]
        if not replies:
            return
        try:
            deliver(replies)
        except Exception as failure:  # noqa: BLE001 - logged; nothing else can be done here
            logger.error("late replies of %s not delivered: %s", conversation_id, failure)

    def _turn(self, conversation_id: str, text: str, channel: str) -> TurnReply:
        record = self.conversations.get(conversation_id) or {}
        erasure = self.erasure.turn(conversation_id, text, record)
        if erasure is not None:
            if self.conversations.get(conversation_id) is not None:  # not erased
                shown = self.redact(conversation_id, text, record).display
                self.conversations.append(conversation_id, "person", shown)
                self.conversations.append_all(conversation_id, "bot", erasure)
            return TurnReply(erasure)
        redacted = self.redact(conversation_id, text, record)
        self.conversations.append(conversation_id, "person", redacted.display)
        if record.get("state") == "advisor":
            return TurnReply([])  # an advisor has the conversation: the bot stays silent
        metadata = {"channel": channel, "caller": record.get("caller", "")}
        try:
            answer = TurnReply.from_messages(
                self.rasa.send(conversation_id, redacted.text, metadata)
            )
        except RasaUnavailable as error:
            logger.error("rasa unavailable for %s: %s", conversation_id, error)
            record_rasa_down(channel, record.get("state", "bot"))
            return TurnReply(self._apologise(conversation_id, RASA_DOWN))
        if not answer.texts and not self._actions_healthy():
            logger.error("action server down during a turn of %s", conversation_id)
            return TurnReply(self._apologise(conversation_id, ACTIONS_DOWN))
        return self._answer(conversation_id, record, answer)

    def _answer(self, conversation_id: str, record: dict[str, str], answer: TurnReply) -> TurnReply:
        """Rasa's answer as the person gets it, once the record keeps what it asks (the step;
        on a handoff, the wait for an advisor) and the transcript its replies."""
        fields, extra = self._record_step(conversation_id, record, answer)
        return self._show(conversation_id, answer, answer.texts + extra, fields)

    def _show(
        self,
        conversation_id: str,
        answer: TurnReply,
        replies: list[str],
        fields: dict[str, str] | None = None,
    ) -> TurnReply:
        """The reply as the person gets it, its replies kept in the transcript (with the
        record's `fields` changed, in the same round trip): a value read back for confirmation
        travels as a ref, shown here (in the question's words too) and masked in the
        transcript (bot/confirmation.py)."""

        def reveal(ref: str) -> str | None:
            return self.vault.get(ref, conversation_id)

        shown = [show_values(reply, reveal) for reply in replies]
        self.conversations.update_and_append(
            conversation_id, fields or {}, "bot", [kept for _person, kept in shown]
        )
        question = answer.question
        if question is not None and question.text:
            question = dataclasses.replace(question, text=show_values(question.text, reveal)[0])
        return TurnReply([person for person, _kept in shown], question, answer.step, answer.handoff)

    def _apologise(self, conversation_id: str, apology: str) -> list[str]:
        """A fault: the person is told, and the conversation joins the advisors' queue."""
        self.conversations.update(conversation_id, state="waiting")
        replies = [apology]
        if self.on_waiting is not None:
            replies += self.on_waiting(conversation_id)
        else:
            self.conversations.mark_waiting_since(conversation_id)
        self.conversations.append_all(conversation_id, "bot", replies)
        return replies

    def _actions_healthy(self) -> bool:
        """Rasa answers nothing when a custom action fails (it logs and goes on): a turn
        without replies is a fault when the action server does not answer either."""
        if not self.action_health_url:
            return True
        try:
            return requests.get(self.action_health_url, timeout=1.5).status_code == 200
        except requests.RequestException:
            return False

    def _record_step(
        self, conversation_id: str, record: dict[str, str], answer: TurnReply
    ) -> tuple[dict[str, str], list[str]]:
        """The record's fields to change for the step the reply asks (none when it asks
        nothing) and, on a handoff, for the wait for an advisor, with the extra replies of that
        wait. The fields are written with the turn's replies (`_show`), unless the wait's
        replies need them first: then here, and none are returned."""
        before = record.get("step", "")
        fields: dict[str, str] = {}
        if answer.step:
            fields = {"step": answer.step, **self.conversations.step_fields(answer.step)}
        if answer.handoff and record.get("state", "bot") == "bot":
            fields["state"] = "waiting"
        handoff = answer.handoff if "state" in fields else None
        record_step_change(record.get("channel", ""), before, answer.step or before, handoff)
        if fields.get("state") == "waiting" and self.on_waiting is not None:
            self.conversations.update(conversation_id, **fields)
            return {}, self.on_waiting(conversation_id)
        return fields, []
