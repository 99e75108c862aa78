"""The one-time code step: where the person stands with the code decides, and what sending
reports maps through its table (real Redis: codes, vault, outbox)."""

from __future__ import annotations

import uuid

from actions.flow import one_time_code
from actions.flow.base import Context
from actions.one_time_code_delivery import Delivery
from actions.runtime import runtime
from tests.actions.flow_fakes import REQUEST_CLEARED, events_of, flow_tracker, revealed, vault
from tests.support.aio import run_async
from tests.support.rendering import texts as said_by


def fresh_mobile() -> str:
    return "+336" + str(uuid.uuid4().int)[:8]


def pending(tracker, destination_ref=None):  # type: ignore[no-untyped-def]
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    ctx = Context(dispatcher, tracker, dict(tracker.slots))

    async def destination() -> str | None:
        return destination_ref

    step = run_async(one_time_code.pending(ctx, "new_code", destination, None))
    return step, said_by(dispatcher.messages, tracker.slots)


def test_a_code_typed_back_lets_the_stage_go_on() -> None:
    step, texts = pending(flow_tracker(otp_purpose="new_code", otp_code="verified"))
    assert step is None and texts == []


def test_a_code_locked_by_the_code_screen_hands_over_silently() -> None:
    step, texts = pending(flow_tracker(otp_purpose="new_code", otp_code="locked"))
    assert (step.events, step.route, texts) == ([], "handoff", [])


def test_a_code_already_sent_is_asked_for_again() -> None:
    t = flow_tracker(otp_purpose="new_code", otp_destination="secrettok0123456789abcdef")
    step, texts = pending(t)
    assert (step.events, step.route, texts) == ([], "otp", [])


def test_a_code_for_another_purpose_does_not_count() -> None:
    t = flow_tracker(otp_purpose="confirm_email", otp_code="verified")
    step, texts = pending(t, destination_ref=None)
    assert step.route == "new_code"  # a fresh code is due, and its destination is gone


def test_no_code_yet_sends_one_and_opens_the_code_screen() -> None:
    mobile = fresh_mobile()
    t = flow_tracker()
    ref = vault().put("tok", mobile, t.sender_id)
    step, texts = pending(t, destination_ref=ref)
    assert texts == []
    masked = "** ** ** *" + mobile[-3] + " " + mobile[-2:]
    assert events_of(step) == [
        ("otp_purpose", "new_code"),
        ("otp_destination", ref),
        ("otp_sent_to", f"par SMS au {masked}"),
        ("otp_channel", "sms"),
        ("otp_masked", masked),
        ("otp_code", None),
    ]
    assert step.route == "otp"
    outbox = runtime().messenger.outbox
    assert outbox is not None and len(outbox.list(to=mobile)) == 1


def test_an_expired_destination_starts_path_b_again() -> None:
    t = flow_tracker()
    step, texts = pending(t, destination_ref="secrettok0123456789abcdef")
    assert texts == ["Pour votre sécurité, votre session a expiré. Reprenons l'identification."]
    assert [name for name, _ in events_of(step)] == REQUEST_CLEARED
    assert all(value is None for _, value in events_of(step))
    assert step.route == "new_code"
    assert revealed("secrettok0123456789abcdef", t) is None


def test_the_delivery_table() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    cases = [
        (Delivery(False, problem="utter_otp_locked", locked=True), "locked"),
        (Delivery(False, problem="utter_otp_send_failed"), "not_sent"),
        (Delivery(True, "** ** ** *3 77", sends_left=2), "sent"),
    ]
    expected = {
        "locked": ([("handoff_reason", "otp_locked")], "handoff"),
        "not_sent": ([], "paused"),
        "sent": ([], "otp"),
    }
    for delivery, outcome in cases:
        assert one_time_code.delivery_outcome(delivery) == outcome
        dispatcher = CollectingDispatcher()
        ctx = Context(dispatcher, flow_tracker(), {})
        step = one_time_code.apply(ctx, one_time_code.DELIVERY[outcome], delivery)
        assert (events_of(step), step.route) == expected[outcome]
        said = [m["response"] for m in dispatcher.messages]
        assert said == ([delivery.problem] if delivery.problem else [])
        said_by(dispatcher.messages, {})  # every value filled (the handoff's reason too)
