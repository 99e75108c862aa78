"""E-mail through smtplib to the local SMTP fake."""

from __future__ import annotations

import pytest

from messaging import MessagingError
from messaging.email_sender import SmtpEmailSender
from tests.fakes import free_port
from tests.fakes.smtp_server import FakeSmtpServer

FROM = "Mon espace santé <ne-pas-repondre@monespacesante.invalid>"
TO = "jeanne.dupont@example.fr"
SUBJECT = "Votre code d'accès à Mon espace santé"
BODY = "Bonjour,\n\nVotre code de connexion est 493817.\nIl expire dans 15 minutes.\n"


def sender_for(server: FakeSmtpServer) -> SmtpEmailSender:
    return SmtpEmailSender(server.host, server.port, FROM)


def test_email_reaches_the_relay_as_utf8_plain_text(fake_smtp: FakeSmtpServer) -> None:
    message_id = sender_for(fake_smtp).send_email(TO, SUBJECT, BODY)

    [captured] = fake_smtp.messages
    assert captured.mail_from == "ne-pas-repondre@monespacesante.invalid"
    assert captured.rcpt_tos == (TO,)
    assert captured.subject == SUBJECT
    assert captured.body == BODY
    assert str(captured.message["From"]) == FROM
    assert str(captured.message["To"]) == TO
    assert captured.message["Message-ID"] == message_id
    assert message_id.endswith("@monespacesante.invalid>")
    assert captured.message.get_content_type() == "text/plain"
    assert captured.message.get_content_charset() == "utf-8"
    # Quoted-printable and RFC 2047 headers: plain ASCII on the wire, no 8BITMIME needed.
    captured.data.decode("ascii")
    assert fake_smtp.messages_to(TO.upper()) == [captured]


def test_lines_starting_with_a_dot_survive_smtp_transparency(fake_smtp: FakeSmtpServer) -> None:
    body = "Code :\n.493817\n..\n.\nFin.\n"

    sender_for(fake_smtp).send_email(TO, "Points", body)

    assert fake_smtp.messages[0].body == body


def test_refused_recipient_becomes_messaging_error_without_the_address(
    fake_smtp: FakeSmtpServer,
) -> None:
    fake_smtp.reject(TO)

    with pytest.raises(MessagingError, match="SMTPRecipientsRefused 550") as excinfo:
        sender_for(fake_smtp).send_email(TO, SUBJECT, BODY)

    assert TO not in str(excinfo.value)
    assert "493817" not in str(excinfo.value)
    assert fake_smtp.messages == []


def test_unreachable_relay_becomes_messaging_error() -> None:
    sender = SmtpEmailSender("127.0.0.1", free_port(), FROM, timeout=2)

    with pytest.raises(MessagingError, match="unreachable: ConnectionRefusedError"):
        sender.send_email(TO, SUBJECT, BODY)
