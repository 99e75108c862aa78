"""What a turn's reply changes in the conversation (webhook/dialogue.py), on a real Redis: the step
it asks, a handoff. Rasa's side of the same (no tracker read) is in tests/e2e/test_reply_contract.py."""

from __future__ import annotations

from flask import Flask

from webhook.dialogue import Dialogue
from webhook.reply import Question, TurnReply

NUMBER = "+33655555556"


def opened(app: Flask, **fields: str) -> tuple[Dialogue, str]:
    services = app.extensions["mes"]
    conversation_id = services.conversations.open("sms", NUMBER)
    if fields:
        services.conversations.update(conversation_id, **fields)
    return services.dialogue, conversation_id


def record(dialogue: Dialogue, conversation_id: str) -> dict[str, str]:
    return dialogue.conversations.get(conversation_id) or {}


def asking(step: str, handoff: str | None = None) -> TurnReply:
    return TurnReply(["?"], Question(step=step), step, handoff)


def test_the_step_asked_is_stored_with_what_redaction_needs(app: Flask) -> None:
    dialogue, conversation_id = opened(app, step="nir")
    reply = dialogue._answer(conversation_id, record(dialogue, conversation_id), asking("otp_code"))
    assert reply.texts == ["?"] and reply.step == "otp_code"
    stored = record(dialogue, conversation_id)
    assert stored["step"] == "otp_code" and stored.get("otp_asked_at")
    assert stored.get("state", "bot") == "bot"


def test_a_reply_that_asks_nothing_keeps_the_step(app: Flask) -> None:
    dialogue, conversation_id = opened(app, step="card_serial")
    before = record(dialogue, conversation_id)
    reply = dialogue._answer(conversation_id, before, TurnReply(["Je vous en prie."]))
    assert reply.texts == ["Je vous en prie."]
    assert record(dialogue, conversation_id) == before


def test_a_handoff_puts_the_conversation_in_the_queue_once(app: Flask) -> None:
    dialogue, conversation_id = opened(app, step="nir")
    dialogue._answer(conversation_id, record(dialogue, conversation_id), asking("nir", "asked"))
    stored = record(dialogue, conversation_id)
    assert stored["state"] == "waiting" and stored["step"] == "nir"
    assert stored.get("waiting_since")
    # Asked again while waiting: nothing more happens (no second notice, same place in line).
    again = dialogue._answer(conversation_id, stored, asking("nir", "asked"))
    assert again.texts == ["?"]
    assert record(dialogue, conversation_id)["waiting_since"] == stored["waiting_since"]


def test_an_advisors_conversation_is_not_queued_again(app: Flask) -> None:
    dialogue, conversation_id = opened(app, step="nir", state="advisor")
    dialogue._answer(conversation_id, record(dialogue, conversation_id), asking("nir", "locked"))
    assert record(dialogue, conversation_id)["state"] == "advisor"


def test_a_value_read_back_is_shown_in_the_question_and_masked_in_the_transcript(
    app: Flask,
) -> None:
    """The voice face says the question's words: they must hold the value, not its ref."""
    dialogue, conversation_id = opened(app, step="nir")
    nir = "185057800608491"
    ref = dialogue.vault.put("nir", nir, conversation_id)
    asked = f"J'ai lu votre numéro de sécurité sociale ainsi : {ref}. Est-ce exact ?"
    answer = TurnReply(
        [asked], Question(step="confirm_nir", kind="yes_no", text=asked), "confirm_nir", None
    )
    reply = dialogue._show(conversation_id, answer, [*answer.texts, "Écrivez AIDE."])
    assert ref not in reply.texts[0] and "1 85 05 78 006 084 91" in reply.texts[0]
    assert reply.question is not None and reply.question.text == reply.texts[0]
    assert reply.question.kind == "yes_no" and reply.step == "confirm_nir"
    assert reply.texts[1] == "Écrivez AIDE."
    kept = [e["text"] for e in dialogue.conversations.transcript(conversation_id)]
    assert nir not in " ".join(kept) and ref not in " ".join(kept)
