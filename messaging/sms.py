"""SMS through Twilio's Messages API, with the official `twilio` library (8.2.2, pinned by Rasa)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from messaging import MessagingError

#: Seconds before a Twilio API call is abandoned; the library has no timeout by default.
TWILIO_TIMEOUT_SECONDS = 10.0


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends every Twilio API request to `base_url` instead of https://<product>.twilio.com.

    Why an HTTP client and not `client.api.base_url = ...`: in twilio 8.2.2 each product domain
    (api, messaging, verify, lookups...) hard-codes its own `https://<product>.twilio.com` in a
    generated `*Base` class and is created lazily, so patching one domain's `base_url` leaves the
    others on the real Twilio and relies on internals. `Client(http_client=...)` is the library's
    public extension point, and the HTTP client receives the final URL (after the region/edge
    rewriting of `ClientBase.get_hostname`), so replacing scheme and host there covers every
    request. The path is kept (`/2010-04-01/Accounts/AC.../Messages.json`) and appended to the
    base URL's own path, if any.
    """

    def __init__(self, base_url: str, timeout: float | None = TWILIO_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"TWILIO_API_BASE_URL must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._base = parts

    def rewrite_url(self, url: str) -> str:
        """The same request path and query, on the configured scheme and host."""
        target = urlsplit(url)
        return urlunsplit(
            (
                self._base.scheme,
                self._base.netloc,
                self._base.path.rstrip("/") + target.path,
                target.query,
                "",
            )
        )

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return super().request(
            method,
            self.rewrite_url(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


class TwilioSmsSender:
    """Sends SMS with `client.messages.create`, turning every failure into `MessagingError`."""

    channel = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        api_base_url: str = "",
        status_callback: str | None = None,
        timeout: float = TWILIO_TIMEOUT_SECONDS,
    ) -> None:
        if not (account_sid and auth_token and from_number):
            raise MessagingError(
                "Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER"
            )
        http_client = (
            BaseUrlHttpClient(api_base_url, timeout=timeout)
            if api_base_url
            else TwilioHttpClient(timeout=timeout)
        )
        self.from_number = from_number
        self.status_callback = status_callback
        self.client = Client(account_sid, auth_token, http_client=http_client)

    def send_sms(self, to: str, body: str) -> str:
        """Queues the SMS at Twilio and returns its message SID (safe to log, unlike the body)."""
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        try:
            message = self.client.messages.create(to=to, from_=self.from_number, body=body, **extra)
        except TwilioRestException as exc:
            # exc.msg is Twilio's own text (e.g. "Invalid 'To' Phone Number"), never our body.
            raise MessagingError(
                f"Twilio refused the SMS: HTTP {exc.status}, code {exc.code}: {exc.msg}"
            ) from exc
        except requests.RequestException as exc:
            raise MessagingError(f"Twilio API unreachable: {type(exc).__name__}") from exc
        except TwilioException as exc:
            raise MessagingError(f"Twilio client error: {exc}") from exc
        except ValueError as exc:  # a 2xx answer that is not Twilio's JSON (wrong base URL?)
            raise MessagingError("Twilio API answered with something other than JSON") from exc
        return str(message.sid)
