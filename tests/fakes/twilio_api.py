"""A local fake of Twilio's REST Messages API, for tests only.

Twilio is a paid remote API, so tests point `TWILIO_API_BASE_URL` at this server and send with the
real `twilio` client: the request (URL, form fields, basic auth, headers) is the one production
would make. It answers like Twilio: 201 and a message resource, or Twilio's error JSON.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

API_VERSION = "2010-04-01"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
#: GSM 03.38 basic character set (1 septet each) and its extension table (2 septets each).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def count_segments(body: str) -> int:
    """How many SMS parts Twilio would bill: GSM-7 160/153 septets, else UCS-2 70/67 units."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in body):
        size, single, multi = sum(2 if ch in GSM_EXTENDED else 1 for ch in body), 160, 153
    else:
        size, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if size <= single else -(-size // multi)


def twilio_error(status: int, code: int, message: str) -> Response:
    """Twilio's error body, which `TwilioRestException` parses into `.code` and `.msg`."""
    payload = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Response(json.dumps(payload), status=status, mimetype="application/json")


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: test output stays readable."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class FakeTwilioApi:
    """Fake `https://api.twilio.com` on 127.0.0.1 and a free port, run in a background thread.

    Use as a context manager; `base_url` goes into `TWILIO_API_BASE_URL`. Only the account
    `account_sid` with `auth_token` is accepted (HTTP basic auth, 401 otherwise, like Twilio).
    """

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.account_sid = account_sid or new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.host = host
        self._lock = threading.Lock()
        self._messages: list[dict] = []
        self._requests: list[dict] = []
        self._failures: list[tuple[int, int, str]] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._url_map = Map(
            [
                Rule(
                    f"/{API_VERSION}/Accounts/<account_sid>/Messages.json",
                    methods=["POST"],
                    endpoint="create_message",
                )
            ]
        )

    # lifecycle
    def start(self) -> FakeTwilioApi:
        self._server = make_server(
            self.host, 0, self.wsgi_app, threaded=True, request_handler=_QuietRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits for one poll: keep teardown fast
            name="fake-twilio-api",
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

    def __enter__(self) -> FakeTwilioApi:  # noqa: PYI034  (Self is Python 3.11+)
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeTwilioApi is not started")
        return f"http://{self.host}:{self._server.server_port}"

    # what tests look at
    @property
    def messages(self) -> list[dict]:
        """Accepted messages, oldest first: sid, account_sid, to, from, body, status_callback."""
        with self._lock:
            return [dict(message) for message in self._messages]

    @property
    def requests(self) -> list[dict]:
        """Every request received (method, path, status, user_agent, auth_user), accepted or not."""
        with self._lock:
            return [dict(request) for request in self._requests]

    def messages_to(self, number: str) -> list[dict]:
        return [message for message in self.messages if message["to"] == number]

    def clear(self) -> None:
        """Forgets messages, requests and pending failures."""
        with self._lock:
            self._messages.clear()
            self._requests.clear()
            self._failures.clear()

    def fail_next(
        self,
        count: int = 1,
        status: int = 400,
        code: int = 21211,
        message: str = "The 'To' number is not a valid phone number.",
    ) -> None:
        """The next `count` authenticated requests get this Twilio error instead of a message."""
        with self._lock:
            self._failures.extend([(status, code, message)] * count)

    # the WSGI application
    def wsgi_app(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._dispatch(request)
        auth = request.authorization
        with self._lock:
            self._requests.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "user_agent": request.headers.get("User-Agent", ""),
                    "auth_user": auth.username if auth is not None else None,
                }
            )
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        auth = request.authorization
        if (
            auth is None
            or auth.type != "basic"
            or not secrets.compare_digest(auth.username or "", self.account_sid)
            or not secrets.compare_digest(auth.password or "", self.auth_token)
        ):
            response = twilio_error(401, 20003, "Authenticate")
            response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        try:
            _endpoint, arguments = self._url_map.bind_to_environ(request.environ).match()
        except MethodNotAllowed:
            return twilio_error(405, 20004, "Method not allowed")
        except (NotFound, HTTPException):
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        if arguments["account_sid"] != self.account_sid:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return twilio_error(*failure)
        return self._create_message(request)

    def _create_message(self, request: Request) -> Response:
        form = request.form
        to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not E164.match(to):
            return twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not from_:
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return twilio_error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return twilio_error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )

        sid = new_sid("SM")
        now = format_datetime(datetime.now(timezone.utc).replace(microsecond=0))
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"
        resource = {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(count_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": to,
            "uri": uri,
        }
        with self._lock:
            self._messages.append(
                {
                    "sid": sid,
                    "account_sid": self.account_sid,
                    "to": to,
                    "from": from_,
                    "body": body,
                    "status_callback": form.get("StatusCallback"),
                    "num_segments": count_segments(body),
                }
            )
        return Response(json.dumps(resource), status=201, mimetype="application/json")
