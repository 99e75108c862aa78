"""The local simulator at `/`: text the assistant from a phone-like page, see the outbox beside it.

It exists only in local mode (no Twilio account configured), where nothing can reach a real
phone: outbound SMS and e-mails land in the outbox, and this page is how a newcomer reads them.
Messages typed here take the same road as a Twilio SMS (`run_sms_turn`), minus the signature.
Its call mode (`POST /simulator/api/call`) drives the phone face's own `VoiceCall`, the same
object the Twilio Voice routes use: the page's keypad stands for `Digits`, its text box for
`SpeechResult`, and it shows (and speaks) the `VoiceReply` as JSON instead of TwiML.
"""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot.sms_text import segments, to_gsm7
from webhook.services import services
from webhook.sms import normalise_address, run_sms_turn

blueprint = Blueprint("simulator", __name__)


def local_mode() -> bool:
    return services().messenger.outbox is not None


@blueprint.get("/")
def index():  # type: ignore[no-untyped-def]
    if not local_mode():
        return render_template("status.html")
    return render_template("simulator.html")


@blueprint.post("/simulator/api/sms")
def simulate_sms():  # type: ignore[no-untyped-def]
    if not local_mode():
        abort(404)
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
def simulate_call():  # type: ignore[no-untyped-def]
    """One event of a simulated call: `{"from", "action", "digits"?, "speech"?, "status"?}`
    → the `VoiceReply` as JSON (`lines`, `listen`, `dial`, `hangup`)."""
    if not local_mode():
        abort(404)
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
def outbox():  # type: ignore[no-untyped-def]
    box = services().messenger.outbox
    if box is None:
        abort(404)
    to = request.args.get("to") or None
    return jsonify(box.list(to))
