"""`POST /twilio/voice` and the routes a call comes back to (CONTRACT.md), all signed.

- `/twilio/voice`: a new call; `/twilio/voice/gather`: what the person keyed (`Digits`) or said
  (`SpeechResult`), or, with `?silence=1`, that the gather ended without either;
- `/twilio/voice/poll?job=…`: a turn that was still running when Twilio needed an answer;
- `/twilio/voice/dialed`: the transfer to an advisor ended; `/twilio/voice/status`: call status.

Twilio hangs up on a webhook that takes more than 15 seconds. Each turn runs in a worker
thread; when it is not over by the deadline, the call hears a short holding line and is
redirected to the poll route, which answers as soon as the turn is over. The finished reply is
kept encrypted in Redis (it may read back a NIR), so any webhook process can serve the poll.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Flask, Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from webhook.services import services
from webhook.sms import normalise_address
from webhook.twilio_security import twilio_signed
from webhook.voice.call import VoiceCall
from webhook.voice.reply import VoiceReply, to_twiml

logger = logging.getLogger(__name__)
blueprint = Blueprint("voice", __name__)

HOLDING = "Un instant, s'il vous plaît."
STILL_HOLDING = "Je vérifie, encore un instant."
SORRY = (
    "Désolé, l'assistant rencontre un problème technique. Rappelez dans quelques minutes : vos "
    "réponses sont gardées. Au revoir."
)
JOB_TTL_SECONDS = 300
MAX_POLLS = 6
_workers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="voice-turn")


def voice_call() -> VoiceCall:
    return current_app.extensions["voice"].call


def caller_address() -> str:
    """The caller's E.164 number; a hidden number gets an address of its own per call (such a
    call cannot be resumed: there is no number to recognise)."""
    raw = request.form.get("From", "")
    address = normalise_address(raw)
    if not address.startswith("+"):
        return "call:" + (request.form.get("CallSid", "") or secrets.token_hex(8))[:64]
    return address


def twiml(reply: VoiceReply) -> Response:
    settings = services().settings
    xml = to_twiml(reply, settings.public_base_url, current_app.extensions["voice"].tts_voice)
    return Response(xml, mimetype="text/xml")


def deadline() -> float:
    return float(
        current_app.config.get("VOICE_TURN_DEADLINE_SECONDS")
        or getattr(services().settings, "turn_deadline_seconds", 10.0)
    )


def run_turn(work: Callable[[], VoiceReply]) -> Response:
    """Runs `work` within the deadline, or answers with a holding line and a redirect to poll.

    The finished reply is stored for the poll only when the holding line went out: the lock
    makes "finished in time" and "held" exclusive."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job = secrets.token_urlsafe(12)
    lock = threading.Lock()
    flags = {"finished": False, "held": False}

    def in_app() -> VoiceReply:
        with app.app_context():
            try:
                reply = work()
            except Exception:
                logger.exception("voice turn failed")
                reply = VoiceReply(hangup=True).say(SORRY)
            with lock:
                flags["finished"] = True
                if flags["held"]:
                    _store(app, job, reply)
            return reply

    future = _workers.submit(in_app)
    try:
        return twiml(future.result(timeout=deadline()))
    except FutureTimeout:
        with lock:
            if not flags["finished"]:
                flags["held"] = True
        if not flags["held"]:
            return twiml(future.result())
        logger.info("voice turn over its deadline: holding line, then poll")
        return twiml(VoiceReply(redirect=f"/twilio/voice/poll?job={job}&n=1").say(HOLDING))


def _store(app: Flask, job: str, reply: VoiceReply) -> None:
    s = app.extensions["mes"]
    token = s.vault.encrypt(json.dumps(reply.to_json(), ensure_ascii=False))
    s.redis.set(f"voicejob:{job}", token, ex=JOB_TTL_SECONDS)


def _load(job: str) -> VoiceReply | None:
    s = services()
    token = s.redis.get(f"voicejob:{job}")
    plain = s.vault.decrypt(token) if token else None
    if not plain:
        return None
    s.redis.delete(f"voicejob:{job}")
    return VoiceReply.from_json(json.loads(plain))


@blueprint.post("/twilio/voice")
@twilio_signed
def incoming_call() -> Response:
    address = caller_address()
    call_sid = request.form.get("CallSid", "")
    return run_turn(lambda: voice_call().start(address, call_sid))


@blueprint.post("/twilio/voice/gather")
@twilio_signed
def gathered() -> Response:
    address = caller_address()
    if request.args.get("silence"):
        return run_turn(lambda: voice_call().silence(address))
    digits = request.form.get("Digits", "")
    speech = request.form.get("SpeechResult", "")
    return run_turn(lambda: voice_call().answer(address, digits, speech))


@blueprint.post("/twilio/voice/poll")
@twilio_signed
def poll() -> Response:
    job = request.args.get("job", "")[:32]
    try:
        count = int(request.args.get("n", "1"))
    except ValueError:
        count = MAX_POLLS
    waited_until = time.monotonic() + deadline()
    while time.monotonic() < waited_until:
        reply = _load(job)
        if reply is not None:
            return twiml(reply)
        time.sleep(0.2)
    if count >= MAX_POLLS:
        return twiml(VoiceReply(hangup=True).say(SORRY))
    return twiml(
        VoiceReply(redirect=f"/twilio/voice/poll?job={job}&n={count + 1}").say(STILL_HOLDING)
    )


@blueprint.post("/twilio/voice/dialed")
@twilio_signed
def dialed() -> Response:
    address = caller_address()
    status = request.form.get("DialCallStatus", "")
    return run_turn(lambda: voice_call().dialed(address, status))


@blueprint.post("/twilio/voice/status")
@twilio_signed
def call_status() -> Response:
    logger.info(
        "call status %s: %s", request.form.get("CallSid", "?")[:40], request.form.get("CallStatus")
    )
    return Response(str(VoiceResponse()), mimetype="text/xml")
