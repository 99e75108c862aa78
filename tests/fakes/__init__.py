"""Local fakes of the paid remote services (Twilio's REST API, an SMTP relay), for tests only.

Fixtures `fake_twilio` and `fake_smtp` live in `tests.fakes.fixtures`; import them into a
conftest.py (`from tests.fakes.fixtures import fake_smtp, fake_twilio  # noqa: F401`) or list
`tests.fakes.fixtures` in the root conftest's `pytest_plugins`.
"""

import socket

from tests.fakes.smtp_server import CapturedEmail, FakeSmtpServer
from tests.fakes.twilio_api import FakeTwilioApi

__all__ = ["CapturedEmail", "FakeSmtpServer", "FakeTwilioApi", "free_port"]


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it): for local servers, or to fail."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
