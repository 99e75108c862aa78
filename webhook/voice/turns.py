"""One turn of the dialogue for a call, as the reply's data (`webhook.reply.TurnReply`).

INTERIM (helper `voice`, issue 15): until helper `reply`'s `Dialogue` method returning a
`TurnReply` is merged, the turn is rebuilt here from `Dialogue.handle`'s texts, the step the
dialogue stored in the conversation record and the phone's old table of questions
(bot/voice_prompts.py). At merge, `dialogue_turn` becomes a call to that method, and this
fallback and bot/voice_prompts.py go.
"""

from __future__ import annotations

from webhook.rasa_client import RasaUnavailable
from webhook.reply import Question, TurnReply
from webhook.services import Services

_KINDS = {"code": "letters", "menu": "choice"}


def dialogue_turn(services: Services, conversation_id: str, text: str) -> TurnReply:
    """Sends `text` to the dialogue on the `voice` channel; returns what it said and asks."""
    dialogue = services.dialogue
    own = getattr(dialogue, "handle_reply", None)  # helper `reply`'s method, once merged
    if own is not None:
        return own(conversation_id, text, "voice")
    before = services.conversations.get(conversation_id) or {}
    texts = dialogue.handle(conversation_id, text, "voice")
    record = services.conversations.get(conversation_id) or {}
    step = record.get("step") or ""
    handoff = None
    if record.get("state") == "waiting" and before.get("state") != "waiting":
        handoff = "asked"
    return TurnReply(texts, _question(services, conversation_id, step), step or None, handoff)


def _question(services: Services, conversation_id: str, step: str) -> Question | None:
    from bot.voice_prompts import PROMPTS

    if not step or step == "done":
        return None
    prompt = PROMPTS.get(step)
    if prompt is None:
        return Question(step=step, field=step)
    kind = _KINDS.get(prompt.kind, prompt.kind)
    keypad = dict(prompt.keys)
    if step == "new_contact":
        try:
            slots = services.rasa.tracker_slots(conversation_id)
        except RasaUnavailable:
            slots = {}
        if slots.get("contact_change") == "email":
            kind = "free"
    return Question(step, step, kind, (), keypad, prompt.hints, prompt.simpler)
