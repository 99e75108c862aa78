"""Canary, continued: a whole phone call (keypad, password chosen on the SMS link page) and a
path-B conversation (one-time code by SMS, new provisional code) with known secrets, then every
Redis key and value, every log and every file the stack keeps is searched for them in every
form (tests/support/canary.py). Zero hits."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_new_code_and_contact import last_sms_code, path_b_until_the_code
from tests.e2e.test_sms_activation import PASSWORD
from tests.e2e.test_voice_calls import (
    caller,
    card_and_decision_by_keypad,
    choose_on_page,
    identify_by_keypad,
    spoken_code,
)
from tests.support.canary import find_secrets_in_stack
from tests.support.people import person
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack


def test_no_secret_in_clear_after_a_call_and_a_new_code(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    # A call, by keypad, to an activated account (password on the link page).
    caller_person = person("with_photo")
    code = backend.create_insured(**caller_person)["provisional_code"]
    call = caller(stack, caller_person["mobile"])
    identify_by_keypad(call, stack, caller_person, code)
    spoken = spoken_code(card_and_decision_by_keypad(call, caller_person))
    response = choose_on_page(stack, twilio_api, caller_person["mobile"], "canari.appel85", spoken)
    assert response.status_code == 200 and "activé" in response.text
    assert backend.insured(caller_person["nir"])["status"] == "activated"

    # Path B by SMS: a one-time code, then a new provisional code texted as a keepsake.
    b_person = person("without_photo", birth_date="1971-09-07")
    old_code = backend.create_insured(**b_person)["provisional_code"]
    phone = SmsPhone(stack, next_number())
    path_b_until_the_code(phone, b_person)
    one_time_code = last_sms_code(twilio_api, b_person["mobile"])
    assert "inutile" in phone.send(one_time_code)
    keepsake = twilio_api.messages_to(b_person["mobile"])[-1]["body"]
    new_code = re.search(r"est ([A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4})\.", keepsake).group(1)

    secrets = [
        spoken,
        caller_person["nir"],
        code,
        PASSWORD,
        b_person["nir"],
        old_code,
        one_time_code,
        new_code.replace(" ", ""),
    ]
    hits = find_secrets_in_stack(stack, secrets)
    assert hits == [], hits
