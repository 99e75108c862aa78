"""E-mail by SMTP (plain text, UTF-8). Named `email_sender` so that it never shadows `email`."""

from __future__ import annotations

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from messaging import MessagingError

#: Seconds for connecting and for each SMTP command; a stuck relay must not hang a request.
SMTP_TIMEOUT_SECONDS = 10.0


class SmtpEmailSender:
    """Hands each e-mail to one SMTP relay (no auth, no TLS: the relay is local or trusted)."""

    channel = "smtp"

    def __init__(
        self, host: str, port: int, from_addr: str, timeout: float = SMTP_TIMEOUT_SECONDS
    ) -> None:
        self.host = host
        self.port = port
        self.from_addr = from_addr
        self.timeout = timeout

    def build_message(self, to: str, subject: str, body: str) -> EmailMessage:
        """A plain-text message; quoted-printable keeps the wire ASCII even without 8BITMIME."""
        message = EmailMessage()
        message["From"] = self.from_addr
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=self._sender_domain())
        message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
        return message

    def send_email(self, to: str, subject: str, body: str) -> str:
        """Sends the e-mail and returns its Message-ID (safe to log, unlike the body)."""
        message = self.build_message(to, subject, body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except smtplib.SMTPException as exc:
            # Only the class and SMTP code: relays echo the recipient address in their text.
            raise MessagingError(
                f"SMTP relay refused the e-mail: {type(exc).__name__} {_smtp_code(exc)}".rstrip()
            ) from exc
        except OSError as exc:  # refused connection, DNS failure, timeout
            raise MessagingError(
                f"SMTP relay {self.host}:{self.port} unreachable: {type(exc).__name__}"
            ) from exc
        return str(message["Message-ID"])

    def _sender_domain(self) -> str:
        """The From domain: Message-IDs then neither leak the hostname nor wait on getfqdn()."""
        _, address = parseaddr(self.from_addr)
        try:
            return Address(addr_spec=address).domain or "localhost"
        except (ValueError, IndexError):
            return "localhost"


def _smtp_code(exc: smtplib.SMTPException) -> str:
    """The SMTP reply code(s) of a refusal, e.g. "550", or "" when there is none."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return ",".join(str(code) for code, _ in exc.recipients.values())
    return str(getattr(exc, "smtp_code", ""))
