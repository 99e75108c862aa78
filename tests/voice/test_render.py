"""A dialogue turn rendered for the phone from the reply's data alone, then as TwiML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.voice_readback import read_back_for
from webhook import texts
from webhook.reply import Question, TurnReply
from webhook.voice.render import (
    asked_by,
    asks_email,
    listen_for,
    question_data,
    question_from,
    render_read_back,
    render_turn,
    reprompt,
)
from webhook.voice.reply import to_twiml

BASE = "https://assistant.example.test"
SERIAL = Question(
    "card_serial", "card_serial", "digits", (8, 9, 10, 11, 12, 13), {}, ("zéro",), "Tapez-le."
)


def gather_of(turn: TurnReply) -> ET.Element:
    root = ET.fromstring(to_twiml(render_turn(turn), BASE, "Polly.Lea-Neural"))
    gather = root.find("Gather")
    assert gather is not None
    return gather


def test_a_digits_question_gathers_keys_ending_with_hash_and_its_hints() -> None:
    gather = gather_of(TurnReply(["Quel est le numéro de série ?"], SERIAL, "card_serial"))
    assert gather.get("finishOnKey") == "#" and gather.get("language") == "fr-FR"
    assert gather.get("hints").startswith("zéro, répéter")
    assert [say.text for say in gather.iter("Say")] == ["Quel est le numéro de série ?"]


def test_a_choice_or_yes_no_question_gathers_one_key() -> None:
    for kind in ("choice", "yes_no"):
        question = Question("decision", "decision", kind)
        assert gather_of(TurnReply(["Tapez 1 ou 2."], question, "decision")).get("numDigits") == "1"


def test_sms_wording_without_a_phone_variant_is_made_fit_for_the_ear() -> None:
    reply = render_turn(TurnReply(["Écrivez CONSEILLER pour parler à quelqu'un."]))
    assert reply.lines[0].text == "Dites « conseiller » ou tapez 0 pour parler à quelqu'un."
    assert reply.listen is not None and reply.listen.kind == "free"


def test_a_question_without_words_is_asked_in_its_simpler_form() -> None:
    reply = render_turn(TurnReply([], SERIAL, "card_serial"))
    assert [line.text for line in reply.lines] == ["Tapez-le."]
    assert render_turn(TurnReply([], None, None)).lines[0].text == texts.LISTENING


def test_the_reprompt_is_the_simpler_form_or_an_invitation() -> None:
    assert reprompt(SERIAL).lines[0].text == "Tapez-le."
    assert reprompt(Question("confirm_nir")).lines[0].text == texts.ANSWER_FREELY
    assert listen_for(None).kind == "free" and "conseiller" in listen_for(None).hints


def test_a_read_back_is_said_with_its_kind_then_the_outro() -> None:
    back = read_back_for("birth_date", "03031985")
    reply = render_read_back(back)
    assert reply.lines[0].text == texts.HEARD["date"]
    assert reply.lines[1].groups == ["le 3 mars", "1985"]
    assert reply.lines[2].text == texts.CONFIRM_OUTRO and reply.listen.kind == "confirm"


def test_a_new_email_address_is_known_by_the_question_kind() -> None:
    assert asks_email(Question("new_contact", "new_contact", "free"))
    assert not asks_email(Question("new_contact", "new_contact", "digits", (10,)))
    assert not asks_email(None)


def test_a_question_survives_the_call_state_as_json() -> None:
    import json

    kept = json.loads(json.dumps(question_data(SERIAL)))
    assert question_from(kept) == SERIAL
    assert question_from(None) is None


def test_a_refused_answer_hears_the_simpler_form_after_the_explanation() -> None:
    asked = "Quel est le numéro de série ?"
    question = Question("card_serial", "card_serial", "digits", (9,), {}, (), "Tapez-le.", asked)
    turn = TurnReply(["Ce numéro est trop court.", asked], question, "card_serial")
    assert [line.text for line in render_turn(turn, retry=True).lines] == [
        "Ce numéro est trop court.",
        "Tapez-le.",
    ]
    assert [line.text for line in render_turn(turn).lines] == ["Ce numéro est trop court.", asked]
    assert asked_by(question, asked) and not asked_by(question, "Ce numéro est trop court.")
    assert not asked_by(SERIAL, "") and not asked_by(None, asked)
