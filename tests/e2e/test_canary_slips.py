"""Canary for slips (issue 14, point 2): the ordinary ways people get a secret wrong, each sent
in a real conversation (signed `/twilio/sms` posts, one signed call), then every Redis key and
value, every log and every file the stack keeps is searched for them in every form
(tests/support/canary.py). Zero hits.

The slips: the provisional code with one character missing inside a sentence; the NIR with
slashes; the NIR with the letter O for zero; "identifiant … mot de passe …" at the identifier
question; the password typed where the identifier is asked; a code spelled on the phone with
"comme" and a letter missing; a one-time code sent again at another step.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_new_code_and_contact import last_sms_code, path_b_until_the_code
from tests.e2e.test_voice_calls import caller, spelled_code
from tests.support.canary import find_secrets_in_stack
from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

PASSWORD_WITH_IDENTIFIER = "Mimosa#Bleu2026"
PASSWORD_AT_IDENTIFIER = "Lilas!Rouge2027"


def to_identifier_step(phone: SmsPhone, someone: dict) -> None:
    """From the card to the identifier question (code and NIR already given)."""
    phone.send("avec photo" if someone["card_type"] == "with_photo" else "sans photo")
    phone.send(someone["card_serial"])
    phone.send("1")
    phone.send("oui")
    assert "identifiant" in phone.send("oui").lower()


def test_slips_never_land_in_clear(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    secrets: list[str] = []

    # 1. The code with one character missing, inside a sentence; 2. the NIR with slashes;
    # 4. "identifiant … mot de passe …" at the identifier question.
    first = person("with_photo")
    code = backend.create_insured(**first)["provisional_code"]
    phone = SmsPhone(stack, first["mobile"])
    phone.send("Bonjour")
    partial = f"{code[:4]} {code[4:8]} {code[8:11]}"
    reply = phone.send(f"mon code est {partial} voilà")
    assert "sécurité sociale" not in reply.lower()  # not taken for a code
    assert "sécurité sociale" in phone.send(code).lower()
    nir = first["nir"]
    slashed = "/".join(spaced(nir).split())
    assert "vérifiée" in phone.send(slashed)
    to_identifier_step(phone, first)
    phone.send(f"identifiant canari.slip85 mot de passe {PASSWORD_WITH_IDENTIFIER}")
    secrets += [code, partial, code[:11], nir, slashed, PASSWORD_WITH_IDENTIFIER]

    # 3. The NIR with the letter O for zero; 5. the password where the identifier is asked.
    second = person("without_photo")
    other_code = backend.create_insured(**second)["provisional_code"]
    other = SmsPhone(stack, second["mobile"])
    other.send("Bonjour")
    other.send(other_code)
    with_o = spaced(second["nir"]).replace("0", "O")
    assert "vérifiée" in other.send(with_o)
    to_identifier_step(other, second)
    other.send(PASSWORD_AT_IDENTIFIER)
    secrets += [other_code, second["nir"], with_o]
    secrets += [PASSWORD_AT_IDENTIFIER, PASSWORD_AT_IDENTIFIER.lower()]

    # 7. A one-time code sent again once the step has moved on (path B).
    third = person("without_photo", birth_date="1969-04-11")
    backend.create_insured(**third)
    path_b = SmsPhone(stack, next_number())
    path_b_until_the_code(path_b, third)
    one_time_code = last_sms_code(twilio_api, third["mobile"])
    path_b.send(one_time_code)
    path_b.send(f"le code était {one_time_code[:3]} {one_time_code[3:]}")
    secrets += [third["nir"], one_time_code]

    # 6. On the phone: a code spelled with "comme", one letter missing.
    fourth = person("with_photo")
    spoken_code = backend.create_insured(**fourth)["provisional_code"]
    call = caller(stack, fourth["mobile"])
    call.dial_in()
    spelled = spelled_code(spoken_code[:11])
    turn = call.say(spelled)
    assert "J'ai noté le code" not in turn.text
    call.status("completed")
    secrets += [spoken_code, spoken_code[:11], spelled]

    hits = find_secrets_in_stack(stack, secrets)
    assert hits == [], hits
