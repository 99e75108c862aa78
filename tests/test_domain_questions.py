"""Every question of the domain says what it asks (the reply contract, webhook/reply.py), and the
phone has its own wording of each one it asks by voice, chosen by Rasa's own variant rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

from webhook.reply import KINDS, TurnReply

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[1] / "bot" / "domain"))
#: `utter_ask_*` responses that answer a question rather than ask one
NOT_QUESTIONS = {"utter_ask_bot"}
#: asked on a web page during a call (a one-time link), never said: no phone wording
ON_A_PAGE = {"identifier", "password", "password_confirmation"}
QUESTIONS = sorted(
    name for name in DOMAIN.responses if name.startswith("utter_ask_") and name not in NOT_QUESTIONS
)
#: slot values that make every conditional variant of a question reachable
CONDITIONS = [{}, {"card_type": "with_photo"}, {"contact_change": "email"}]


def render(name: str, channel: str, slots: dict[str, str]) -> TurnReply:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    response = nlg.generate_from_slots(name, slots, channel)
    assert response is not None
    return TurnReply.from_messages([response])


def test_the_sixteen_questions_are_there() -> None:
    assert len(QUESTIONS) == 16


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_variant_of_a_question_says_its_step(name: str) -> None:
    step = name.removeprefix("utter_ask_")
    for variant in DOMAIN.responses[name]:
        custom = variant.get("custom") or {}
        assert custom.get("step") == step, variant
        assert custom.get("field") == step
        assert custom.get("kind") in KINDS
        if custom["kind"] == "digits":
            assert custom.get("lengths"), f"{name}: digits without their count"


@pytest.mark.parametrize("name", QUESTIONS)
@pytest.mark.parametrize("slots", CONDITIONS)
def test_the_phone_gets_its_own_wording_and_sms_the_written_one(
    name: str, slots: dict[str, str]
) -> None:
    step = name.removeprefix("utter_ask_")
    sms, voice = render(name, "sms", slots), render(name, "voice", slots)
    assert sms.step == voice.step == step
    assert sms.question is not None and voice.question is not None
    assert not sms.question.simpler and not sms.question.hints
    if step in ON_A_PAGE:
        assert voice == sms
        return
    assert voice.question != sms.question
    assert voice.question.simpler and voice.question.hints
    if voice.question.kind == "yes_no":
        assert voice.question.keypad == {"1": "oui", "2": "non"}
    if voice.question.kind == "choice":
        assert set(voice.question.keypad) == {"1", "2"}


def test_a_conditional_question_keeps_its_condition_on_the_phone() -> None:
    """Rasa prefers a variant of the channel to one of a matching condition: without the
    condition repeated on the phone's variants, a caller changing their e-mail would be asked
    for a mobile number."""
    assert render("utter_ask_new_contact", "voice", {"contact_change": "email"}).question.kind == (
        "free"
    )
    assert render(
        "utter_ask_new_contact", "voice", {"contact_change": "mobile"}
    ).question.lengths == (10,)
    assert render(
        "utter_ask_card_serial", "voice", {"card_type": "with_photo"}
    ).question.lengths == (11,)
    assert render(
        "utter_ask_card_serial", "voice", {"card_type": "without_photo"}
    ).question.lengths == (
        8,
        9,
        10,
        11,
        12,
        13,
    )


def test_rasas_own_collector_gets_the_written_wording() -> None:
    """`rasa test` and Rasa's API (channel "collector") see the SMS variants."""
    assert render("utter_ask_nir", "collector", {}) == render("utter_ask_nir", "sms", {})
