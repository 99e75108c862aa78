"""The local simulator at `/`: text the assistant from a phone-like page, see the outbox beside it.

It exists only in local mode (no Twilio account configured), where nothing can reach a real
phone: outbound SMS and e-mails land in the outbox, and this page is how a newcomer reads them.
Messages typed here take the same road as a Twilio SMS (`run_sms_turn`), minus the signature.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

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


@blueprint.get("/simulator/api/outbox")
def outbox():  # type: ignore[no-untyped-def]
    box = services().messenger.outbox
    if box is None:
        abort(404)
    to = request.args.get("to") or None
    return jsonify(box.list(to))
