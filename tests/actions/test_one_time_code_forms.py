"""Path B and contact change screens: the one-time code form, the mobile check, the date of
birth and the contact change, on rasa-sdk trackers with the real Redis (codes, vault, outbox)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from actions.one_time_code_delivery import code_screen_events, send_one_time_code
from actions.runtime import runtime
from actions.validate_contact_form import ValidateContactForm
from actions.validate_mobile_check_form import ValidateMobileCheckForm
from actions.validate_new_code_form import ValidateNewCodeForm
from actions.validate_otp_form import ValidateOtpForm
from bot import responses
from tests.actions.flow_fakes import vault
from tests.actions.test_form_validators import run, tracker
from tests.support.aio import run_async

MOBILE = "+33612345377"


@pytest.fixture(autouse=True)
def no_earlier_codes() -> Iterator[None]:
    """Every test's tracker is the same conversation: start without its earlier codes."""
    client = runtime().blocking_redis
    for key in client.keys("otc:*"):
        client.delete(key)
    yield


def sent_codes(to: str) -> list[str]:
    outbox = runtime().messenger.outbox
    assert outbox is not None
    return [re.search(r"\b(\d{6})\b", m["body"]).group(1) for m in outbox.list(to=to)]


def otp_slots(purpose: str = "new_code", destination: str = MOBILE) -> dict[str, str]:
    """Sends a code as the flow controller does; returns the slots of the code screen."""
    ref = vault().put("tok", destination, "conversation-under-test")
    delivery = run_async(send_one_time_code(purpose, "conversation-under-test", destination))
    assert delivery.sent, delivery.problem
    return {e["name"]: e["value"] for e in code_screen_events(purpose, ref, delivery)}


def fresh_mobile() -> str:
    return "+336" + str(uuid.uuid4().int)[:8]


def test_the_right_code_verifies_once() -> None:
    mobile = fresh_mobile()
    slots = otp_slots(destination=mobile)
    (code,) = sent_codes(mobile)
    assert slots["otp_sent_to"] == f"par SMS au {'** ** ** *' + mobile[-3] + ' ' + mobile[-2:]}"
    ref = vault().put("otp", code, "conversation-under-test")
    result, texts, _ = run(ValidateOtpForm(), tracker(ref, requested="otp_code", **slots))
    assert result["otp_code"] == "verified"
    assert texts == []
    # Used up: the same code again is no longer valid.
    ref = vault().put("otp", code, "conversation-under-test")
    result, texts, _ = run(ValidateOtpForm(), tracker(ref, requested="otp_code", **slots))
    assert result["otp_code"] is None
    assert "n'est plus valable" in texts[0]


