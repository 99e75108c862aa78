"""Reading Rasa's answer to a turn (webhook/reply.py): texts, the question asked, step, handoff."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

from webhook.reply import Question, TurnReply

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))


def rendered(name: str, channel: str, **slots: str) -> dict:
    """A domain response as Rasa renders it for `channel` (its own generator, the real domain)."""
    response = TemplatedNaturalLanguageGenerator(DOMAIN.responses).generate_from_slots(
        name, slots, channel
    )
    assert response is not None
    return {"text": response["text"], "custom": response.get("custom")}


def test_the_step_is_the_last_question_asked() -> None:
    reply = TurnReply.from_messages(
        [
            {"text": "Merci."},
            {"text": "Quel est votre code ?", "custom": {"step": "provisional_code"}},
            {"text": "Et votre numéro ?", "custom": {"step": "nir", "kind": "digits"}},
            {"text": "Écrivez AIDE à tout moment."},
        ]
    )
    assert reply.texts == [
        "Merci.",
        "Quel est votre code ?",
        "Et votre numéro ?",
        "Écrivez AIDE à tout moment.",
    ]
    assert reply.step == "nir"
    assert reply.question is not None and reply.question.text == "Et votre numéro ?"
    assert reply.handoff is None


def test_a_turn_without_question_leaves_the_step_unchanged() -> None:
    reply = TurnReply.from_messages([{"text": "Je vous en prie."}, {"custom": {"other": 1}}])
    assert (reply.texts, reply.question, reply.step, reply.handoff) == (
        ["Je vous en prie."],
        None,
        None,
        None,
    )
    assert TurnReply.from_messages([]) == TurnReply([])


def test_custom_data_alone_counts_as_well_as_with_text() -> None:
    """Rasa's stock collector (Rasa's API) sends a response's custom as a message of its own."""
    reply = TurnReply.from_messages(
        [{"text": "Votre date de naissance ?"}, {"custom": {"step": "birth_date"}}]
    )
    assert reply.texts == ["Votre date de naissance ?"]
    assert reply.step == "birth_date" and reply.question is not None
    assert reply.question.text == ""


def test_a_handoff_is_taken_from_any_message() -> None:
    reply = TurnReply.from_messages(
        [
            {"text": "Je transmets à un conseiller.", "custom": {"handoff": "locked"}},
            {"text": "Un conseiller vous répondra ici.", "custom": {"step": "handoff"}},
        ]
    )
    assert reply.handoff == "locked"
    assert reply.step == "handoff"


@pytest.mark.parametrize("empty", ["", "  ", "None", None, 3])
def test_an_empty_handoff_is_no_handoff(empty: object) -> None:
    """ "None" is what a `{handoff_reason}` placeholder gives while the slot is still empty."""
    assert TurnReply.from_messages([{"text": "x", "custom": {"handoff": empty}}]).handoff is None


def test_a_question_reads_every_key_of_the_contract() -> None:
    question = Question.from_custom(
        {
            "step": "otp_code",
            "field": "otp_code",
            "kind": "digits",
            "lengths": [6],
            "keypad": {"9": "renvoyer"},
            "hints": ["renvoyer", "zéro"],
            "simpler": "Tapez les 6 chiffres.",
        },
        "Un code vous a été envoyé.",
    )
    assert question == Question(
        step="otp_code",
        field="otp_code",
        kind="digits",
        lengths=(6,),
        keypad={"9": "renvoyer"},
        hints=("renvoyer", "zéro"),
        simpler="Tapez les 6 chiffres.",
        text="Un code vous a été envoyé.",
    )
    assert question.words_for_keys("9#") == "renvoyer"
    assert question.words_for_keys("9") == "renvoyer"
    assert question.words_for_keys("481072#") is None
    assert question.words_for_keys("") is None


def test_a_question_of_the_wrong_shape_falls_back_on_free_input() -> None:
    question = Question.from_custom(
        {
            "step": "nir",
            "kind": "spoken",
            "lengths": ["15", 0, True, 15],
            "keypad": ["9"],
            "hints": "un, deux",
            "simpler": 3,
        }
    )
    assert question == Question(step="nir", field="nir", kind="free", lengths=(15,))
    assert Question.from_custom({"step": ""}) is None
    assert Question.from_custom({"step": 3}) is None
    assert Question.from_custom({"kind": "digits"}) is None


def test_a_question_is_frozen() -> None:
    question = Question(step="nir")
    with pytest.raises(AttributeError):
        question.step = "otp_code"  # type: ignore[misc]


def test_the_domains_sms_question_reads_as_its_step() -> None:
    reply = TurnReply.from_messages([rendered("utter_ask_nir", "sms")])
    assert reply.step == "nir"
    assert reply.question == Question(
        step="nir", field="nir", kind="digits", lengths=(15,), text=reply.texts[0]
    )


def test_the_domains_voice_question_carries_the_phones_data() -> None:
    reply = TurnReply.from_messages(
        [rendered("utter_ask_otp_code", "voice", otp_sent_to="par SMS au ** ** ** *3 77")]
    )
    question = reply.question
    assert question is not None and question.step == "otp_code"
    assert question.kind == "digits" and question.lengths == (6,)
    assert question.words_for_keys("9#") == "renvoyer"
    assert "dièse" in question.text and "par SMS au ** ** ** *3 77" in question.text
    assert question.simpler and "renvoyer" in question.hints
