"""A caller asks for an advisor during opening hours: the call is transferred with `<Dial>` to
ADVISOR_TRANSFER_NUMBER, and the advisor console lists the call with what was collected, masked.

The calls go to the stack's webhook code in-process, with a clock on a Tuesday at 10:00 (Paris)
and a transfer number set; it shares the stack's Redis, Rasa, actions and backend, and the
console is read on the stack's own webhook, as an advisor would.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.masking import mask_mobile
from bot.settings import load_settings
from tests.support.advisor_console import AdvisorApi, create_advisor
from tests.support.people import person
from tests.support.twilio_client import next_number
from tests.support.voice_call import Caller, app_poster
from webhook import create_app

pytestmark = pytest.mark.stack

TRANSFER_NUMBER = "+33155667788"
TUESDAY_MORNING = datetime(2026, 3, 17, 9, 0, tzinfo=timezone.utc)  # 10:00 in Paris


@pytest.fixture(scope="module")
def open_hours_call(stack):  # type: ignore[no-untyped-def]
    """Places calls to the stack's webhook code during opening hours, with a transfer number."""
    env = {**stack.env, "ADVISOR_TRANSFER_NUMBER": TRANSFER_NUMBER}
    app = create_app(load_settings(env), test_config={"ADVISOR_CLOCK": lambda: TUESDAY_MORNING})
    post = app_poster(app, stack.public_base_url, stack.env["TWILIO_AUTH_TOKEN"])

    def call(number: str) -> Caller:
        return Caller(post, stack.public_base_url, number)

    return call


@pytest.fixture(scope="module")
def advisor(stack) -> AdvisorApi:  # type: ignore[no-untyped-def]
    name, totp = create_advisor(stack.env, "lucie")
    api = AdvisorApi(stack.webhook_url, name, totp)
    api.login()
    return api


def test_saying_conseiller_transfers_the_call_and_the_console_shows_it(
    stack, backend, open_hours_call, advisor
) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = open_hours_call(someone["mobile"])
    assert "code provisoire" in call.dial_in().text
    assert "Tapez 1 si c'est exact" in call.say(code).text
    assert "sécurité sociale" in call.press("1").text
    assert call.press(someone["nir"] + "#").read_back
    assert "identité est vérifiée" in call.press("1").text

    # Not one of the call's own control words: the dialogue understands it and queues the
    # conversation, and the call is put through.
    turn = call.say("je voudrais parler à un conseiller s'il vous plaît")
    assert turn.dial == TRANSFER_NUMBER, turn.xml
    assert "conseiller" in turn.text and turn.gather is None
    dial = turn.root.find("Dial")
    assert dial.get("action").startswith(stack.public_base_url + "/twilio/voice/dialed?t=")

    item = advisor.find(mask_mobile(someone["mobile"]))
    assert item["channel"] == "voice" and item["state"] == "waiting"
    assert item["step"] == "card_type"
    assert someone["mobile"] not in str(item) and someone["mobile"][1:] not in item["id"]
    detail = advisor.get(f"/conversations/{item['id']}")
    collected = detail["collected"]
    assert collected["handoff_reason"] == "asked"
    assert collected["provisional_code_given"] is True and collected["identity_verified"] is True
    assert collected["nir"] and collected["nir"] != someone["nir"]
    assert collected["nir"].replace(" ", "")[:5] == someone["nir"][:5]
    said = [m["text"] for m in detail["transcript"] if m["from"] == "person"]
    assert any("conseiller" in text for text in said)
    assert someone["nir"] not in str(detail) and code not in str(detail)
    assert code.replace(" ", "") not in str(detail).replace(" ", "")


def test_pressing_0_transfers_and_an_unanswered_transfer_goes_on_with_the_assistant(
    stack, open_hours_call, advisor
) -> None:  # type: ignore[no-untyped-def]
    number = next_number()
    call = open_hours_call(number)
    assert "code provisoire" in call.dial_in().text
    turn = call.press("0")
    assert turn.dial == TRANSFER_NUMBER, turn.xml

    item = advisor.find(mask_mobile(number))
    assert item["channel"] == "voice" and item["step"] == "provisional_code"

    # Nobody picked up: Twilio posts the <Dial>'s action with DialCallStatus.
    status, xml = call.post("/twilio/voice/dialed", call._params(DialCallStatus="no-answer"))
    assert status == 200
    after = type(turn)(xml)
    assert "Aucun conseiller n'a pu répondre" in after.text
    assert "code provisoire" in after.text and after.gather is not None
