"""`Messenger.from_settings` picks each channel from the settings, and logs without bodies."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import redis

import messaging
from bot.settings import Settings, load_settings
from messaging import MessagingError, Messenger, Outbox
from messaging.email_sender import SmtpEmailSender
from messaging.messenger import mask_recipient
from messaging.sms import TwilioSmsSender
from tests.fakes import FakeSmtpServer, FakeTwilioApi

CODE = "493817"
MOBILE = "+33612345678"
EMAIL = "jeanne.dupont@example.fr"
FROM_NUMBER = "+33700000001"


@pytest.fixture
def environment(tmp_path: Path, redis_url: str) -> dict[str, str]:
    """An explicit environment: no `.env` from the developer's checkout leaks in."""
    return {
        "DOTENV_PATH": str(tmp_path / "no-such.env"),
        "REDIS_URL": redis_url,
        "VAULT_KEY": "messenger-test-vault-key",
    }


def twilio_environment(api: FakeTwilioApi) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": api.account_sid,
        "TWILIO_AUTH_TOKEN": api.auth_token,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": api.base_url,
    }


def smtp_environment(server: FakeSmtpServer) -> dict[str, str]:
    return {"SMTP_HOST": server.host, "SMTP_PORT": str(server.port)}


def build(env: dict[str, str], client: redis.Redis) -> tuple[Settings, Messenger]:
    settings = load_settings(env)
    return settings, Messenger.from_settings(settings, client)


def test_package_exports() -> None:
    assert messaging.Messenger is Messenger
    assert messaging.Outbox is Outbox
    assert issubclass(messaging.MessagingError, Exception)


def test_nothing_configured_sends_both_channels_to_the_outbox(
    environment: dict[str, str], redis_client: redis.Redis
) -> None:
    _, messenger = build(environment, redis_client)

    messenger.send_sms(MOBILE, f"Code : {CODE}")
    messenger.send_email(EMAIL, "Votre code", f"Code : {CODE}")

    assert isinstance(messenger.outbox, Outbox)
    assert messenger.sms_sender is messenger.outbox
    assert messenger.email_sender is messenger.outbox
    [sms] = messenger.outbox.list(MOBILE)
    assert (sms["body"], sms["subject"]) == (f"Code : {CODE}", None)
    [mail] = messenger.outbox.list(EMAIL)
    assert (mail["body"], mail["subject"]) == (f"Code : {CODE}", "Votre code")


def test_twilio_and_smtp_configured_use_no_outbox(
    environment: dict[str, str],
    redis_client: redis.Redis,
    fake_twilio: FakeTwilioApi,
    fake_smtp: FakeSmtpServer,
) -> None:
    env = {**environment, **twilio_environment(fake_twilio), **smtp_environment(fake_smtp)}
    _, messenger = build(env, redis_client)

    messenger.send_sms(MOBILE, f"Code : {CODE}")
    messenger.send_email(EMAIL, "Votre code", f"Code : {CODE}\n")

    assert messenger.outbox is None
    assert isinstance(messenger.sms_sender, TwilioSmsSender)
    assert isinstance(messenger.email_sender, SmtpEmailSender)
    [sms] = fake_twilio.messages_to(MOBILE)
    assert (sms["from"], sms["body"]) == (FROM_NUMBER, f"Code : {CODE}")
    [mail] = fake_smtp.messages_to(EMAIL)
    assert (mail.subject, mail.body) == ("Votre code", f"Code : {CODE}\n")
    assert redis_client.keys("*") == []


def test_twilio_only_sends_emails_to_the_outbox(
    environment: dict[str, str], redis_client: redis.Redis, fake_twilio: FakeTwilioApi
) -> None:
    _, messenger = build({**environment, **twilio_environment(fake_twilio)}, redis_client)

    messenger.send_sms(MOBILE, "sms")
    messenger.send_email(EMAIL, "Sujet", "courriel")

    assert isinstance(messenger.sms_sender, TwilioSmsSender)
    assert messenger.outbox is not None and messenger.email_sender is messenger.outbox
    assert [m["body"] for m in fake_twilio.messages] == ["sms"]
    assert [m["body"] for m in messenger.outbox.list()] == ["courriel"]


