"""A call's state belongs to its CallSid, and Twilio's repeated posts are answered once.

Through the real webhook app (Flask test client) and a real Redis, with signed Twilio posts and
the TwiML parsed; Rasa is down here (the call says its apology, then asks the first question),
which is enough for what the call does around the dialogue."""

from __future__ import annotations

from flask import Flask

from tests.support.voice_call import Caller, app_poster
from tests.webhook.conftest import AUTH_TOKEN, PUBLIC
from webhook.voice.state import CallState


def caller(app: Flask, number: str) -> Caller:
    return Caller(app_poster(app, PUBLIC, AUTH_TOKEN), PUBLIC, number)


def state_of(app: Flask, call: Caller) -> CallState:
    state = app.extensions["voice"].call.states.load(call.call_sid)
    assert state is not None, "the call has a state of its own"
    return state


def test_a_second_call_from_the_same_number_during_a_live_call_starts_its_own_state(
    app: Flask,
) -> None:
    first = caller(app, "+33611223344")
    first.dial_in()
    first.stay_silent()  # the first call's state moves: one silence
    spoofed = caller(app, "+33611223344")
    spoofed.dial_in()
    spoofed.stay_silent()
    spoofed.stay_silent()

    mine, theirs = state_of(app, first), state_of(app, spoofed)
    assert mine.conversation_id != theirs.conversation_id
    assert (mine.silences, theirs.silences) == (1, 2)
    number_conversation = app.extensions["mes"].conversations.conversation_id(
        "voice", "+33611223344"
    )
    assert mine.conversation_id == number_conversation  # the number's own stays the first's

    # Once the first call is over, the next call from the number works on its conversation.
    first.status("completed")
    again = caller(app, "+33611223344")
    again.dial_in()
    assert state_of(app, again).conversation_id == number_conversation


def test_a_repeated_gather_post_is_answered_with_the_first_reply_and_not_run_again(
    app: Flask,
) -> None:
    call = caller(app, "+33611223355")
    call.dial_in()
    first = call.stay_silent()
    assert "rien entendu" in first.text
    repeated = call.repeat()  # Twilio posts the same request again
    assert repeated.lines == first.lines
    assert state_of(app, call).silences == 1
    assert "toujours rien entendu" in call.stay_silent().text  # the next post is a new turn
    assert state_of(app, call).silences == 2


def test_a_repeated_first_post_does_not_start_the_call_twice(app: Flask) -> None:
    call = caller(app, "+33611223366")
    greeting = call.dial_in()
    call.stay_silent()
    assert call.repeat_post(0).lines == greeting.lines
    assert state_of(app, call).silences == 1  # not reset by a second start


def test_every_url_twilio_posts_back_to_carries_a_fresh_mark(app: Flask) -> None:
    call = caller(app, "+33611223377")
    turn = call.dial_in()
    action, redirect = turn.gather.get("action"), turn.redirect
    assert action.startswith(PUBLIC + "/twilio/voice/gather?t=")
    assert redirect.startswith(PUBLIC + "/twilio/voice/gather?silence=1&t=")
    assert action.split("t=")[1] == redirect.split("t=")[1]
    assert call.stay_silent().gather.get("action") != action


def test_two_callers_hiding_their_number_never_share_a_conversation(app: Flask) -> None:
    """Twilio writes a withheld caller id as a placeholder number (+266696687, "ANONYMOUS" on
    a keypad): read as a number, every hidden caller would have shared one conversation."""
    first = caller(app, "+266696687")
    first.dial_in()
    first.status("completed")
    second = caller(app, "+266696687")  # after the first call ended: nothing to resume
    second.dial_in()
    assert state_of(app, first).conversation_id != state_of(app, second).conversation_id
