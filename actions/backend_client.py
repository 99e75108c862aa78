"""Typed client of the activation backend (docs/ARCHITECTURE.md), used by the actions.

One `requests.Session` keeps connections open between turns and sends the service token
(`BACKEND_SERVICE_TOKEN`) the backend requires on the activation routes (backend/auth.py). Every refusal becomes a
`BackendError` carrying the backend's machine-readable code; a network failure or a 5xx becomes
`BackendUnavailable`, so the dialogue can apologise and keep what was collected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests


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
    def __init__(self, base_url: str, timeout: float = 8.0, service_token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        if service_token:
            self.session.headers["Authorization"] = f"Bearer {service_token}"

    def _call(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        try:
            response = self.session.request(
                method, self.base_url + path, json=body, timeout=self.timeout
            )
        except requests.RequestException as error:
            # Only the type: requests' messages carry the URL, and paths carry activation tokens.
            raise BackendUnavailable(type(error).__name__) from None
        if response.status_code >= 500:
            raise BackendUnavailable(f"backend answered {response.status_code}")
        try:
            payload = response.json() if response.content else {}
        except ValueError as error:
            raise BackendUnavailable("backend answered something that is not JSON") from error
        if 200 <= response.status_code < 300:
            return payload
        raise BackendError(
            status=response.status_code,
            code=str(payload.get("error", "unknown_error")),
            details=payload.get("details") or {},
        )

    def healthy(self) -> bool:
        try:
            return self.session.get(self.base_url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def check_identity(self, nir: str, provisional_code: str) -> IdentityOk:
        data = self._call(
            "POST", "/v1/identity-checks", {"nir": nir, "provisional_code": provisional_code}
        )
        return IdentityOk(data["activation_id"], data.get("first_name") or "", data["status"])

    def request_new_code(
        self, nir: str, birth_date: str, card_type: str, card_serial: str
    ) -> CodeRequest:
        data = self._call(
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

    def activation_after_check(self, request_id: str) -> IdentityOk:
        """A new provisional code is issued and the card counts as verified (path B)."""
        data = self._call("POST", f"/v1/code-requests/{request_id}/activation")
        return IdentityOk(data["activation_id"], data.get("first_name") or "", data["status"])

    def check_card(self, activation_id: str, card_type: str, card_serial: str) -> None:
        self._call(
            "POST",
            f"/v1/activations/{activation_id}/card",
            {"card_type": card_type, "card_serial": card_serial},
        )

    def decide(self, activation_id: str, decision: str, consent: bool) -> str:
        data = self._call(
            "POST",
            f"/v1/activations/{activation_id}/decision",
            {"decision": decision, "accept_cgu": consent, "accept_privacy": consent},
        )
        return str(data.get("status", ""))

    def contact(self, activation_id: str) -> Contact:
        data = self._call("GET", f"/v1/activations/{activation_id}/contact")
        return Contact(data.get("email_masked"), data.get("mobile_masked"))

    def update_contact(
        self, activation_id: str, email: str | None = None, mobile: str | None = None
    ) -> Contact:
        body = {key: value for key, value in (("email", email), ("mobile", mobile)) if value}
        data = self._call("PUT", f"/v1/activations/{activation_id}/contact", body)
        return Contact(data.get("email_masked"), data.get("mobile_masked"))

    def check_identifier(self, activation_id: str, identifier: str) -> None:
        self._call(
            "POST", f"/v1/activations/{activation_id}/identifier-check", {"identifier": identifier}
        )

    def set_credentials(self, activation_id: str, identifier: str, password: str) -> str:
        data = self._call(
            "POST",
            f"/v1/activations/{activation_id}/credentials",
            {"identifier": identifier, "password": password},
        )
        return str(data.get("status", ""))
