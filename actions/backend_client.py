"""Typed client of the activation backend (docs/ARCHITECTURE.md), used by the actions.

The actions run on the action server's one event loop, so the client is asynchronous: one
`aiohttp.ClientSession` per action-server process (opened on startup, closed on shutdown,
`actions/runtime.py`) keeps up to `POOL_SIZE` connections open between turns, so that as many
conversations can wait on the backend at once without holding each other up. It sends the
service token (`BACKEND_SERVICE_TOKEN`) the backend requires on the activation routes
(backend/auth.py). Every refusal becomes a `BackendError` carrying the backend's machine-readable
code; a network failure, a timeout or a 5xx becomes `BackendUnavailable`, so the dialogue can
apologise and keep what was collected.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

#: Connections kept to the backend: the most conversations waiting on it at once (Rasa sends
#: the action server as many calls as it has conversations in flight); more wait for one.
POOL_SIZE = 64


class BackendUnavailable(Exception):
    """The backend did not answer, or answered 5xx: try again later, nothing was decided."""


@dataclass
class BackendError(Exception):
    """A 4xx refusal with the backend's error code (e.g. `identity_mismatch`)."""

    status: int
    code: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}"


@dataclass(frozen=True)
class IdentityOk:
    activation_id: str
    first_name: str
    status: str


@dataclass(frozen=True)
class CodeRequest:
    """Path B: the person is known; a one-time code to `mobile` proves they hold it."""

    request_id: str
    mobile: str
    mobile_masked: str


@dataclass(frozen=True)
class Contact:
    email_masked: str | None
    mobile_masked: str | None


class BackendClient:
    """The backend's routes as typed coroutines. `timeout` bounds connecting and each wait for
    the answer's bytes (as `requests`' timeout did); `start` opens the session (done by the
    first call when nobody did), `close` ends it."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 8.0,
        service_token: str = "",
        pool_size: int = POOL_SIZE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.pool_size = pool_size
        self._headers = {"Authorization": f"Bearer {service_token}"} if service_token else {}
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Opens the session on the running event loop (the action server's startup)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.timeout, sock_read=self.timeout
                ),
                headers=self._headers,
            )

    async def close(self) -> None:
        """Closes the session and its connections (the action server's shutdown)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _session_open(self) -> aiohttp.ClientSession:
        await self.start()
        assert self._session is not None
        return self._session

    async def _call(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        session = await self._session_open()
        try:
            async with session.request(method, self.base_url + path, json=body) as response:
                status, content = response.status, await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            # Only the type: aiohttp's messages carry the URL, and paths carry activation tokens.
            raise BackendUnavailable(type(error).__name__) from None
        if status >= 500:
            raise BackendUnavailable(f"backend answered {status}")
        try:
            payload = json.loads(content) if content else {}
        except ValueError as error:
            raise BackendUnavailable("backend answered something that is not JSON") from error
        if 200 <= status < 300:
            return payload
        raise BackendError(
            status=status,
            code=str(payload.get("error", "unknown_error")),
            details=payload.get("details") or {},
        )

    async def healthy(self) -> bool:
        session = await self._session_open()
        try:
            async with session.get(
                self.base_url + "/healthz", timeout=aiohttp.ClientTimeout(total=2)
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def check_identity(self, nir: str, provisional_code: str) -> IdentityOk:
        data = await self._call(
            "POST", "/v1/identity-checks", {"nir": nir, "provisional_code": provisional_code}
        )
        return IdentityOk(data["activation_id"], data.get("first_name") or "", data["status"])

    async def request_new_code(
        self, nir: str, birth_date: str, card_type: str, card_serial: str
    ) -> CodeRequest:
        data = await self._call(
            "POST",
            "/v1/code-requests",
            {
                "nir": nir,
                "birth_date": birth_date,
                "card_type": card_type,
                "card_serial": card_serial,
            },
        )
        return CodeRequest(data["request_id"], data["mobile"], data["mobile_masked"])

    async def activation_after_check(self, request_id: str) -> IdentityOk:
        """A new provisional code is issued and the card counts as verified (path B)."""
        data = await self._call("POST", f"/v1/code-requests/{request_id}/activation")
        return IdentityOk(data["activation_id"], data.get("first_name") or "", data["status"])

    async def check_card(self, activation_id: str, card_type: str, card_serial: str) -> None:
        await self._call(
            "POST",
            f"/v1/activations/{activation_id}/card",
            {"card_type": card_type, "card_serial": card_serial},
        )

    async def decide(self, activation_id: str, decision: str, consent: bool) -> str:
        data = await self._call(
            "POST",
            f"/v1/activations/{activation_id}/decision",
            {"decision": decision, "accept_cgu": consent, "accept_privacy": consent},
        )
        return str(data.get("status", ""))

    async def contact(self, activation_id: str) -> Contact:
        data = await self._call("GET", f"/v1/activations/{activation_id}/contact")
        return Contact(data.get("email_masked"), data.get("mobile_masked"))

    async def update_contact(
        self, activation_id: str, email: str | None = None, mobile: str | None = None
    ) -> Contact:
        body = {key: value for key, value in (("email", email), ("mobile", mobile)) if value}
        data = await self._call("PUT", f"/v1/activations/{activation_id}/contact", body)
        return Contact(data.get("email_masked"), data.get("mobile_masked"))

    async def check_identifier(self, activation_id: str, identifier: str) -> None:
        await self._call(
            "POST", f"/v1/activations/{activation_id}/identifier-check", {"identifier": identifier}
        )

    async def set_credentials(self, activation_id: str, identifier: str, password: str) -> str:
        data = await self._call(
            "POST",
            f"/v1/activations/{activation_id}/credentials",
            {"identifier": identifier, "password": password},
        )
        return str(data.get("status", ""))
