"""Form validators run on a rasa-sdk `Tracker` with a fresh `CollectingDispatcher`: the events
they return and the messages they send (the pattern of RasaHQ/rasa-demo's action tests)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_card_form import ValidateCardForm
from actions.validate_credentials_form import ValidateCredentialsForm
from actions.validate_decision_form import ValidateDecisionForm
from actions.validate_identity_form import ValidateIdentityForm
from bot.domain_files import domain as local_domain
from tests.support.aio import run_async
from tests.support.rendering import texts as said

VALID_NIR = "1 85 05 78 006 084 91"


DOMAIN = local_domain()  # what the action server reads


def tracker(
    text: str,
    intent: str = "inform",
    requested: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    **slots: Any,
) -> Tracker:
    values = {name: None for name in DOMAIN["slots"]}
    values.update(requested_slot=requested, failed_attempts=0, correction_pending=False)
    values.update(slots)
    return Tracker(
        sender_id="conversation-under-test",
        slots=values,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
        },
        events=[{"event": "user", "text": text}],
        paused=False,
        followup_action=None,
        active_loop={"name": "some_form"},
        latest_action_name="action_listen",
    )


def run(validator, t: Tracker) -> tuple[dict[str, Any], list[str], list[str]]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = run_async(validator.run(dispatcher, t, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    texts = said(dispatcher.messages, t.slots)  # rendered from the domain, as Rasa will
    responses = [m.get("response") or "" for m in dispatcher.messages]
    return slots, texts, responses


def test_code_and_nir_in_one_message() -> None:
    slots, texts, _ = run(
        ValidateIdentityForm(),
        tracker(f"mon code ABCD EFGH JK23 et mon numero {VALID_NIR}", requested="provisional_code"),
    )
    assert slots["provisional_code"] and slots["nir"]
    assert slots["nir_masked"] == "1 85 05 ** *** *** 91"
    assert texts == []


def test_a_wrong_nir_key_is_named_and_the_nir_asked_again() -> None:
    slots, texts, _ = run(
        ValidateIdentityForm(),
        tracker("1 85 05 78 006 084 36", requested="nir", provisional_code="ABCDEFGHJK23"),
    )
    assert slots["nir"] is None and "clé" in texts[0]
    assert "provisional_code" not in slots  # the code already given is kept


def test_help_mid_form_is_about_the_field_being_asked() -> None:
    slots, texts, responses = run(
        ValidateCardForm(),
        tracker("aide", intent="ask_help", requested="card_serial", card_type="with_photo"),
    )
    assert responses == ["utter_where_serial"]
    assert slots == {"card_serial": None}  # the same question comes again


@pytest.mark.parametrize("intent", ["request_advisor", "stop", "start_over"])
def test_words_that_leave_the_form_make_it_step_aside(intent: str) -> None:
    slots, texts, responses = run(
        ValidateIdentityForm(), tracker("conseiller", intent=intent, requested="nir")
    )
    assert (slots, texts, responses) == ({}, [], [])


def test_three_misunderstandings_in_a_row_offer_an_advisor() -> None:
    slots, texts, _ = run(
        ValidateCardForm(),
        tracker("bof", intent="nlu_fallback", requested="card_type", failed_attempts=2),
    )
    assert any("CONSEILLER" in t for t in texts)
    assert slots["failed_attempts"] == 0


def test_correction_asks_which_field_then_empties_it() -> None:
    filled = dict(card_type="with_photo", card_serial="01024576124")
    slots, texts, _ = run(
        ValidateCardForm(),
        tracker("je me suis trompé", intent="correct", requested="card_serial", **filled),
    )
    assert slots["correction_pending"] is True and "1 pour" in texts[0]
    slots, texts, _ = run(
        ValidateCardForm(),
        tracker("2", requested="card_serial", correction_pending=True, **filled),
    )
    assert slots["card_serial"] is None and slots["requested_slot"] == "card_serial"


def test_a_verified_field_cannot_be_corrected_later() -> None:
    entity = [{"entity": "field", "value": "nir"}]
    slots, texts, _ = run(
        ValidateCardForm(),
        tracker(
            "je me suis trompe de numero de secu",
            intent="correct",
            requested="card_type",
            entities=entity,
        ),
    )
    assert "déjà été vérifiés" in texts[0]


def test_opposition_needs_a_confirmation() -> None:
    validator = ValidateDecisionForm()
    slots, _, _ = run(validator, tracker("2", requested="decision"))
    assert slots["decision"] == "oppose"
    slots, texts, _ = run(
        validator, tracker("non", intent="deny", requested="oppose_confirmed", decision="oppose")
    )
    assert slots["decision"] is None and slots["requested_slot"] == "decision"


def test_uppercase_identifier_gets_the_lowercase_offer_then_yes_takes_it() -> None:
    # "Jean.Dupont85" (capitals and digits) may be a password and gets no offer since issue 14:
    # tests/actions/test_identifier_and_email.py.
    validator = ValidateCredentialsForm()
    slots, texts, _ = run(validator, tracker("Jean.Dupont", requested="identifier"))
    assert slots["identifier"] is None and slots["identifier_suggestion"] == "jean.dupont"
    assert "majuscules" in texts[0]


def test_each_failing_password_rule_is_named() -> None:
    slots, texts, _ = run(
        ValidateCredentialsForm(),
        tracker("motdepasse", requested="password", identifier="jean.dupont85"),
    )
    assert slots["password"] is None
    assert "majuscule" in texts[0] and "chiffre" in texts[0] and "spécial" in texts[0]


def test_password_confirmation_must_match() -> None:
    slots, texts, _ = run(
        ValidateCredentialsForm(),
        tracker(
            "Soleil#Vert2027",
            requested="password_confirmation",
            identifier="jean.dupont85",
            password="Soleil#Vert2026",
        ),
    )
    assert slots["password"] is None and slots["requested_slot"] == "password"
    assert "pas identiques" in texts[0]


@pytest.mark.parametrize("intent", ["deny", "affirm", "inform"])
def test_one_word_is_the_identifier_whatever_intent_the_nlu_gave_it(intent: str) -> None:
    """The bench once saw "paul.thomas1989f" refused: the NLU had read it as a no."""
    dispatcher = CollectingDispatcher()
    extracted = run_async(
        ValidateCredentialsForm().extract_identifier(
            dispatcher, tracker("paul.thomas1989f", intent=intent, requested="identifier"), DOMAIN
        )
    )
    assert extracted == {"identifier": "paul.thomas1989f"}


@pytest.mark.parametrize("answer", ["oui", "non", "1", "Non."])
def test_a_bare_yes_or_no_is_not_taken_for_an_identifier(answer: str) -> None:
    extracted = run_async(
        ValidateCredentialsForm().extract_identifier(
            CollectingDispatcher(), tracker(answer, requested="identifier"), DOMAIN
        )
    )
    assert extracted == {}
