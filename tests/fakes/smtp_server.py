"""A minimal local SMTP server for tests, capturing what it receives (aiosmtpd is not installed).

It speaks the subset `smtplib` uses: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA (with
dot-unstuffing), RSET, NOOP, QUIT, with the usual sequence checks (503) and 502 for the rest.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

MAX_LINE = 65536


@dataclass(frozen=True)
class CapturedEmail:
    """One message as the relay got it: the envelope and the parsed content."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message: EmailMessage = field(repr=False)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        """The decoded text/plain part (quoted-printable and charset undone)."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


class _SmtpTcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FakeSmtpServer


class _SmtpHandler(socketserver.StreamRequestHandler):
    """One SMTP session per connection."""

    timeout = 10
    server: _SmtpTcpServer

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(line + "\r\n" for line in lines).encode("ascii"))
        self.wfile.flush()

    def handle(self) -> None:
        owner = self.server.owner
        self.reply("220 fake-smtp ESMTP ready")
        greeted = False
        mail_from: str | None = None
        rcpt_tos: list[str] = []
        while True:
            raw = self.rfile.readline(MAX_LINE)
            if not raw:
                return
            verb, _, argument = raw.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                greeted, mail_from, rcpt_tos = True, None, []
                self.reply("250-fake-smtp", "250-8BITMIME", "250 SMTPUTF8")
            elif verb == "HELO":
                greeted, mail_from, rcpt_tos = True, None, []
                self.reply("250 fake-smtp")
            elif verb == "MAIL":
                if not greeted:
                    self.reply("503 5.5.1 Error: send HELO/EHLO first")
                elif not argument.upper().startswith("FROM:"):
                    self.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
                else:
                    mail_from, rcpt_tos = _address(argument[5:]), []
                    self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 Error: need MAIL command")
                elif not argument.upper().startswith("TO:"):
                    self.reply("501 5.5.4 Syntax: RCPT TO:<address>")
                elif owner.is_rejected(_address(argument[3:])):
                    self.reply("550 5.1.1 Recipient address rejected: User unknown")
                else:
                    rcpt_tos.append(_address(argument[3:]))
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpt_tos or mail_from is None:
                    self.reply("503 5.5.1 Error: need RCPT command")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return
                owner.capture(mail_from, rcpt_tos, data)
                mail_from, rcpt_tos = None, []
                self.reply("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                mail_from, rcpt_tos = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def _read_data(self) -> bytes | None:
        """Lines up to the lone ".", with the transparency dot removed (RFC 5321 4.5.2)."""
        lines = []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return None  # client went away mid-message
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b".") else line)


def _address(argument: str) -> str:
    """`<a@b> SIZE=12` -> `a@b`."""
    argument = argument.strip()
    if argument.startswith("<"):
        return argument[1 : argument.find(">")] if ">" in argument else argument[1:]
    return argument.split(" ", 1)[0]


class FakeSmtpServer:
    """SMTP on 127.0.0.1 and a free port, in a background thread; a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._lock = threading.Lock()
        self._messages: list[CapturedEmail] = []
        self._rejected: set[str] = set()
        self._server: _SmtpTcpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeSmtpServer:
        self._server = _SmtpTcpServer((self.host, 0), _SmtpHandler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-smtp",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSmtpServer:  # noqa: PYI034  (Self is Python 3.11+)
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSmtpServer is not started")
        return int(self._server.server_address[1])

    @property
    def messages(self) -> list[CapturedEmail]:
        with self._lock:
            return list(self._messages)

    def messages_to(self, address: str) -> list[CapturedEmail]:
        wanted = address.casefold()
        return [m for m in self.messages if wanted in (r.casefold() for r in m.rcpt_tos)]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._rejected.clear()

    def reject(self, address: str) -> None:
        """RCPT TO this address gets 550 from now on (a relay refusing a recipient)."""
        with self._lock:
            self._rejected.add(address.casefold())

    def is_rejected(self, address: str) -> bool:
        with self._lock:
            return address.casefold() in self._rejected

    def capture(self, mail_from: str, rcpt_tos: list[str], data: bytes) -> None:
        # The wire uses CRLF; parse with LF like a mailbox would, so bodies compare as written.
        message = email.message_from_bytes(
            data.replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._messages.append(CapturedEmail(mail_from, tuple(rcpt_tos), data, message))
