"""Taking over a conversation, writing to the person, and handing it back to the assistant.

Each change of hands runs under the conversation's turn lock, so that it never interleaves with
a person's message being answered (`Dialogue.handle` takes the same lock). Who may do what is
decided by the API (`api.py`); this module keeps the conversation, Rasa and the person in step.

- take over: state "advisor" + the advisor's name (the webhook stops passing messages to Rasa),
  Rasa's `pause` event (belt and braces: Rasa ignores the conversation too), then the person is
  told by SMS. Rasa being down does not stop an advisor: that is when one is needed most.
- hand back: Rasa's `resume` event and `handoff_reason` cleared, the flow controller
  (`action_next_step`) run, then the question pending at the step where the bot stopped asked
  again, and an `action_listen` so that the next message is read as the answer to it. The step
  is the one that question says it asks (webhook/reply.py); the tracker is read once, between
  the two, to find which question is pending. Only then is the state "bot" again: if Rasa does
  not answer, the advisor keeps the conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.sms_text import to_gsm7
from messaging import MessagingError
from webhook import texts
from webhook.conversations import STATE_INDEX, ConversationStore
from webhook.dialogue import current_step
from webhook.rasa_client import RasaUnavailable
from webhook.reply import TurnReply
from webhook.services import Services

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 1000


#: Set once the queue indexes hold every conversation (`index_existing_conversations`).
INDEXES_BUILT = "conv:state-indexes:v1"


def index_existing_conversations(store: ConversationStore, batch: int = 500) -> int:
    """Puts the conversations already waiting or taken over into the indexes the console reads
    (`conv:queue`, `conv:taken`), once per Redis: records written before the indexes existed
    would otherwise drop out of the queue. Returns how many were indexed."""
    client = store.redis
    if not client.set(INDEXES_BUILT, b"1", nx=True):
        return 0
    indexed, cursor = 0, 0
    while True:
        cursor, entries = client.zscan("conv:index", cursor, count=batch)
        scores = {(i.decode() if isinstance(i, bytes) else i): score for i, score in entries}
        pipe = client.pipeline()
        for conversation_id in scores:
            pipe.hget(f"conv:{conversation_id}", "state")
        add = client.pipeline()
        for (conversation_id, score), state in zip(scores.items(), pipe.execute(), strict=True):
            index = STATE_INDEX.get(state.decode() if state else "")
            if index:
                add.zadd(index, {conversation_id: score}, nx=True)
                indexed += 1
        add.execute()
        if not cursor:
            return indexed


class HandoffError(Exception):
    """A refused change; `message` is French, for the advisor."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def not_found() -> HandoffError:
    return HandoffError(404, "not_found", texts.CONSOLE_NOT_FOUND)


