"""Issues 13 and 14 end to end, through signed `/twilio/sms` posts with every real service: a new
e-mail dictated with "arobase"/"point" and a space inside the address is spelled back, confirmed
with OUI, and the one-time code reaches that address (read in the outbox, where the person would
read it); then the identifier is found inside a sentence, and a password typed at the identifier
step is never written back, not even lowercased."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.e2e.test_new_code_and_contact import outbox_emails, to_contact_step
from tests.support.people import person
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

PASSWORD = "Soleil#Vert2026"


def test_a_dictated_email_confirmed_then_an_identifier_in_a_sentence(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, next_number())
    to_contact_step(phone, someone, code)

    assert "1 pour l'adresse e-mail" in phone.send("non")
    assert "nouvelle adresse e-mail" in phone.send("1")
    tag = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(6))
    address = f"camille.martin{tag}@exemple.fr"
    # Said the way a voice keyboard writes it, with a space inside the address ("martin <tag>").
    reply = phone.send(f"c'est camille point martin {tag} arobase exemple point fr")
    spelled = " ".join(f"camille.martin{tag}").replace(" . ", " point ")
    assert address in reply and f"{spelled} arobase e x e m p l e point fr" in reply
    assert "OUI" in reply
    # Nothing is sent before the person confirms, and never to a shortened address.
    assert outbox_emails(stack, address) == []
    assert outbox_emails(stack, f"{tag}@exemple.fr") == []

    reply = phone.send("oui")
    assert "6 chiffres" in reply and "par e-mail à c***@e***.fr" in reply
    emails = outbox_emails(stack, address)
    assert len(emails) == 1
    one_time_code = re.search(r"\b(\d{6})\b", emails[0]["body"]).group(1)
    assert "nouvelle adresse e-mail est enregistrée" in phone.send(one_time_code)
    assert backend.insured(someone["nir"])["email"] == address

    assert "identifiant" in phone.send("oui").lower()
    # The password typed one step too early: refused, and neither it nor its lowercase is echoed.
    reply = phone.send(PASSWORD)
    assert "mot de passe" in reply and "identifiant" in reply.lower()
    assert PASSWORD.lower() not in reply.lower()
    # Capitals and digits may be a password too: no lowercased suggestion of it.
    reply = phone.send("Camille.Martin85")
    assert "camille.martin85" not in reply.lower() and "identifiant" in reply.lower()
    # The identifier inside a sentence, with the password after it: only the identifier is kept.
    identifier = f"camille.m{tag}"
    reply = phone.send(f"mon identifiant sera {identifier} et mon mot de passe {PASSWORD}")
    assert PASSWORD.lower() not in reply.lower()
    assert "choisissez votre mot de passe" in reply.lower()
    phone.send(PASSWORD)
    assert "activé" in phone.send(PASSWORD)
    status = backend.insured(someone["nir"])
    assert status["status"] == "activated" and status["identifier"] == identifier
