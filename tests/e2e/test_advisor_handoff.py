"""An advisor takes over a conversation and hands it back, with every real service running."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest
import redis
from twilio.request_validator import RequestValidator

from bot.masking import mask_mobile
from bot.settings import load_settings
from bot.sms_text import to_gsm7
from tests.e2e.test_observability import sample
from tests.support.advisor_console import AdvisorApi, create_advisor
from tests.support.people import person, spaced
from tests.support.twilio_client import SmsPhone, next_number, twiml_messages
from webhook import create_app

pytestmark = pytest.mark.stack


def last_sms_to(twilio_api, number: str) -> str:  # type: ignore[no-untyped-def]
    messages = twilio_api.messages_to(number)
    assert messages, f"no SMS to {number}"
    return messages[-1]["body"]


def test_an_advisor_takes_over_then_hands_back_to_the_bot(stack, backend, twilio_api) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    number = someone["mobile"]
    phone = SmsPhone(stack, number)
    assert "code provisoire" in phone.send("Bonjour").lower()
    reply = phone.send("je veux parler à un conseiller")
    assert "conseiller" in reply and "code provisoire" in reply.lower()

    name, totp = create_advisor(stack.env, "marie")
    marie = AdvisorApi(stack.webhook_url, name, totp)
    marie.login()
    item = marie.find(mask_mobile(number))
    conversation_id = item["id"]
    assert item["channel"] == "sms" and item["step"] == "provisional_code"
    assert number not in conversation_id and number[1:] not in str(item)
    detail = marie.get(f"/conversations/{conversation_id}")
    assert ("person", "je veux parler à un conseiller") in [
        (m["from"], m["text"]) for m in detail["transcript"]
    ]
    assert detail["collected"]["handoff_reason"] == "asked"
    assert detail["collected"]["provisional_code_given"] is False

    # Take over: the person is told, and the bot is silent from now on.
    assert marie.post(f"/conversations/{conversation_id}/takeover").status_code == 200
    assert last_sms_to(twilio_api, number) == "Un conseiller, Marie, prend le relais."
    assert phone.send("Bonjour, je n'ai pas reçu de courrier") == ""
    detail = marie.get(f"/conversations/{conversation_id}")
    assert detail["state"] == "advisor" and detail["advisor"] == name
    assert detail["transcript"][-1] == {
        "from": "person",
        "text": "Bonjour, je n'ai pas reçu de courrier",
        "at": detail["transcript"][-1]["at"],
    }

    # The advisor's replies reach the person through Twilio's Messages API.
    text = "Je regarde votre dossier. Votre code est dans l'e-mail reçu le 3 mars."
    assert (
        marie.post(f"/conversations/{conversation_id}/messages", {"text": text}).status_code == 200
    )
    assert last_sms_to(twilio_api, number) == to_gsm7(text)
    assert phone.send("Merci, je l'ai trouvé") == ""
    transcript = marie.get(f"/conversations/{conversation_id}")["transcript"]
    assert [(m["from"], m["text"]) for m in transcript[-2:]] == [
        ("advisor", text),
        ("person", "Merci, je l'ai trouvé"),
    ]

    # Hand back: the bot says it resumes, and asks again what it was waiting for.
    tracker_reads = sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker")
    released = marie.post(f"/conversations/{conversation_id}/release")
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "bot" and released.json()["notified"] is True
    resumed = last_sms_to(twilio_api, number)
    assert resumed.startswith("L'assistant reprend là où vous en étiez.")
    assert "code provisoire" in resumed.lower()
    # One tracker read (which question is pending); the step is the one the question says.
    assert (
        sample(stack.webhook_url, "mes_webhook_rasa_seconds_count", call="tracker")
        == tracker_reads + 1
    )
    step = redis.Redis.from_url(stack.redis_url).hget(f"conv:{conversation_id}", "step")
    assert step == b"provisional_code"
    assert conversation_id not in [c["id"] for c in marie.get("/conversations")]

    # The bot answers again, at the right step.
    assert "sécurité sociale" in phone.send(code).lower()
    assert "identité est vérifiée" in phone.send(spaced(someone["nir"]))

    # A supervisor reads who did what in the audit log.
    boss_name, boss_totp = create_advisor(stack.env, "sophie", "--supervisor")
    boss = AdvisorApi(stack.webhook_url, boss_name, boss_totp)
    boss.login()
    entries = boss.get(f"/audit?conversation={conversation_id}")
    assert [(e["actor"], e["action"]) for e in reversed(entries)] == [
        (name, "view"),
        (name, "takeover"),
        (name, "message"),
        (name, "release"),
    ]
    assert "courrier" not in str(entries)


def test_out_of_hours_the_person_is_told_when_advisors_are_there(stack) -> None:  # type: ignore[no-untyped-def]
    """The stack's webhook code, in-process with a clock on a Saturday night, on the real Rasa."""
    saturday_night = datetime(2026, 3, 14, 22, 0, tzinfo=timezone.utc)
    app = create_app(
        load_settings(stack.env), test_config={"ADVISOR_CLOCK": lambda: saturday_night}
    )
    client = app.test_client()
    number = next_number()

    def text(body: str) -> str:
        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": stack.env["TWILIO_ACCOUNT_SID"],
            "From": number,
            "To": "+33700000000",
            "Body": body,
            "NumMedia": "0",
        }
        signature = RequestValidator(stack.env["TWILIO_AUTH_TOKEN"]).compute_signature(
            stack.public_base_url + "/twilio/sms", params
        )
        response = client.post(
            "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200
        return "\n".join(twiml_messages(response.get_data(as_text=True)))

    text("Bonjour")
    reply = text("je veux parler à un conseiller")
    assert "conseiller" in reply and "lundi dès 8h30" in reply and "appelle" in reply
    store = app.extensions["mes"].conversations
    record = store.get(store.conversation_id("sms", number))
    assert record["state"] == "waiting" and record["waiting_since"]  # still in the queue
    # Said once, not at every message while waiting.
    assert "lundi dès 8h30" not in text("ok")