class Handoff:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- take over -----------------------------------------------------------------------------
    def take_over(self, conversation_id: str, username: str, first_name: str) -> bool:
        """Gives the conversation to `username`; True when the person could be told by SMS.

        Taking over a conversation one already has changes nothing (a double click).
        """
        conversations = self.s.conversations
        with conversations.turn_lock(conversation_id):
            record = conversations.get(conversation_id)
            if record is None:
                raise not_found()
            state = record.get("state")
            if state == "advisor":
                if record.get("advisor") == username:
                    return True
                raise HandoffError(409, "taken", texts.CONSOLE_TAKEN)
            if state == "closed":
                raise HandoffError(409, "closed", texts.CONSOLE_CLOSED)
            conversations.take_over(conversation_id, username)
            try:
                self.s.rasa.append_events(conversation_id, [{"event": "pause"}])
            except RasaUnavailable as error:
                logger.warning("could not pause %s in Rasa: %s", conversation_id, error)
            return self._tell(
                conversation_id, [texts.ADVISOR_TAKES_OVER.format(first_name=first_name)], "advisor"
            )

    # -- write -----------------------------------------------------------------------------------
    def send_message(self, conversation_id: str, username: str, text: str) -> None:
        """Sends the advisor's text to the person by SMS and records it in the transcript."""
        text = text.strip()
        if not text or len(text) > MAX_MESSAGE_LENGTH:
            raise HandoffError(
                400, "invalid_text", texts.CONSOLE_TEXT_LENGTH.format(maximum=MAX_MESSAGE_LENGTH)
            )
        record = self.s.conversations.get(conversation_id)
        if record is None:
            raise not_found()
        if record.get("state") != "advisor" or record.get("advisor") != username:
            raise HandoffError(409, "not_yours", texts.CONSOLE_TAKE_OVER_FIRST)
        address = self._address(conversation_id)
        try:
            self.s.messenger.send_sms(address, to_gsm7(text))
        except MessagingError as error:
            logger.warning("advisor message to %s not sent: %s", conversation_id, error)
            raise HandoffError(502, "delivery_failed", texts.CONSOLE_NOT_SENT) from error
        self.s.conversations.append(conversation_id, "advisor", text)

    # -- hand back -------------------------------------------------------------------------------
    def hand_back(self, conversation_id: str, username: str, any_advisor: bool = False) -> bool:
        """Gives the conversation back to the assistant; True when the person could be told."""
        conversations = self.s.conversations
        with conversations.turn_lock(conversation_id):
            record = conversations.get(conversation_id)
            if record is None:
                raise not_found()
            if record.get("state") != "advisor" or (
                record.get("advisor") != username and not any_advisor
            ):
                raise HandoffError(409, "not_yours", texts.CONSOLE_NOT_YOURS)
            try:
                reply, step, handoff = self._resume_bot(conversation_id)
            except RasaUnavailable as error:
                logger.error("could not resume %s in Rasa: %s", conversation_id, error)
                raise HandoffError(
                    503, "assistant_unavailable", texts.CONSOLE_ASSISTANT_DOWN
                ) from error
            conversations.hand_back(conversation_id, step)
            if handoff:  # the flow controller still needs an advisor
                conversations.update(conversation_id, state="waiting")
                conversations.mark_waiting_since(conversation_id)
            return self._tell(conversation_id, [texts.ASSISTANT_RESUMES, *reply.texts], "bot")

    def _resume_bot(self, conversation_id: str) -> tuple[TurnReply, str, str | None]:
        """Resumes Rasa at the step where it stopped; returns its reply, the step it asks and
        the reason it still needs an advisor (None: it does not)."""
        rasa = self.s.rasa
        rasa.append_events(
            conversation_id,
            [{"event": "resume"}, {"event": "slot", "name": "handoff_reason", "value": None}],
        )
        messages = rasa.execute_action(conversation_id, "action_next_step")
        slots = rasa.tracker_slots(conversation_id)  # where the flow controller went
        follow_up = self._pending_question(slots, rasa.domain())
        if follow_up:
            messages += rasa.execute_action(conversation_id, follow_up)
        rasa.append_events(conversation_id, [{"event": "action", "name": "action_listen"}])
        reply = TurnReply.from_messages(messages)
        handoff = reply.handoff or slots.get("handoff_reason") or None
        return reply, reply.step or current_step(slots), handoff

    @staticmethod
    def _pending_question(slots: dict[str, Any], domain: dict[str, Any]) -> str | None:
        """What asks the person the question the bot is waiting for, as the rules would.

        The rules of `data/rules/flow.yml` route `flow_step` X to the form `X_form`. When that
        form is the active one, its question for the requested slot is asked again (looked up as
        Rasa does); when another screen was chosen, its form runs and asks its first question.
        Steps without a form (done, paused, handoff): the flow controller said all there is.
        """
        form = f"{slots.get('flow_step')}_form"
        if form not in (domain.get("forms") or {}):
            return None
        loop, requested = slots.get("__active_loop"), slots.get("requested_slot")
        if loop != form:
            return form
        if not requested:
            return None
        # an action is a name, or {name: its settings} (`send_domain: false`: bot/domain)
        actions = [a if isinstance(a, str) else next(iter(a)) for a in domain.get("actions") or []]
        known = set(actions) | set(domain.get("responses") or {})
        for name in (
            f"action_ask_{form}_{requested}",
            f"utter_ask_{form}_{requested}",
            f"action_ask_{requested}",
            f"utter_ask_{requested}",
        ):
            if name in known:
                return name
        return None

    # -- delivery --------------------------------------------------------------------------------
    def _address(self, conversation_id: str) -> str:
        address = self.s.conversations.address(conversation_id)
        if not address or not address.startswith("+"):
            raise HandoffError(409, "no_number", texts.CONSOLE_NO_SMS)
        if self.s.conversations.is_opted_out(address):
            raise HandoffError(409, "opted_out", texts.CONSOLE_OPTED_OUT)
        return address

    def _tell(self, conversation_id: str, texts: list[str], who: str) -> bool:
        """Sends `texts` as one SMS and records them; False (logged) when it could not be sent:
        the change of hands stands, the console shows that the person was not told."""
        self.s.conversations.append_all(conversation_id, who, texts)
        try:
            address = self._address(conversation_id)
            self.s.messenger.send_sms(address, to_gsm7("\n".join(texts)))
        except (HandoffError, MessagingError) as error:
            logger.warning("could not tell the person of %s: %s", conversation_id, error)
            return False
        return True
