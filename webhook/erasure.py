"""Erasure on request ("supprimer mes données"): what the assistant keeps about a conversation.

Handled by the webhook before Rasa, the same on every channel (`Dialogue.handle` calls
`ErasureFlow.turn`): the request is confirmed first (a "oui" erases, a "non" keeps everything),
then the Rasa tracker, the conversation record and transcript, the phone calls' state
(`voice:latest:<id>` names the last call, whose `voice:call:<CallSid>` may hold a read-back;
`voice:live:<id>`, the live call's hold), its password link, and the person's vault entries are
deleted. Kept: the STOP opt-out (an HMAC of the number, needed to respect it), the
identity-check throttles (they expire on their own; erasing them would reset an attacker's
count) and the advisors' audit stream (opaque ids only). The activation itself lives in the
national service: erasing the conversation does not undo it, and the person is told so.
"""

from __future__ import annotations

import logging

import redis

from bot.control_words import ERASE_NO, ERASE_YES, is_erasure_request, is_one_of
from bot.vault import Vault
from webhook import texts
from webhook.conversations import ConversationStore

logger = logging.getLogger(__name__)

#: Rasa's RedisTrackerStore keys: "tracker:" + sender id (endpoints.yml).
TRACKER_KEY_PREFIX = "tracker:"
#: The phone face's keys (`webhook/voice/calls.py`, `webhook/voice/state.py`,
#: `webhook/voice/links.py`): per conversation, the last call and the live call's hold; per call,
#: its state.
LATEST_CALL_PREFIX = "voice:latest:"
LIVE_CALL_PREFIX = "voice:live:"
CALL_STATE_PREFIX = "voice:call:"
LINK_INDEX_PREFIX = "voicelink:conv:"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class ConversationEraser:
    """Deletes everything kept for one conversation (call it under the turn lock)."""

    def __init__(self, client: redis.Redis, vault: Vault, conversations: ConversationStore):
        self.redis = client
        self.vault = vault
        self.conversations = conversations

    def erase(self, conversation_id: str) -> None:
        link = self.redis.get(LINK_INDEX_PREFIX + conversation_id)  # digest of the live token
        call_sids = {
            _text(sid)
            for sid in (
                self.redis.get(LATEST_CALL_PREFIX + conversation_id),
                self.redis.get(LIVE_CALL_PREFIX + conversation_id),
            )
            if sid
        }
        pipe = self.redis.pipeline()
        pipe.delete(TRACKER_KEY_PREFIX + conversation_id)
        pipe.delete(
            LATEST_CALL_PREFIX + conversation_id,
            LIVE_CALL_PREFIX + conversation_id,
            LINK_INDEX_PREFIX + conversation_id,
        )
        for sid in call_sids:
            pipe.delete(CALL_STATE_PREFIX + sid)
        if link:
            pipe.delete(f"voicelink:{_text(link)}")
        pipe.execute()
        self.conversations.forget(conversation_id)
        self.vault.forget_conversation(conversation_id)
        logger.info("conversation %s erased at the person's request", conversation_id)


class ErasureFlow:
    """The two turns of an erasure: the request (asks for confirmation), then the answer."""

    PENDING_FIELD = "erasure_pending"

    def __init__(self, eraser: ConversationEraser, conversations: ConversationStore) -> None:
        self.eraser = eraser
        self.conversations = conversations

    def turn(self, conversation_id: str, text: str, record: dict[str, str]) -> list[str] | None:
        """The replies when this message is part of an erasure, else None (a normal turn)."""
        if is_erasure_request(text):
            self.conversations.update(conversation_id, **{self.PENDING_FIELD: "1"})
            return [texts.ERASE_CONFIRM]
        if not record.get(self.PENDING_FIELD):
            return None
        self.conversations.clear_fields(conversation_id, self.PENDING_FIELD)
        if is_one_of(text, ERASE_YES):
            self.eraser.erase(conversation_id)
            return [texts.ERASE_DONE]
        if is_one_of(text, ERASE_NO):
            return [texts.ERASE_KEPT]
        return None  # anything else: the erasure is dropped and the message handled as usual
