"""Which conversation a call works on, and which call holds a number's conversation.

A caller id is not proof of anything: it can be spoofed. A number's conversation (the one a
dropped call is resumed from) is therefore held by one live call at a time: the first call
from the number claims it; a second call from the same number while the first is live gets a
conversation of its own, with nothing of the first (it never shares the first call's state, its
dialogue or its vault). A call stays live while Twilio keeps posting for it: the claim expires
`LIVE_SECONDS` after its last post (a gather waits 20 s at most, a turn a minute at most with
its polls), `TRANSFER_SECONDS` during a transfer to an advisor, and is released at once when the
call ends (status callback, or a reply that hangs up).

SMS from the caller's number continue the call's conversation only while that call waits for
them (the credentials link or the e-mail address asked by SMS, `SMS_WAIT_SECONDS` at most);
any other SMS from the number is an SMS conversation of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import redis

from bot.redaction import CREDENTIAL_STEPS
from webhook.conversations import ConversationStore
from webhook.voice.state import CallState, CallStates, Mode

LIVE_SECONDS = 180
TRANSFER_SECONDS = 4 * 3600
SMS_WAIT_SECONDS = 15 * 60  # the credentials link's own lifetime
#: The call modes in which the call waits for an SMS from its number, and the steps it waits at.
SMS_MODES = (Mode.LINK, Mode.EMAIL_SMS)
ENDED_STATUSES = ("completed", "busy", "failed", "no-answer", "canceled")

# Deletes KEYS[1] only when it still holds ARGV[1] (a call releases only its own claim).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def _sid_key(call_sid: str) -> str:
    return hashlib.sha256(call_sid.encode("utf-8")).hexdigest()[:32]


class CallRegistry:
    def __init__(
        self, client: redis.Redis, conversations: ConversationStore, states: CallStates
    ) -> None:
        self.redis = client
        self.conversations = conversations
        self.states = states
        self._release = client.register_script(_RELEASE)

    # -- a new call ----------------------------------------------------------------------------
    def bind(self, address: str, call_sid: str) -> tuple[str, CallState | None]:
        """The conversation a new call works on, and the number's previous call (to resume),
        which is None when this call got a conversation of its own (another call is live)."""
        own = self.conversations.open("voice", address)
        self.redis.set(self._number_key(address), call_sid, ex=self.states.ttl)
        live = f"voice:live:{own}"
        claimed = self.redis.set(live, call_sid, nx=True, ex=LIVE_SECONDS)
        if not (claimed or self._holds(own, call_sid)):
            return self.conversations.open("voice", address, scope=_sid_key(call_sid)), None
        previous = self.redis.getset(f"voice:latest:{own}", call_sid)
        self.redis.expire(f"voice:latest:{own}", self.states.ttl)
        before = previous.decode() if previous else ""
        state = self.states.load(before) if before and before != call_sid else None
        return own, state if state is not None and state.conversation_id == own else None

    def _number_key(self, address: str) -> str:
        return "voice:number:" + self.conversations.caller_key(address)

    def latest_call(self, address: str) -> str:
        """The CallSid of the last call started from `address` (the simulator posts none: one
        phone, one call at a time)."""
        sid = self.redis.get(self._number_key(address))
        return sid.decode() if sid else ""

    # -- while the call lasts ------------------------------------------------------------------
    def _holds(self, conversation_id: str, call_sid: str) -> bool:
        held = self.redis.get(f"voice:live:{conversation_id}")
        return held is not None and held.decode() == call_sid

    def touch(self, state: CallState, transfer: bool = False) -> None:
        """The call posted again: it is still live (re-claimed if its claim lapsed and nobody
        else took the conversation)."""
        key = f"voice:live:{state.conversation_id}"
        seconds = TRANSFER_SECONDS if transfer else LIVE_SECONDS
        if self._holds(state.conversation_id, state.call_sid):
            self.redis.expire(key, seconds)
        else:
            self.redis.set(key, state.call_sid, nx=True, ex=seconds)

    def release(self, state: CallState) -> None:
        """The call ended: its number's conversation may be resumed by the next call."""
        self._release(keys=[f"voice:live:{state.conversation_id}"], args=[state.call_sid])

    # -- SMS awaited by a call ----------------------------------------------------------------
    def _sms_key(self, address: str) -> str:
        return "voice:sms:" + self.conversations.caller_key(address)

    def await_sms(self, address: str, state: CallState) -> None:
        """SMS from `address` go to the call's conversation while it waits for them."""
        entry = {"conversation_id": state.conversation_id, "call_sid": state.call_sid}
        self.redis.set(self._sms_key(address), json.dumps(entry), ex=SMS_WAIT_SECONDS)

    def sms_conversation(self, address: str, step_of: Callable[[str], str]) -> str | None:
        """The call conversation an SMS from `address` continues, or None (an SMS conversation
        of its own): only while the call is still waiting for it, at the step it asked for."""
        raw = self.redis.get(self._sms_key(address))
        if not raw:
            return None
        entry = json.loads(raw)
        state = self.states.load(entry["call_sid"])
        conversation_id = entry["conversation_id"]
        if state is not None and state.conversation_id == conversation_id:
            if state.mode in SMS_MODES and awaited_step(state.mode, step_of(conversation_id)):
                return conversation_id
        self.redis.delete(self._sms_key(address))
        return None

    def forget(self, conversation_id: str) -> None:
        """Erasure: the conversation's last call state and claims."""
        latest = self.redis.get(f"voice:latest:{conversation_id}")
        if latest:
            self.states.forget(latest.decode())
        self.redis.delete(f"voice:latest:{conversation_id}", f"voice:live:{conversation_id}")


def awaited_step(mode: Mode, step: str) -> bool:
    """True when the dialogue is still at the step an SMS of that call mode answers."""
    if mode is Mode.LINK:
        return step in CREDENTIAL_STEPS
    return step == "new_contact"
