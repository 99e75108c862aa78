"""The phone face of path B ("je n'ai pas de code") and the contact change: the domain's phone
questions, keys that stand for words, read-backs of a date of birth, a one-time code and a new mobile, and the phone
wording of those steps' SMS replies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain

from bot.voice_readback import read_back_for
from bot.voice_text import spoken_date
from webhook.reply import Question, TurnReply
from webhook.voice.render import listen_for
from webhook.voice.wording import phone_wording

NEW_STEPS = ("birth_date", "mobile_confirmed", "otp_code", "contact_change", "new_contact")
DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))


def voice_question(step: str) -> Question:
    """The phone's variant of the domain's question at `step` (the data the call renders)."""
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    response = nlg.generate_from_slots(f"utter_ask_{step}", {}, "voice")
    assert response is not None
    question = TurnReply.from_messages([response]).question
    assert question is not None
    return question


@pytest.mark.parametrize("step", NEW_STEPS)
def test_every_new_step_has_a_phone_question_leaning_on_the_keypad(step: str) -> None:
    question = voice_question(step)
    assert question.kind != "free" and "tapez" in question.simpler.lower()
    assert "conseiller" in listen_for(question).hints  # the control words are always expected


@pytest.mark.parametrize(
    ("given", "value", "groups"),
    [
        ("03031985", "03/03/1985", ["le 3 mars", "1985"]),
        ("trois mars mille neuf cent quatre-vingt-cinq", "03/03/1985", ["le 3 mars", "1985"]),
        ("le premier janvier 1990", "01/01/1990", ["le premier janvier", "1990"]),
        ("12/05/85", "12/05/1985", ["le 12 mai", "1985"]),
    ],
)
def test_a_birth_date_is_read_back_as_a_date(given: str, value: str, groups: list[str]) -> None:
    back = read_back_for("birth_date", given)
    assert back is not None and (back.value, back.groups) == (value, groups)
    assert back.vault_kind == "tok"


@pytest.mark.parametrize("given", ["0303", "31021985", "mars 1985", "03031985123", ""])
def test_an_incomplete_or_impossible_date_goes_to_the_dialogue(given: str) -> None:
    assert read_back_for("birth_date", given) is None


def test_a_one_time_code_is_read_back_in_two_groups_and_kept_as_a_one_time_code() -> None:
    back = read_back_for("otp_code", "4 8 1 0 7 2")
    assert back is not None and back.value == "481072"
    assert back.groups == ["quatre huit un", "zéro sept deux"]
    assert back.vault_kind == "otp"
    spoken = read_back_for("otp_code", "quatre huit un zéro sept deux")
    assert spoken is not None and spoken.value == "481072"
    assert read_back_for("otp_code", "48107") is None
    assert read_back_for("otp_code", "renvoyer") is None


def test_a_new_mobile_is_read_back_in_pairs_and_a_landline_is_not() -> None:
    back = read_back_for("new_contact", "0612345678")
    assert back is not None and back.value == "06 12 34 56 78"
    assert back.groups[:2] == ["zéro six", "un deux"] and len(back.groups) == 5
    assert read_back_for("new_contact", "0145678901") is None
    assert read_back_for("new_contact", "jean.dupont@example.fr") is None


def test_keys_that_stand_for_words() -> None:
    assert voice_question("otp_code").words_for_keys("9#") == "renvoyer"
    assert voice_question("otp_code").words_for_keys("481072") is None
    assert voice_question("provisional_code").words_for_keys("9") == "je n'ai pas de code"
    assert voice_question("nir").words_for_keys("9") is None
    assert "je n'ai pas de code" in voice_question("provisional_code").text


def test_dates_are_said_with_their_month() -> None:
    assert spoken_date(date(1985, 3, 3)) == "le 3 mars 1985"
    assert spoken_date(date(1990, 1, 1)) == "le premier janvier 1990"
    assert phone_wording("Date de naissance : 03/03/1985.") == "Date de naissance : le 3 mars 1985."
    assert "31/02/1985" in phone_wording("Le 31/02/1985 n'existe pas.")


@pytest.mark.parametrize(
    ("sms", "spoken", "absent"),
    [
        (
            "Un code à 6 chiffres vous a été envoyé par SMS au ** ** ** *3 77 (valable 10 "
            "minutes). Écrivez-le ici, ou RENVOYER si vous ne l'avez pas reçu.",
            ["au numéro qui finit par 3 77", "Tapez-le puis la touche dièse", "« renvoyer »"],
            ["*", "Écrivez", "RENVOYER"],
        ),
        (
            "Un code à 6 chiffres vous a été envoyé par e-mail à j***@e***.fr (valable 10 "
            "minutes). Écrivez-le ici, ou RENVOYER si vous ne l'avez pas reçu.",
            ["à l'adresse qui commence par j", "tapez 9 puis dièse"],
            ["*", "@"],
        ),
        (
            "Un code de vérification va être envoyé par SMS au mobile enregistré : "
            "** ** ** *3 77. Est-ce bien votre numéro ? OUI ou NON",
            ["le numéro qui finit par 3 77", "Tapez 1 ou dites oui"],
            ["*", "OUI ou NON"],
        ),
        (
            "Cette date n'existe pas ou je ne l'ai pas comprise. Écrivez-la ainsi : 03/03/1985.",
            ["Dites-la, par exemple le 3 mars 1985."],
            ["03/03", "Écrivez"],
        ),
        (
            "Le code a été envoyé par SMS au ** ** ** *3 77. Écrivez RENVOYER pour en recevoir "
            "un nouveau, ou CONSEILLER.",
            ["Dites « renvoyer »", "« conseiller »"],
            ["RENVOYER", "Écrivez"],
        ),
    ],
)
def test_the_new_steps_sms_wording_is_made_fit_to_be_said(
    sms: str, spoken: list[str], absent: list[str]
) -> None:
    said = phone_wording(sms)
    for part in spoken:
        assert part in said, said
    for part in absent:
        assert part not in said, said


@pytest.mark.parametrize(
    ("step", "keys"),
    [
        ("nir", "185057800608491"),
        ("card_serial", "081611178"),  # a card without photo: 8 to 13 digits
        ("card_serial", "0810161117800"),
        ("card_serial", "01024576124"),  # with photo: 11 digits
        ("birth_date", "03031985"),
        ("otp_code", "481072"),
        ("new_contact", "0612345678"),
    ],
)
def test_every_digit_string_keyed_with_its_hash_is_read_back(step: str, keys: str) -> None:
    """The `#` ending a keyed entry is not part of it: a 9-digit serial keyed "081611178#" (path
    B, a card without photo) went to the dialogue unconfirmed instead of being read back."""
    plain = read_back_for(step, keys)
    with_hash = read_back_for(step, keys + "#")
    assert plain is not None and with_hash == plain
    assert read_back_for(step, "#") is None
