"""SMS through the real `twilio` client, sent to the local fake of Twilio's REST API."""

from __future__ import annotations

import re

import pytest
import twilio

from messaging import MessagingError
from messaging.sms import BaseUrlHttpClient, TwilioSmsSender
from tests.fakes import free_port
from tests.fakes.twilio_api import FakeTwilioApi, count_segments

FROM = "+33700000001"
TO = "+33612345678"
BODY = "Votre code de connexion est 493817. Il expire dans 15 minutes."


def sender_for(api: FakeTwilioApi, **kwargs: object) -> TwilioSmsSender:
    return TwilioSmsSender(
        api.account_sid, api.auth_token, FROM, api_base_url=api.base_url, **kwargs
    )


def test_sms_reaches_the_fake_api_with_fields_and_basic_auth(fake_twilio: FakeTwilioApi) -> None:
    callback = "https://assistant.example.org/twilio/sms/status"

    sid = sender_for(fake_twilio, status_callback=callback).send_sms(TO, BODY)

    assert re.fullmatch(r"SM[0-9a-f]{32}", sid)
    [message] = fake_twilio.messages
    assert message["sid"] == sid
    assert (message["to"], message["from"], message["body"]) == (TO, FROM, BODY)
    assert message["status_callback"] == callback
    assert message["account_sid"] == fake_twilio.account_sid
    [request] = fake_twilio.requests
    assert request["method"] == "POST"
    assert request["path"] == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert request["status"] == 201
    assert request["auth_user"] == fake_twilio.account_sid
    assert request["user_agent"].startswith(f"twilio-python/{twilio.__version__}")
    assert fake_twilio.messages_to(TO) == [message]
    assert fake_twilio.messages_to("+33600000000") == []


def test_no_status_callback_field_when_none_is_configured(fake_twilio: FakeTwilioApi) -> None:
    sender_for(fake_twilio).send_sms(TO, BODY)

    assert fake_twilio.messages[0]["status_callback"] is None


def test_french_accents_survive_the_round_trip(fake_twilio: FakeTwilioApi) -> None:
    body = "Bonjour, votre espace santé est activé. Conservez précieusement vos accès : ça compte."

    sender_for(fake_twilio).send_sms(TO, body)

    assert fake_twilio.messages[0]["body"] == body


def test_wrong_auth_token_is_refused_with_401(fake_twilio: FakeTwilioApi) -> None:
    sender = TwilioSmsSender(
        fake_twilio.account_sid, "not-the-token", FROM, api_base_url=fake_twilio.base_url
    )

    with pytest.raises(MessagingError, match="HTTP 401, code 20003"):
        sender.send_sms(TO, BODY)

    assert fake_twilio.messages == []
    assert fake_twilio.requests[0]["status"] == 401


def test_twilio_error_becomes_messaging_error_without_the_body(
    fake_twilio: FakeTwilioApi,
) -> None:
    fake_twilio.fail_next(1, status=400, code=21211)
    sender = sender_for(fake_twilio)

    with pytest.raises(MessagingError, match="HTTP 400, code 21211") as excinfo:
        sender.send_sms(TO, BODY)

    assert "493817" not in str(excinfo.value)
    assert fake_twilio.messages == []
    # Only the next request failed: the following one goes through.
    sender.send_sms(TO, BODY)
    assert len(fake_twilio.messages) == 1


def test_server_error_becomes_messaging_error(fake_twilio: FakeTwilioApi) -> None:
    fake_twilio.fail_next(2, status=500, code=20500, message="Internal Server Error")
    sender = sender_for(fake_twilio)

    for _ in range(2):
        with pytest.raises(MessagingError, match="HTTP 500, code 20500"):
            sender.send_sms(TO, BODY)
    assert fake_twilio.messages == []


def test_invalid_number_is_refused_like_twilio(fake_twilio: FakeTwilioApi) -> None:
    with pytest.raises(MessagingError, match="code 21211"):
        sender_for(fake_twilio).send_sms("0612345678", BODY)


def test_unreachable_api_becomes_messaging_error() -> None:
    sender = TwilioSmsSender(
        "AC" + "0" * 32, "token", FROM, api_base_url=f"http://127.0.0.1:{free_port()}"
    )

    with pytest.raises(MessagingError, match="unreachable: ConnectionError"):
        sender.send_sms(TO, BODY)


def test_missing_credentials_are_refused_at_construction() -> None:
    with pytest.raises(MessagingError, match="TWILIO_AUTH_TOKEN"):
        TwilioSmsSender("AC" + "0" * 32, "", FROM)


def test_base_url_client_keeps_path_and_query_on_the_configured_host() -> None:
    client = BaseUrlHttpClient("http://127.0.0.1:8099/fake-twilio/")

    assert (
        client.rewrite_url("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?a=1")
        == "http://127.0.0.1:8099/fake-twilio/2010-04-01/Accounts/AC1/Messages.json?a=1"
    )
    # Region and edge hosts (rewritten by the library before the HTTP client) too.
    assert (
        client.rewrite_url("https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json")
        == "http://127.0.0.1:8099/fake-twilio/2010-04-01/Accounts.json"
    )


@pytest.mark.parametrize("base_url", ["127.0.0.1:8099", "ftp://example.org", "http://"])
def test_base_url_must_be_an_http_url(base_url: str) -> None:
    with pytest.raises(ValueError, match="TWILIO_API_BASE_URL"):
        BaseUrlHttpClient(base_url)


def test_fake_counts_segments_like_twilio() -> None:
    assert count_segments("a" * 160) == 1
    assert count_segments("a" * 161) == 2
    assert count_segments("é" * 160) == 1  # é is in the GSM-7 alphabet
    assert count_segments("ê" * 70) == 1  # ê is not: UCS-2, 70 per part
    assert count_segments("ê" * 71) == 2
