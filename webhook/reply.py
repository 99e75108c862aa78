"""What Rasa answers to one turn, read once: the texts to send, the question asked, the step, a handoff.

Rasa's answer (rasa_addons/rest_with_state.py) is `{"messages": [{"text", "custom"}, ...]}`. A
question's response carries machine-readable data in `custom` (bot/domain/*.yml, the
`utter_ask_*` responses; actions send theirs with `json_message` or a response's `custom`):

    {"step": "nir", "field": "nir", "kind": "digits", "lengths": [15],
     "keypad": {"9": "renvoyer"}, "hints": [...], "simpler": "...", "handoff": "locked"}

- `step`: the step the person's next message answers (what redaction by step and the funnel
  metrics key on). The turn's step is the one of the LAST message that has one; none: unchanged.
- `handoff`: on a message of the turn in which the conversation goes to the advisors (the reason).
- `kind`: digits | letters | choice | yes_no | free; `lengths`: accepted counts; `keypad`: whole
  key entries → the words the dialogue understands; `hints`: speech hints; `simpler`: the phone's
  shorter second form.
The phone's variant of a question (`channel: voice`) is chosen by Rasa for a voice turn: a face
renders `TurnReply.question` and never matches Rasa's text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: the kinds of input a question expects
KINDS = ("digits", "letters", "choice", "yes_no", "free")


@dataclass(frozen=True)
class Question:
    """The data of the question a turn ends with (a response's `custom`)."""

    step: str
    field: str = ""
    kind: str = "free"
    lengths: tuple[int, ...] = ()
    keypad: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)
    hints: tuple[str, ...] = ()
    simpler: str = ""
    text: str = ""  # the words of the message that asked it ("" when it came alone)

    @classmethod
    def from_custom(cls, custom: Mapping[str, Any], text: str = "") -> Question | None:
        """The question in a message's `custom`, or None when it asks nothing (no `step`).
        Values of the wrong shape are dropped rather than trusted: a face falls back on
        free input, never on a crash in the middle of a call."""
        step = custom.get("step")
        if not isinstance(step, str) or not step:
            return None
        kind = custom.get("kind")
        keypad = custom.get("keypad")
        return cls(
            step=step,
            field=_text(custom.get("field")) or step,
            kind=kind if kind in KINDS else "free",
            lengths=tuple(n for n in _items(custom.get("lengths")) if _is_count(n)),
            keypad={
                str(key): str(words)
                for key, words in (keypad.items() if isinstance(keypad, Mapping) else ())
                if isinstance(words, str)
            },
            hints=tuple(h for h in _items(custom.get("hints")) if isinstance(h, str) and h),
            simpler=_text(custom.get("simpler")),
            text=text,
        )

    def words_for_keys(self, keys: str) -> str | None:
        """The words a whole key entry stands for ("9#" → "renvoyer"), the final # left out."""
        return self.keypad.get(keys.rstrip("#")) if keys else None


@dataclass(frozen=True)
class TurnReply:
    """One turn's answer: `texts` to send in order, the last `question` asked (None: none),
    the `step` it answers (None: unchanged), the `handoff` reason (None: no handoff)."""

    texts: list[str]
    question: Question | None = None
    step: str | None = None
    handoff: str | None = None

    @classmethod
    def from_messages(cls, messages: Iterable[Mapping[str, Any]]) -> TurnReply:
        texts: list[str] = []
        question: Question | None = None
        handoff: str | None = None
        for message in messages:
            text = _text(message.get("text"))
            if text:
                texts.append(text)
            custom = message.get("custom")
            if not isinstance(custom, Mapping):
                continue
            asked = Question.from_custom(custom, text)
            if asked is not None:
                question = asked
            reason = _text(custom.get("handoff"))
            # "None": a `{handoff_reason}` rendered while the slot was still empty
            if reason and reason != "None" and handoff is None:
                handoff = reason
        return cls(texts, question, question.step if question else None, handoff)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, list | tuple) else ()


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
