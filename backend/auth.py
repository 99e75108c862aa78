"""Bearer tokens of the backend's callers: the operator (admin API) and the assistant (service).

The national service answers only its known clients. Here the assistant's action server is the
one client of the activation routes (`/v1/identity-checks`, `/v1/activations/…`,
`/v1/code-requests/…`): they need `Authorization: Bearer <BACKEND_SERVICE_TOKEN>`. Without it,
anyone reaching the backend could probe identities, read masked contacts, set credentials with
a leaked activation id, or open a card-verified activation with `…/activation` (which trusts the
caller to have checked a one-time code). The person's own login routes (`/v1/sessions`,
`…/verify`, `/v1/me`) stay public, as on the real site. An empty configured token refuses
everything: a route is off until its token is set.
"""

from __future__ import annotations

import hmac

from flask import request

from backend.context import backend
from backend.errors import ApiError


def bearer_token() -> str:
    """The token of an `Authorization: Bearer …` header, or "" when absent or of another kind."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def require_token(configured: str, name: str) -> None:
    """401 unless the request carries `configured` as its bearer token (constant-time)."""
    if not configured:
        raise unauthorized(f"disabled: {name} is not set")
    if not hmac.compare_digest(bearer_token().encode("utf-8"), configured.encode("utf-8")):
        raise unauthorized(f"missing or wrong {name}")


def require_admin_token() -> None:
    """`before_request` of the admin API."""
    require_token(backend().config.admin_token, "BACKEND_ADMIN_TOKEN")


def require_service_token() -> None:
    """`before_request` of the routes only the assistant's actions call."""
    require_token(backend().config.service_token, "BACKEND_SERVICE_TOKEN")
