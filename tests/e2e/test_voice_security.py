"""What a stranger who knows someone's number can no longer do to their call (issue 14, point 5),
through whole calls on the real stack: signed Twilio posts, TwiML parsed, SMS read at the fake
Twilio API.

- a second call placed from the same number during a live call (a spoofed caller id) starts a
  conversation of its own and cannot touch the first;
- the link page takes no password without the code the call says aloud; the call announces the
  account once it exists, and SMS from the number stop reaching the call's conversation;
- Twilio repeating a gather post does not answer the question twice.
(Resuming a dropped call by a texted code: `test_voice_calls.py`.)
"""

from __future__ import annotations

import pytest
import requests

from bot.settings import load_settings
from bot.spelled_code import keypad_pairs
from tests.e2e.test_sms_activation import PASSWORD
from tests.e2e.test_voice_calls import (
    caller,
    card_and_decision_by_keypad,
    identify_by_keypad,
    spoken_code,
)
from tests.support.people import person
from tests.support.twilio_client import SmsPhone
from tests.support.voice_call import link_from, local_url
from webhook import create_app

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def conversations(stack):  # type: ignore[no-untyped-def]
    """The stack's conversation store, read as the webhook reads it."""
    app = create_app(load_settings(stack.env))
    yield app.extensions["mes"].conversations
    app.extensions["mes"].redis.close()


def test_a_second_call_from_the_same_number_during_a_live_call_starts_its_own_state(
    stack, backend
) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    identify_by_keypad(call, stack, someone, code)  # the card type is asked

    spoofed = caller(stack, someone["mobile"])  # same caller id, while the first call is live
    turn = spoofed.dial_in()
    assert "code provisoire" in turn.text and "appel précédent" not in turn.text
    turn = spoofed.press("1")  # the answer the victim's call waits for
    assert "photo" not in turn.text and "numéro de série" not in turn.text

    turn = call.press("1")  # the victim's call goes on where it was, untouched
    assert "numéro de série" in turn.text
    turn = call.press(someone["card_serial"] + "#")
    assert turn.read_back and "exact" in turn.text


def test_the_password_page_needs_the_code_said_on_the_call(
    stack, backend, twilio_api, conversations
) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    identify_by_keypad(call, stack, someone, code)
    link_turn = card_and_decision_by_keypad(call, someone)
    spoken = spoken_code(link_turn)
    sms = twilio_api.messages_to(someone["mobile"])[-1]["body"]
    assert spoken not in sms.replace(" ", "")
    url = local_url(stack, link_from(sms))

    # Whoever read the SMS preview has the link, not the code: no choice is taken.
    choice = {"identifier": "intrus.page85", "password": PASSWORD}
    choice["password_confirmation"] = PASSWORD
    refused = requests.post(url, data=choice, timeout=60)
    assert refused.status_code == 422 and "dit pendant l" in refused.text
    wrong = "000000" if spoken != "000000" else "111111"
    refused = requests.post(url, data={**choice, "spoken_code": wrong}, timeout=60)
    assert refused.status_code == 422
    assert backend.insured(someone["nir"])["status"] == "pending"

    choice["identifier"] = "camille.spoken85"
    accepted = requests.post(url, data={**choice, "spoken_code": spoken}, timeout=60)
    assert accepted.status_code == 200 and "activé" in accepted.text
    status = backend.insured(someone["nir"])
    assert status["status"] == "activated" and status["identifier"] == "camille.spoken85"

    # The call says so by itself, at its next round of waiting.
    turn = call.stay_silent()
    assert "activé" in turn.text and turn.hangup

    # The call no longer waits for an SMS: one from the number is a conversation of its own.
    call_conversation = conversations.conversation_id("voice", someone["mobile"])
    before = len(conversations.transcript(call_conversation))
    SmsPhone(stack, someone["mobile"]).send("pirate.sms85")
    assert len(conversations.transcript(call_conversation)) == before
    own = conversations.conversation_id("sms", someone["mobile"])
    said = [e["text"] for e in conversations.transcript(own) if e["from"] == "person"]
    assert said == ["pirate.sms85"]


def test_a_repeated_gather_post_is_not_answered_twice(stack, backend) -> None:  # type: ignore[no-untyped-def]
    someone = person("with_photo")
    code = backend.create_insured(**someone)["provisional_code"]
    call = caller(stack, someone["mobile"])
    call.dial_in()
    call.press(keypad_pairs(code) + "#")
    confirmed = call.press("1")  # the code is right
    assert "sécurité sociale" in confirmed.text
    call.press(someone["nir"] + "#")
    verified = call.press("1")
    assert "identité est vérifiée" in verified.text

    repeated = call.repeat()  # Twilio posts the same "1" again (same CallSid, same mark)
    assert repeated.lines == verified.lines  # the same answer, not "1" for "avec photo"
    turn = call.press("1")  # the person's own answer to the card question
    assert "numéro de série" in turn.text
