"""Where a call stands, beyond the dialogue: a value being read back, silences, a pause.

Kept per conversation (so a call that drops and calls back finds it), encrypted with the
vault's key as one Redis value: the last reply may hold a number being read back. Values
waiting for "tapez 1 si c'est exact" are vault refs, never the values.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from bot.vault import Vault

#: A call may be resumed this long after it dropped: the vault (code, NIR) lasts as long.
RESUME_WINDOW_SECONDS = 2 * 3600


@dataclass
class CallState:
    mode: str = ""  # "", "confirm", "resume_check", "wait", "link"
    pending_ref: str = ""  # vault ref of the value being read back
    silences: int = 0
    wait_rounds: int = 0
    resume_tries: int = 0
    resume_expected: str = ""  # "YYMM" of birth, from the NIR's display mask
    last: dict[str, Any] | None = None  # the last question asked (VoiceReply JSON)
    call_sid: str = ""
    updated: float = field(default_factory=time.time)

    def resumable(self) -> bool:
        return self.last is not None and time.time() - self.updated < RESUME_WINDOW_SECONDS


class CallStates:
    def __init__(self, client: redis.Redis, vault: Vault, retention_seconds: int) -> None:
        self.redis = client
        self.vault = vault
        self.retention = retention_seconds

    def load(self, conversation_id: str) -> CallState:
        token = self.redis.get(f"voice:{conversation_id}")
        plain = self.vault.decrypt(token) if token else None
        if not plain:
            return CallState()
        data = json.loads(plain)
        known = CallState.__dataclass_fields__
        return CallState(**{k: v for k, v in data.items() if k in known})

    def save(self, conversation_id: str, state: CallState, touch: bool = True) -> None:
        if touch:
            state.updated = time.time()
        token = self.vault.encrypt(json.dumps(asdict(state), ensure_ascii=False))
        self.redis.set(f"voice:{conversation_id}", token, ex=self.retention)
