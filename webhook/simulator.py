"""The local simulator at `/`: text the assistant from a phone-like page, see the outbox beside it.

It exists only in local mode (no Twilio account configured, CONTRACT.md), where nothing can reach
a real phone, and only for loopback clients: outbound SMS and e-mails land in the outbox, and this
page is how a newcomer reads them. With a Twilio account, every simulator route is 404 whatever
the SMTP settings (e-mails without SMTP still go to the encrypted outbox, but it is read on the
server only: `flask --app webhook outbox show`). A message typed here takes the same road as a
Twilio SMS (`run_sms_turn`) minus the signature, so exposing it would let anyone write into a
person's conversation from their number: hence both conditions, checked on every route.
Its call mode (`POST /simulator/api/call`) drives the phone face's own `VoiceCall`, the same
object the Twilio Voice routes use: the page's keypad stands for `Digits`, its text box for
`SpeechResult`, and it shows (and speaks) the `VoiceReply` as JSON instead of TwiML.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot.sms_text import segments, to_gsm7
from webhook.services import services
from webhook.sms import normalise_address, run_sms_turn

blueprint = Blueprint("simulator", __name__)

#: Headers a reverse proxy adds: a request relayed by one came from elsewhere, whatever its peer.
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def local_mode() -> bool:
    """No Twilio account configured (an outbox alone, Twilio without SMTP, is not local mode)."""
    return services().settings.local_mode


def from_loopback() -> bool:
    """The client is this machine: its address (the proxy's client when `TRUSTED_PROXIES` is
    set, through ProxyFix) is loopback, and no untrusted proxy relayed the request."""
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    trusted = services().settings.trusted_proxies
    relayed = not trusted and any(request.headers.get(name) for name in FORWARDING_HEADERS)
    return loopback and not relayed


def simulator_available() -> bool:
    return local_mode() and from_loopback()


def local_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """404, as if the route did not exist, outside local mode or for a client not on loopback."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not simulator_available():
            abort(404)
        return view(*args, **kwargs)

    return wrapper


@blueprint.get("/")
def index():  # type: ignore[no-untyped-def]
    if not simulator_available():
        return render_template("status.html")
    return render_template("simulator.html")


@blueprint.post("/simulator/api/sms")
@local_only
def simulate_sms():  # type: ignore[no-untyped-def]
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return jsonify(error="invalid_request", message="JSON {from, text} attendu."), 400
    address = normalise_address(str(payload.get("from") or "+33600000000"))
    replies = run_sms_turn(address, payload["text"])
    body = to_gsm7("\n".join(replies)) if replies else ""
    return jsonify(replies=[body] if body else [], segments=segments(body) if body else 0)


CALL_ACTIONS = ("start", "answer", "silence", "dialed", "hangup")
_KEYS = re.compile(r"[0-9*#]{0,64}")
MAX_SPEECH = 500


@blueprint.post("/simulator/api/call")
@local_only
def simulate_call():  # type: ignore[no-untyped-def]
    """One event of a simulated call: `{"from", "action", "digits"?, "speech"?, "status"?}`
    → the `VoiceReply` as JSON (`lines`, `listen`, `dial`, `hangup`)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or payload.get("action") not in CALL_ACTIONS:
        message = "JSON {from, action: " + "|".join(CALL_ACTIONS) + "} attendu."
        return jsonify(error="invalid_request", message=message), 400
    digits, speech = payload.get("digits") or "", payload.get("speech") or ""
    if not (isinstance(digits, str) and _KEYS.fullmatch(digits)):
        return jsonify(error="invalid_request", message="digits : touches 0-9, * et #."), 400
    if not isinstance(speech, str) or len(speech) > MAX_SPEECH:
        return jsonify(error="invalid_request", message="speech : texte trop long."), 400
    address = normalise_address(str(payload.get("from") or "+33600000000"))
    call = current_app.extensions["voice"].call
    action = payload["action"]
    if action == "hangup":
        call.ended(address)  # the number's conversation may be resumed by the next call
        return jsonify(lines=[], listen=None, dial=None, redirect=None, hangup=True)
    if action == "start":
        reply = call.start(address, "SIM" + secrets.token_hex(8))
    elif action == "silence":
        reply = call.silence(address)
    elif action == "dialed":
        reply = call.dialed(address, str(payload.get("status") or "no-answer"))
    else:
        reply = call.answer(address, digits, speech)
    return jsonify(reply.to_json())


@blueprint.get("/simulator/api/outbox")
@local_only
def outbox():  # type: ignore[no-untyped-def]
    box = services().messenger.outbox
    if box is None:  # pragma: no cover - local mode always has one
        abort(404)
    to = request.args.get("to") or None
    return jsonify(box.list(to))