def test_smtp_only_sends_sms_to_the_outbox(
    environment: dict[str, str], redis_client: redis.Redis, fake_smtp: FakeSmtpServer
) -> None:
    _, messenger = build({**environment, **smtp_environment(fake_smtp)}, redis_client)

    messenger.send_sms(MOBILE, "sms")
    messenger.send_email(EMAIL, "Sujet", "courriel\n")

    assert isinstance(messenger.email_sender, SmtpEmailSender)
    assert messenger.outbox is not None and messenger.sms_sender is messenger.outbox
    assert [m.body for m in fake_smtp.messages] == ["courriel\n"]
    assert [m["body"] for m in messenger.outbox.list()] == ["sms"]


def test_account_sid_without_from_number_is_not_twilio(
    environment: dict[str, str], redis_client: redis.Redis, fake_twilio: FakeTwilioApi
) -> None:
    env = {**environment, **twilio_environment(fake_twilio), "TWILIO_FROM_NUMBER": ""}
    _, messenger = build(env, redis_client)

    messenger.send_sms(MOBILE, "sms")

    assert messenger.sms_sender is messenger.outbox
    assert fake_twilio.requests == []


@pytest.mark.parametrize(
    ("public_base_url", "expected"),
    [
        ("https://assistant.example.org", "https://assistant.example.org/twilio/sms/status"),
        ("http://localhost:5000", None),
        ("http://127.0.0.1:5000", None),
    ],
)
def test_status_callback_only_when_twilio_can_reach_it(
    environment: dict[str, str],
    redis_client: redis.Redis,
    fake_twilio: FakeTwilioApi,
    public_base_url: str,
    expected: str | None,
) -> None:
    env = {**environment, **twilio_environment(fake_twilio), "PUBLIC_BASE_URL": public_base_url}
    _, messenger = build(env, redis_client)

    messenger.send_sms(MOBILE, "sms")

    assert fake_twilio.messages[0]["status_callback"] == expected


def test_twilio_failure_propagates_as_messaging_error(
    environment: dict[str, str], redis_client: redis.Redis, fake_twilio: FakeTwilioApi
) -> None:
    _, messenger = build({**environment, **twilio_environment(fake_twilio)}, redis_client)
    fake_twilio.fail_next(status=400, code=21211)

    with pytest.raises(MessagingError):
        messenger.send_sms(MOBILE, f"Code : {CODE}")


def test_log_lines_mask_the_recipient_and_omit_the_body(
    environment: dict[str, str],
    redis_client: redis.Redis,
    fake_twilio: FakeTwilioApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, messenger = build({**environment, **twilio_environment(fake_twilio)}, redis_client)
    caplog.set_level(logging.INFO, logger="messaging")

    messenger.send_sms(MOBILE, f"Code : {CODE}")
    messenger.send_email(EMAIL, "Votre code", f"Code : {CODE}")

    lines = [r.getMessage() for r in caplog.records if r.name == "messaging.messenger"]
    sid = fake_twilio.messages[0]["sid"]
    assert lines == [
        f"sms sent via twilio to +*********78 (13 chars) id={sid}",
        "email sent via outbox to j***@*** (13 chars)",
    ]
    for record in caplog.records:
        assert CODE not in record.getMessage()
        assert "12345678" not in record.getMessage()
        assert "dupont" not in record.getMessage()


@pytest.mark.parametrize(
    ("recipient", "masked"),
    [
        ("+33612345678", "+*********78"),
        ("06 12 34 56 78", "** ** ** ** 78"),
        ("jeanne.dupont@example.fr", "j***@***"),
        ("", ""),
    ],
)
def test_mask_recipient(recipient: str, masked: str) -> None:
    assert mask_recipient(recipient) == masked
