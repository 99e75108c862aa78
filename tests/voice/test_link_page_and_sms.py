"""The credentials link is not a bearer credential, and SMS continue a call only while it waits.

Through the real webhook app (Flask test client), a real Redis and signed Twilio posts; Rasa is
down here, so the conversation is put at the step by hand where the dialogue would have.
`tests/e2e/test_voice_security.py` runs the same through whole calls on the real stack."""

from __future__ import annotations

import html

from flask import Flask
from twilio.request_validator import RequestValidator

from tests.support.twilio_client import twiml_messages
from tests.webhook.conftest import AUTH_TOKEN, PUBLIC
from webhook.voice.page import SPOKEN_MISSING, SPOKEN_WRONG
from webhook.voice.state import CallState, Mode

PASSWORD = "Tr3s-secret!"


def at_credentials(app: Flask, number: str) -> str:
    """A call's conversation at the identifier step (where the dialogue sends the link)."""
    conversations = app.extensions["mes"].conversations
    conversation_id = conversations.open("voice", number)
    conversations.update(conversation_id, step="identifier")
    return conversation_id


def choose(app: Flask, token: str, **fields: str) -> tuple[int, str]:
    form = {"identifier": "camille.page85", "password": PASSWORD, **fields}
    form["password_confirmation"] = PASSWORD
    response = app.test_client().post(f"/voice/credentials/{token}", data=form)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def test_the_page_refuses_a_choice_without_the_code_said_on_the_call(app: Flask) -> None:
    conversation_id = at_credentials(app, "+33611224400")
    link = app.extensions["voice"].links.issue(conversation_id)
    page = app.test_client().get(f"/voice/credentials/{link.token}")
    assert page.status_code == 200 and "Code dit pendant" in page.get_data(as_text=True)

    status, page_text = choose(app, link.token)
    assert status == 422 and SPOKEN_MISSING in page_text
    wrong_code = "000000" if link.spoken_code != "000000" else "111111"
    status, page_text = choose(app, link.token, spoken_code=wrong_code)
    assert status == 422 and SPOKEN_WRONG in page_text
    transcript = app.extensions["mes"].conversations.transcript(conversation_id)
    assert transcript == [], "nothing reached the dialogue"

    spaced = f"{link.spoken_code[:3]} {link.spoken_code[3:]}"
    _, page_text = choose(app, link.token, spoken_code=spaced)
    assert SPOKEN_MISSING not in page_text and SPOKEN_WRONG not in page_text
    assert app.extensions["mes"].conversations.transcript(conversation_id), "the dialogue got it"
    # Once typed, the code is not asked again on this link (a refused identifier is corrected).
    again = app.test_client().get(f"/voice/credentials/{link.token}").get_data(as_text=True)
    assert "Code dit pendant" not in again


def test_five_wrong_codes_kill_the_link(app: Flask) -> None:
    conversation_id = at_credentials(app, "+33611224411")
    link = app.extensions["voice"].links.issue(conversation_id)
    wrong_code = "000000" if link.spoken_code != "000000" else "111111"
    statuses = [choose(app, link.token, spoken_code=wrong_code)[0] for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 410]
    assert choose(app, link.token, spoken_code=link.spoken_code)[0] == 410


def sms(app: Flask, number: str, body: str) -> str:
    params = {"MessageSid": "SM" + body.encode().hex()[:32].ljust(32, "0"), "From": number}
    params.update({"To": "+33700000000", "Body": body, "NumMedia": "0"})
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + "/twilio/sms", params)
    response = app.test_client().post(
        "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    return "\n".join(twiml_messages(response.get_data(as_text=True)))


def test_sms_continue_a_call_only_while_it_waits_for_them(app: Flask) -> None:
    number = "+33611224422"
    conversation_id = at_credentials(app, number)
    voice = app.extensions["voice"]
    state = CallState(mode=Mode.LINK, call_sid="CA" + "4" * 32, conversation_id=conversation_id)
    voice.call.states.save(conversation_id, state)
    voice.calls.await_sms(number, state)
    conversations = app.extensions["mes"].conversations

    sms(app, number, "camille.sms85")  # the call waits for it: the call's conversation
    said = [e["text"] for e in conversations.transcript(conversation_id) if e["from"] == "person"]
    assert said == ["camille.sms85"]

    state.mode = Mode.ASK  # the call moved on (an advisor, the page was used, the call ended…)
    voice.call.states.save(conversation_id, state)
    sms(app, number, "pirate.sms85")
    said = [e["text"] for e in conversations.transcript(conversation_id) if e["from"] == "person"]
    assert said == ["camille.sms85"], "an SMS the call no longer waits for went elsewhere"
    own = conversations.conversation_id("sms", number)
    assert [e["text"] for e in conversations.transcript(own) if e["from"] == "person"] == [
        "pirate.sms85"
    ]
