"""Messaging tests use the session's real Redis (tests/conftest.py) and the local fakes."""

from tests.fakes.fixtures import fake_smtp, fake_twilio  # noqa: F401  (fixtures)
