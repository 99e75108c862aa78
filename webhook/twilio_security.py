"""`X-Twilio-Signature` check for every Twilio webhook (403 otherwise, and nothing else runs).

The URL signed by Twilio is the public one it called: PUBLIC_BASE_URL + path (+ query),
never the Host header, which a proxy or an attacker controls.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import abort, request
from twilio.request_validator import RequestValidator

from webhook.services import services

logger = logging.getLogger(__name__)


def signed_url() -> str:
    query = request.query_string.decode("latin-1")
    return services().settings.public_base_url + request.path + (f"?{query}" if query else "")


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = services().settings.twilio_auth_token
        signature = request.headers.get("X-Twilio-Signature", "")
        if not token or not signature:
            abort(403)
        params = request.form.to_dict(flat=True)
        if not RequestValidator(token).validate(signed_url(), params, signature):
            logger.warning("refused a Twilio request with a bad signature on %s", request.path)
            abort(403)
        return view(*args, **kwargs)

    return wrapper
