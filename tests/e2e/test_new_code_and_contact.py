"""Issue 4 end to end, through signed `/twilio/sms` posts with every real service running:
path B (no provisional code) to an activated account, a mobile change checked by SMS, an
e-mail change checked through the e-mail outbox, and the lockout after 5 wrong codes.
One-time codes are read where the person would read them: the SMS the (fake) Twilio API got,
the e-mail the outbox holds."""

from __future__ import annotations

import re
import secrets

import pytest
import redis

from bot.vault import Vault
from messaging.outbox import Outbox
from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack

PASSWORD = "Soleil#Vert2026"


def last_sms_code(twilio_api, number: str, pattern: str = r"\b(\d{6})\b") -> str:  # type: ignore[no-untyped-def]
    messages = twilio_api.messages_to(number)
    assert messages, f"no SMS reached {number}"
    return re.search(pattern, messages[-1]["body"]).group(1)


def outbox_emails(stack, address: str) -> list[dict]:  # type: ignore[no-untyped-def]
    client = redis.Redis.from_url(stack.redis_url)
    try:
        vault = Vault(client, stack.env["VAULT_KEY"], 3600)
        return Outbox(client, vault).list(to=address)
    finally:
        client.close()


def to_contact_step(phone: SmsPhone, someone: dict, code: str) -> None:
    phone.send("Bonjour")
    phone.send(code)
    phone.send(spaced(someone["nir"]))
    phone.send("avec photo" if someone["card_type"] == "with_photo" else "sans photo")
    phone.send(someone["card_serial"])
    phone.send("1")
    assert "sont-elles correctes" in phone.send("oui").lower()


def path_b_until_the_code(phone: SmsPhone, someone: dict) -> str:
    """From "je n'ai pas reçu mon code" to the one-time code screen; returns the last reply."""
    phone.send("Bonjour")
    reply = phone.send("je n'ai pas reçu mon code")
    assert "nouveau code provisoire" in reply and "sécurité sociale" in reply
    assert "NOUVEAU CODE" not in reply  # no welcome telling them to ask for what they asked
    assert "date de naissance" in phone.send(spaced(someone["nir"])).lower()
    day, month, year = (
        someone["birth_date"][8:],
        someone["birth_date"][5:7],
        someone["birth_date"][:4],
    )
    reply = phone.send(f"{int(day)}-{int(month)}-{year[2:]}")
    assert f"{day}/{month}/{year}" in reply and "photo" in reply
    phone.send("avec photo" if someone["card_type"] == "with_photo" else "sans photo")
    reply = phone.send(someone["card_serial"])
    masked = f"** ** ** *{someone['mobile'][-3]} {someone['mobile'][-2:]}"
    assert masked in reply and "est-ce bien votre numéro" in reply.lower()
    reply = phone.send("oui")
    assert "6 chiffres" in reply and masked in reply
    return reply


def test_path_b_from_no_code_to_an_activated_account(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("without_photo", birth_date="1985-03-03")
    old_code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, next_number())  # texting from another phone than the one on file

    path_b_until_the_code(phone, someone)
    one_time_code = last_sms_code(twilio_api, someone["mobile"])
    reply = phone.send(one_time_code)
    assert "c'est vérifié" in reply.lower() and "inutile" in reply
    assert "activer" in reply.lower()  # straight on to the decision, no code typed back
    new_code_sms = twilio_api.messages_to(someone["mobile"])[-1]["body"]
    assert "nouveau code provisoire" in new_code_sms
    new_code = re.search(r"est ([A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4})\.", new_code_sms).group(1)
    assert new_code.replace(" ", "") != old_code

    assert "acceptez-vous" in phone.send("1").lower()
    assert "sont-elles correctes" in phone.send("oui").lower()
    assert "identifiant" in phone.send("oui").lower()
    phone.send("camille.b85")
    phone.send(PASSWORD)
    assert "activé" in phone.send(PASSWORD)
    status = backend.insured(someone["nir"])
    assert status["status"] == "activated" and status["identifier"] == "camille.b85"


def test_a_mobile_change_checked_by_sms(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, someone["mobile"])
    to_contact_step(phone, someone, code)

    assert "1 pour l'adresse e-mail" in phone.send("non")
    assert "nouveau numéro de mobile" in phone.send("2")
    assert "n'est pas un mobile" in phone.send("01 23 45 67 89")
    new_mobile = "+33798765" + someone["mobile"][-3:]
    national = "0" + new_mobile[3:]
    reply = phone.send(" ".join(national[i : i + 2] for i in range(0, 10, 2)))
    assert "6 chiffres" in reply and f"*{new_mobile[-3]} {new_mobile[-2:]}" in reply
    one_time_code = last_sms_code(twilio_api, new_mobile)
    wrong = f"{(int(one_time_code) + 1) % 10**6:06d}"
    assert "Il vous reste 4 essais" in phone.send(wrong)
    reply = phone.send(one_time_code)
    assert "nouveau numéro de mobile est enregistré" in reply
    assert f"*{new_mobile[-3]} {new_mobile[-2:]}" in reply  # shown again, to be confirmed
    assert backend.insured(someone["nir"])["mobile"] == new_mobile
    assert "identifiant" in phone.send("oui").lower()


def test_an_email_change_checked_through_the_outbox(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    phone = SmsPhone(stack, next_number())
    to_contact_step(phone, someone, code)

    new_email = f"camille.nouvelle.{secrets.token_hex(3)}@exemple.fr"
    reply = phone.send(f"non, mon nouveau mail c'est {new_email}")
    assert "6 chiffres" in reply and "par e-mail à c***@e***.fr" in reply
    emails = outbox_emails(stack, new_email)
    assert len(emails) == 1 and emails[0]["subject"].startswith("Mon espace santé")
    reply = phone.send("je ne l'ai pas reçu")
    assert "courriers indésirables" in reply and "RENVOYER" in reply
    assert "nouveau code envoyé" in phone.send("renvoyer")
    emails = outbox_emails(stack, new_email)
    assert len(emails) == 2
    first = re.search(r"\b(\d{6})\b", emails[0]["body"]).group(1)
    latest = re.search(r"\b(\d{6})\b", emails[1]["body"]).group(1)
    if first != latest:
        assert "n'est plus valable" in phone.send(first) or "pas le bon" in phone.send(first)
    reply = phone.send(latest)
    assert "nouvelle adresse e-mail est enregistrée" in reply
    assert backend.insured(someone["nir"])["email"] == new_email


def test_five_wrong_codes_lock_and_offer_an_advisor(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo", birth_date="1962-11-30")
    backend.create_insured(**someone)
    phone = SmsPhone(stack, next_number())

    path_b_until_the_code(phone, someone)
    right = last_sms_code(twilio_api, someone["mobile"])
    wrong = f"{(int(right) + 7) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        assert f"Il vous reste {left} essai" in phone.send(wrong)
    reply = phone.send(wrong)
    assert "bloquée" in reply and "conseiller" in reply
    reply = phone.send(right)  # too late: the code was destroyed
    assert "activer" not in reply.lower()
    assert backend.insured(someone["nir"])["status"] == "pending"


def test_no_code_as_the_very_first_message(stack) -> None:  # type: ignore[no-untyped-def]
    phone = SmsPhone(stack, next_number())
    reply = phone.send("bonjour, j'ai perdu mon code provisoire")
    assert "nouveau code provisoire" in reply and "numéro de sécurité sociale" in reply
    assert "Bonjour, je suis l'assistant" not in reply and "NOUVEAU CODE" not in reply
