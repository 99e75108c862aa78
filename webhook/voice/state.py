"""Where a call stands, beyond the dialogue: a value being read back, silences, a pause.

Kept per call (Twilio's `CallSid`), never per number: a second call placed from the same number
(a spoofed caller id) cannot read or change the state of the first. Each state names the
conversation its call works on (`webhook/voice/calls.py` decides which). One encrypted Redis
value per call, kept as long as a dropped call may be resumed (the next call from the number
finds the last question there): the last reply may hold a number being read back. Values
waiting for "tapez 1 si c'est exact" are vault refs, never the values.
"""

from __future__ import annotations

import enum
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from bot.vault import Vault

#: A call may be resumed this long after it dropped: the vault (code, NIR) lasts as long.
RESUME_WINDOW_SECONDS = 2 * 3600
_KEY = "voice:call:"


class Mode(enum.Enum):
    """What the call is listening for (each mode has its handler, webhook/voice/modes.py)."""

    ASK = "ask"  # an answer to the dialogue's question
    CONFIRM = "confirm"  # 1 / 2 after a value was read back
    WAIT = "wait"  # the person fetches their card: "c'est bon" when ready
    LINK = "link"  # the credentials page is open on their phone: "c'est fait"
    EMAIL_SMS = "email_sms"  # an e-mail address to be texted: "c'est fait"
    RESUME_CHECK = "resume_check"  # the code texted to resume a dropped call


@dataclass
class CallState:
    mode: Mode = Mode.ASK
    pending_ref: str = ""  # vault ref of the value being read back
    silences: int = 0
    wait_rounds: int = 0
    resume_tries: int = 0
    last: dict[str, Any] | None = None  # the last question asked (VoiceReply JSON)
    question: dict[str, Any] | None = None  # its data (webhook.reply.Question, as a dict)
    call_sid: str = ""
    conversation_id: str = ""
    updated: float = field(default_factory=time.time)

    def resumable(self) -> bool:
        return self.last is not None and time.time() - self.updated < RESUME_WINDOW_SECONDS


class CallStates:
    def __init__(self, client: redis.Redis, vault: Vault, retention_seconds: int) -> None:
        self.redis = client
        self.vault = vault
        self.ttl = min(retention_seconds, RESUME_WINDOW_SECONDS)

    def load(self, call_sid: str) -> CallState | None:
        """The state of the call `call_sid`, or None for a call this service never answered."""
        token = self.redis.get(_KEY + call_sid) if call_sid else None
        plain = self.vault.decrypt(token) if token else None
        if not plain:
            return None
        data = json.loads(plain)
        known = CallState.__dataclass_fields__
        state = CallState(**{k: v for k, v in data.items() if k in known})
        state.mode = Mode(data.get("mode") or Mode.ASK.value)
        return state

    def save(self, conversation_id: str, state: CallState, touch: bool = True) -> None:
        """Saves the state under its own call; `conversation_id` is the one the call works on."""
        if touch:
            state.updated = time.time()
        state.conversation_id = state.conversation_id or conversation_id
        data = {**asdict(state), "mode": state.mode.value}
        token = self.vault.encrypt(json.dumps(data, ensure_ascii=False))
        self.redis.set(_KEY + state.call_sid, token, ex=self.ttl)

    def forget(self, call_sid: str) -> None:
        self.redis.delete(_KEY + call_sid)
