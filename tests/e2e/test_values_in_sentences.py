"""Issue 13 end to end, through signed `/twilio/sms` and `/twilio/voice` posts with every real
service running: values written inside sentences, NIRs said in words with and without
commas (confirmed when several readings fit), path B with a date and a serial in sentences,
and a NIR as Twilio's fr-FR recogniser writes it, read back on the phone."""

from __future__ import annotations

import pytest
import redis

from bot.nir import PRINTED_CUTS
from bot.spelled_code import keypad_pairs
from tests.e2e.test_new_code_and_contact import last_sms_code
from tests.e2e.test_sms_activation import PASSWORD
from tests.e2e.test_voice_calls import (
    caller,
    card_and_decision_by_keypad,
    choose_on_page,
    heard_digits,
    spoken_code,
)
from tests.support.french_speller import say_groups
from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

# Said without commas, several valid NIRs fit these words; the likeliest, read back, is it
# (found by tests/bot/test_nir_sweep.py).
UNSURE_NIR = "198101805786012"


def printed(nir: str) -> list[str]:
    cuts = (0, *PRINTED_CUTS)
    return [nir[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def finish_activation(phone: SmsPhone, identifier: str) -> None:
    """From the decision to the activated account."""
    assert "acceptez-vous" in phone.send("je veux activer").lower()
    assert "sont-elles correctes" in phone.send("oui j'accepte").lower()
    assert "identifiant" in phone.send("oui").lower()
    assert "mot de passe" in phone.send(identifier).lower()
    phone.send(PASSWORD)
    assert "activé" in phone.send(PASSWORD)


def test_every_value_inside_a_sentence(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    phone.send("Bonjour")
    grouped = f"{code[:4]} {code[4:8]} {code[8:]}"
    assert "sécurité sociale" in phone.send(f"alors mon code provisoire c'est {grouped} merci")
    reply = phone.send(f"et mon numéro de sécu c'est le {spaced(someone['nir'])} voilà")
    assert "identité est vérifiée" in reply
    assert "numéro de série" in phone.send("ma carte a une photo").lower()
    serial = someone["card_serial"]
    reply = phone.send(f"le numéro de série c'est {serial[:10]} {serial[10]}")
    assert "activer" in reply.lower()
    finish_activation(phone, "camille.phrase85")
    assert backend.insured(someone["nir"])["status"] == "activated"


def test_nir_in_words_with_commas(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    phone.send("Bonjour")
    phone.send(code)
    said = say_groups(printed(someone["nir"]), "traditional", ", ")
    assert "identité est vérifiée" in phone.send(said)
    phone.send("avec photo")
    assert "activer" in phone.send(someone["card_serial"]).lower()
    finish_activation(phone, "camille.virgules85")
    assert backend.insured(someone["nir"])["status"] == "activated"


def test_nir_in_words_without_commas_is_confirmed(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo", nir=UNSURE_NIR, birth_date="1998-10-12")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    phone.send("Bonjour")
    phone.send(code)
    said = say_groups(printed(UNSURE_NIR), "plain")
    question = phone.send(said)
    assert "1 98 10 18 057 860 12" in question and "OUI ou NON" in question
    assert "identité est vérifiée" in phone.send("oui")
    phone.send("avec photo")
    assert "activer" in phone.send(someone["card_serial"]).lower()
    finish_activation(phone, "camille.confirme85")
    assert backend.insured(UNSURE_NIR)["status"] == "activated"
    # The read-back went to the person, not to storage: transcripts keep it masked.
    client = redis.Redis.from_url(stack.redis_url)
    try:
        for key in client.scan_iter("conv:*:transcript"):
            for entry in client.lrange(key, 0, -1):
                assert UNSURE_NIR.encode() not in entry
                assert b"1 98 10 18 057 860 12" not in entry
    finally:
        client.close()


def test_path_b_with_a_date_and_a_serial_in_sentences(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo", birth_date="1985-03-03")
    backend.create_insured(**someone)
    phone = SmsPhone(stack, next_number())
    phone.send("Bonjour")
    phone.send("je n'ai pas reçu mon code")
    assert "date de naissance" in phone.send(spaced(someone["nir"])).lower()
    reply = phone.send("je suis né le 3 mars en 1985")
    assert "03/03/1985" in reply and "photo" in reply
    phone.send("avec photo")
    serial = someone["card_serial"]
    reply = phone.send(f"N° {serial[:10]}-{serial[10]}")
    assert "est-ce bien votre numéro" in reply.lower()
    assert "6 chiffres" in phone.send("oui")
    reply = phone.send(f"le code c'est {last_sms_code(twilio_api, someone['mobile'])}")
    assert "activer" in reply.lower()
    finish_activation(phone, "camille.cheminb85")
    assert backend.insured(someone["nir"])["status"] == "activated"


def test_phone_nir_as_the_recogniser_writes_it(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    call.dial_in()
    turn = call.press(keypad_pairs(code) + "#")
    turn = call.press("1")
    assert "numéro de sécurité sociale" in turn.text
    nir = someone["nir"]
    # Digits in groups, the sex digit left as a word, "clé" before the key.
    heard = f"un {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} clé {nir[13:]}"
    turn = call.say(heard)
    assert heard_digits(turn.read_back) == nir
    turn = call.say("oui c'est exact")
    assert "identité est vérifiée" in turn.text
    turn = card_and_decision_by_keypad(call, someone)
    assert "lien" in turn.text
    spoken = spoken_code(turn)  # the page asks for the code the call says aloud
    response = choose_on_page(stack, twilio_api, someone["mobile"], "camille.cle85", spoken)
    assert response.status_code == 200 and "activé" in response.text
    assert backend.insured(nir)["status"] == "activated"
