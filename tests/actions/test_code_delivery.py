"""Sending a one-time code from the actions (actions/one_time_code_delivery.py): the send goes
through the shared, blocking messenger (awaited in a worker thread); when the channel refuses
it, the person is told to retry and the code just issued is destroyed."""

from __future__ import annotations

import uuid

import pytest

from actions.one_time_code_delivery import send_one_time_code
from actions.runtime import AwaitedMessenger, runtime
from messaging import Messenger
from messaging.email_sender import SmtpEmailSender
from tests.fakes import free_port
from tests.support.aio import run_async


def test_a_refused_send_says_so_and_destroys_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    conversation = f"delivery-{uuid.uuid4().hex}"
    shared = runtime().messenger.blocking
    assert shared.outbox is not None
    nowhere = SmtpEmailSender("127.0.0.1", free_port(), "assistant@example.fr", timeout=5)
    monkeypatch.setattr(
        runtime(), "messenger", AwaitedMessenger(Messenger(shared.outbox, nowhere, shared.outbox))
    )
    delivery = run_async(send_one_time_code("confirm_email", conversation, "jeanne@example.fr"))
    assert (delivery.sent, delivery.problem, delivery.locked) == (
        False,
        "utter_otp_send_failed",
        False,
    )
    # Whatever code was issued is gone: no guess can match it, and it costs no try.
    result = run_async(runtime().codes.verify("confirm_email", conversation, "123456"))
    assert result.outcome == "unknown"


def test_a_code_sent_by_sms_lands_in_the_outbox_once() -> None:
    conversation = f"delivery-{uuid.uuid4().hex}"
    mobile = "+3361" + str(uuid.uuid4().int)[:7]
    delivery = run_async(send_one_time_code("confirm_mobile", conversation, mobile))
    assert delivery.sent and delivery.sends_left == 4
    outbox = runtime().messenger.outbox
    assert outbox is not None and len(outbox.list(to=mobile)) == 1
