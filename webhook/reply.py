"""Rasa's answer to one turn, parsed: what was said, what is asked, at which step, any handoff.

Written by helper `voice` against /work/issues/REPLY_CONTRACT.md until helper `reply`'s own
module lands (the lead keeps theirs; the fields are the contract's). A message of the
`rest_state` channel is `{"text": …, "custom": {…}}`; `custom` on a question carries the step,
the field, the kind of input, lengths, keypad, hints and (voice variants) a simpler form.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Question:
    """The data of a question (a response's `custom`): what the next message answers."""

    step: str
    field: str = ""
    kind: str = "free"  # digits | letters | choice | yes_no | free
    lengths: tuple[int, ...] = ()
    keypad: dict[str, str] = dataclasses.field(default_factory=dict)
    hints: tuple[str, ...] = ()
    simpler: str = ""

    @classmethod
    def from_custom(cls, custom: dict[str, Any]) -> Question | None:
        if not custom.get("step"):
            return None
        return cls(
            step=str(custom["step"]),
            field=str(custom.get("field") or custom["step"]),
            kind=str(custom.get("kind") or "free"),
            lengths=tuple(int(n) for n in custom.get("lengths") or ()),
            keypad={str(k): str(v) for k, v in (custom.get("keypad") or {}).items()},
            hints=tuple(str(h) for h in custom.get("hints") or ()),
            simpler=str(custom.get("simpler") or ""),
        )


@dataclass
class TurnReply:
    texts: list[str] = dataclasses.field(default_factory=list)
    question: Question | None = None
    step: str | None = None
    handoff: str | None = None

    @classmethod
    def from_messages(cls, messages: list[dict[str, Any]]) -> TurnReply:
        """step: the `step` of the last message that has one; handoff: any message's."""
        reply = cls()
        for message in messages:
            if message.get("text"):
                reply.texts.append(str(message["text"]))
            custom = message.get("custom") or {}
            if not isinstance(custom, dict):
                continue
            question = Question.from_custom(custom)
            if question is not None:
                reply.question, reply.step = question, question.step
            if custom.get("handoff"):
                reply.handoff = str(custom["handoff"])
        return reply