def test_a_wrong_code_says_how_many_tries_are_left_then_locks() -> None:
    mobile = fresh_mobile()
    slots = otp_slots(destination=mobile)
    (code,) = sent_codes(mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        result, texts, _ = run(ValidateOtpForm(), tracker(wrong, requested="otp_code", **slots))
        assert result["otp_code"] is None
        assert texts[0].startswith("Ce code n'est pas le bon.")
        assert f"Il vous reste {left} essai" in texts[0]
    result, texts, _ = run(ValidateOtpForm(), tracker(wrong, requested="otp_code", **slots))
    assert result["otp_code"] == "locked"
    assert result["handoff_reason"] == "otp_locked"
    assert "conseiller" in texts[0]
    # Even the right code does nothing now, and no new code can be sent.
    result, _, _ = run(ValidateOtpForm(), tracker(code, requested="otp_code", **slots))
    assert result["otp_code"] in (None, "locked")
    result, texts, _ = run(ValidateOtpForm(), tracker("renvoyer", requested="otp_code", **slots))
    assert result["otp_code"] == "locked"


def test_a_code_for_the_mobile_does_not_confirm_the_email() -> None:
    mobile = fresh_mobile()
    otp_slots("confirm_mobile", mobile)
    (code,) = sent_codes(mobile)
    email_slots = otp_slots("confirm_email", f"{uuid.uuid4().hex[:8]}@exemple.fr")
    result, texts, _ = run(ValidateOtpForm(), tracker(code, requested="otp_code", **email_slots))
    assert result["otp_code"] is None
    assert texts[0].startswith("Ce code n'est pas le bon.")


def test_resend_sends_a_new_code_to_the_same_mobile() -> None:
    mobile = fresh_mobile()
    slots = otp_slots(destination=mobile)
    result, texts, _ = run(ValidateOtpForm(), tracker("renvoyer", requested="otp_code", **slots))
    assert result == {"otp_code": None}
    assert texts[0] == "C'est fait : nouveau code envoyé."
    first, second = sent_codes(mobile)
    ref = vault().put("otp", second, "conversation-under-test")
    result, _, _ = run(ValidateOtpForm(), tracker(ref, requested="otp_code", **slots))
    assert result["otp_code"] == "verified"


def test_not_received_says_where_to_look_and_how_to_resend() -> None:
    slots = otp_slots("confirm_email", f"{uuid.uuid4().hex[:8]}@exemple.fr")
    result, texts, _ = run(
        ValidateOtpForm(),
        tracker("je ne l'ai pas reçu", intent="no_code", requested="otp_code", **slots),
    )
    assert result == {"otp_code": None}
    assert "courriers indésirables" in texts[0] and "RENVOYER" in texts[0]


def test_a_short_code_costs_no_try() -> None:
    slots = otp_slots(destination=fresh_mobile())
    result, texts, _ = run(ValidateOtpForm(), tracker("12345", requested="otp_code", **slots))
    assert result["otp_code"] is None
    assert texts == ["Le code a 6 chiffres exactement. Vérifiez-le."]


def test_the_mobile_on_file_is_not_theirs() -> None:
    for text, intent in (("ce n'est pas mon numéro", "deny"), ("non", "deny"), ("2", "inform")):
        result, _, _ = run(
            ValidateMobileCheckForm(), tracker(text, intent=intent, requested="mobile_confirmed")
        )
        assert result["mobile_confirmed"] == "not_mine", text
    result, _, _ = run(
        ValidateMobileCheckForm(), tracker("oui", intent="affirm", requested="mobile_confirmed")
    )
    assert result["mobile_confirmed"] == "confirmed"


def test_birth_date_typed_or_in_words_is_read_back() -> None:
    for text in ("03/03/1985", "3-3-85", "trois mars mille neuf cent quatre-vingt-cinq"):
        result, texts, _ = run(ValidateNewCodeForm(), tracker(text, requested="birth_date"))
        assert result["birth_date"] == "1985-03-03", text
        assert texts == ["Date de naissance : 03/03/1985."]


def test_an_impossible_birth_date_is_explained() -> None:
    result, texts, _ = run(ValidateNewCodeForm(), tracker("31/02/1985", requested="birth_date"))
    assert result["birth_date"] is None
    assert "n'existe pas" in texts[0]


def test_no_means_change_then_which_then_the_new_value() -> None:
    result, _, _ = run(
        ValidateContactForm(), tracker("non", intent="deny", requested="contact_confirmed")
    )
    assert result["contact_confirmed"] == "change"
    assert result["requested_slot"] == "contact_change"
    result, _, _ = run(
        ValidateContactForm(),
        tracker("1", requested="contact_change", contact_confirmed="change"),
    )
    assert result["contact_change"] == "email"
    assert result["requested_slot"] == "new_contact"


def test_a_new_email_in_one_message() -> None:
    result, _, _ = run(
        ValidateContactForm(),
        tracker(
            "non, mon nouveau mail c'est Jean.Dupont@Exemple.FR",
            intent="deny",
            requested="contact_confirmed",
        ),
    )
    assert result["contact_confirmed"] == "change"
    assert result["contact_change"] == "email"
    assert result["new_contact"] == "Jean.Dupont@exemple.fr"


def test_a_landline_or_a_bad_email_is_refused_with_the_reason() -> None:
    result, texts, _ = run(
        ValidateContactForm(),
        tracker(
            "01 23 45 67 89",
            requested="new_contact",
            contact_confirmed="change",
            contact_change="mobile",
        ),
    )
    assert result["new_contact"] is None
    assert "n'est pas un mobile" in texts[0]
    result, texts, _ = run(
        ValidateContactForm(),
        tracker(
            "jean.dupont@",
            requested="new_contact",
            contact_confirmed="change",
            contact_change="email",
        ),
    )
    assert result["new_contact"] is None
    assert "pas valide" in texts[0]


def test_french_mobile_formats_become_e164() -> None:
    for text in ("06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678"):
        result, _, _ = run(
            ValidateContactForm(),
            tracker(
                text, requested="new_contact", contact_confirmed="change", contact_change="mobile"
            ),
        )
        assert result["new_contact"] == "+33612345678", text


def test_nothing_in_clear_in_redis_after_a_code_is_sent() -> None:
    mobile = fresh_mobile()
    otp_slots(destination=mobile)
    (code,) = sent_codes(mobile)
    client = runtime().blocking_redis
    for key in client.keys("otc:*"):
        raw = client.hgetall(key) if client.type(key) == b"hash" else {b"": client.get(key) or b""}
        dump = repr(key) + repr(raw)
        assert code not in dump and mobile not in dump and mobile[1:] not in dump


def test_codes_sent_and_refused_are_counted_for_metrics() -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    sent_before = sample("mes_codes_sent_total", kind="confirm_mobile")
    wrong_before = sample("mes_codes_failed_total", kind="confirm_mobile", reason="wrong")
    mobile = fresh_mobile()
    slots = otp_slots("confirm_mobile", mobile)
    (code,) = sent_codes(mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    run(ValidateOtpForm(), tracker(wrong, requested="otp_code", **slots))
    assert sample("mes_codes_sent_total", kind="confirm_mobile") == sent_before + 1
    assert (
        sample("mes_codes_failed_total", kind="confirm_mobile", reason="wrong") == wrong_before + 1
    )


def test_over_the_overall_limit_a_person_is_told_to_retry_or_ask_an_advisor() -> None:
    """The overall limit is a pause for everyone, said as such (not "too many codes for this
    number"), with the advisor offered; the runtime is rebuilt for every test."""
    from bot.one_time_codes import RateLimit

    runtime().codes.throttles.overall = RateLimit(1, 60)
    # Three sends: at least two fall in the same one-minute window, whatever the clock says.
    deliveries = [
        run_async(send_one_time_code("confirm_mobile", f"conversation-{n}", fresh_mobile()))
        for n in range(3)
    ]
    refused = [d for d in deliveries if not d.sent]
    assert refused and deliveries[0].sent
    for delivery in refused:
        assert not delivery.locked
        assert delivery.problem == "utter_otp_busy"
        assert "CONSEILLER" in responses.text(delivery.problem)
