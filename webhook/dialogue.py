"""One turn of a conversation, the same for every channel.

redact secrets (by the step being asked) → transcript → Rasa → replies → transcript, and the
conversation's step and state read back from the tracker. Turns of one conversation are
serialised with a Redis lock so that two messages sent at once are answered in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.redaction import redact
from bot.vault import Vault
from webhook.conversations import ConversationStore
from webhook.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

RASA_DOWN = (
    "Désolé, l'assistant rencontre un problème technique. Votre demande est transmise à un "
    "conseiller, qui vous répondra ici. Vous pouvez aussi réessayer dans quelques minutes."
)


def current_step(slots: dict[str, Any]) -> str:
    if slots.get("__active_loop") and slots.get("requested_slot"):
        return str(slots["requested_slot"])
    return str(slots.get("flow_step") or "")


class Dialogue:
    #: Extra replies for the turn in which a conversation starts waiting for an advisor (the
    #: advisor console tells people when advisors are away); set by `webhook.advisor.init_app`.
    on_waiting: Callable[[str], list[str]] | None = None

    def __init__(self, rasa: RasaClient, vault: Vault, conversations: ConversationStore) -> None:
        self.rasa = rasa
        self.vault = vault
        self.conversations = conversations

    def handle(self, conversation_id: str, text: str, channel: str) -> list[str]:
        """Runs one person's message through the assistant; returns the replies to send."""
        with self.conversations.turn_lock(conversation_id):
            record = self.conversations.get(conversation_id) or {}
            redacted = redact(text, record.get("step") or None, self.vault, conversation_id)
            self.conversations.append(conversation_id, "person", redacted.display)
            if record.get("state") == "advisor":
                return []  # an advisor has the conversation: the bot stays silent
            try:
                messages = self.rasa.send(conversation_id, redacted.text, {"channel": channel})
            except RasaUnavailable as error:
                logger.error("rasa unavailable for %s: %s", conversation_id, error)
                self.conversations.update(conversation_id, state="waiting")
                self.conversations.append(conversation_id, "bot", RASA_DOWN)
                return [RASA_DOWN]
            replies = [m["text"] for m in messages if m.get("text")]
            replies += self._sync_state(conversation_id, record)
            for reply in replies:
                self.conversations.append(conversation_id, "bot", reply)
            return replies

    def _sync_state(self, conversation_id: str, record: dict[str, str]) -> list[str]:
        try:
            slots = self.rasa.tracker_slots(conversation_id)
        except RasaUnavailable as error:
            logger.warning("could not read the tracker of %s: %s", conversation_id, error)
            return []
        fields = {"step": current_step(slots)}
        if slots.get("handoff_reason") and record.get("state", "bot") == "bot":
            fields["state"] = "waiting"
        self.conversations.update(conversation_id, **fields)
        if fields.get("state") == "waiting" and self.on_waiting is not None:
            return self.on_waiting(conversation_id)
        return []
