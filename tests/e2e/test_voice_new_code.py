"""Path B in a phone call, by keypad: "9#" for "je n'ai pas de code", the NIR and the date of
birth read back, the card, the masked mobile on file confirmed, and the one-time code sent there
by SMS typed on the keypad; the call then goes straight on to the decision."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_voice_calls import caller, heard_digits
from tests.support.people import person

pytestmark = pytest.mark.stack


def test_a_caller_without_a_code_gets_one_and_goes_on(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo", birth_date="1985-03-03")
    backend.create_insured(**someone)
    call = caller(stack, "+33612998877")  # not the mobile on file

    turn = call.dial_in()
    assert "je n'ai pas de code" in turn.text.lower() or "9" in turn.text
    turn = call.press("9")
    assert "sécurité sociale" in turn.text
    turn = call.press(someone["nir"] + "#")
    assert heard_digits(turn.read_back) == someone["nir"]
    turn = call.press("1")
    assert "date de naissance" in turn.text
    turn = call.press("03031985#")
    assert "1985" in turn.text and "exact" in turn.text
    turn = call.press("1")
    assert "photo" in turn.text
    turn = call.press("2")  # without photo
    turn = call.press(someone["card_serial"] + "#")
    assert heard_digits(turn.read_back) == someone["card_serial"]
    turn = call.press("1")
    assert "votre numéro" in turn.text.lower()
    assert someone["mobile"] not in turn.text
    turn = call.press("1")  # yes, that mobile is mine
    assert "6 chiffres" in turn.text

    sms = twilio_api.messages_to(someone["mobile"])
    one_time_code = re.search(r"\b(\d{6})\b", sms[-1]["body"]).group(1)
    turn = call.press(one_time_code + "#")
    if "exact" in turn.text:  # read back in two groups of three, then confirmed
        turn = call.press("1")
    assert "vérifié" in turn.text and "activer" in turn.text.lower()
    assert "nouveau code provisoire" in twilio_api.messages_to(someone["mobile"])[-1]["body"]
    turn = call.press("1")  # activate
    assert "Acceptez-vous" in turn.text
