"""Pytest fixtures for the local fakes: one fresh server per test, stopped afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.smtp_server import FakeSmtpServer
from tests.fakes.twilio_api import FakeTwilioApi


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilioApi]:
    """A fake Twilio REST API; pass `.base_url`, `.account_sid`, `.auth_token` to the settings."""
    with FakeTwilioApi() as api:
        yield api


@pytest.fixture
def fake_smtp() -> Iterator[FakeSmtpServer]:
    """A local SMTP relay; pass `.host` and `.port` to the settings."""
    with FakeSmtpServer() as server:
        yield server
