"""`POST /twilio/voice` and the routes a call comes back to (CONTRACT.md), all signed.

- `/twilio/voice`: a new call; `/twilio/voice/gather`: what the person keyed (`Digits`) or said
  (`SpeechResult`), or, with `?silence=1`, that the gather ended without either;
- `/twilio/voice/poll?job=…`: a turn that was still running when Twilio needed an answer;
- `/twilio/voice/dialed`: the transfer to an advisor ended; `/twilio/voice/status`: call status.

Twilio hangs up on a webhook that takes more than 15 seconds. Each turn runs in a worker
thread; when it is not over by the deadline, the call hears a short holding line and is
redirected to the poll route, which answers as soon as the turn is over. The finished reply is
kept encrypted in Redis (it may read back a NIR), so any webhook process can serve the poll.

Twilio may post the same request again (a timeout, a connection reset). Every URL a TwiML answer
sends Twilio back to carries a fresh mark (`?t=…`), so a post is known by its CallSid, route and
mark: a repeat is not run again, it gets the first one's reply (or waits for it, as a poll does).
"""

from __future__ import annotations

import hashlib
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

from bot.caller_id import is_withheld
from webhook import texts
from webhook.services import services
from webhook.sms import normalise_address
from webhook.twilio_security import twilio_signed
from webhook.voice.call import VoiceCall
from webhook.voice.calls import ENDED_STATUSES
from webhook.voice.reply import VoiceReply, to_twiml

logger = logging.getLogger(__name__)
blueprint = Blueprint("voice", __name__)

HOLDING, STILL_HOLDING, SORRY = texts.CALL_HOLDING, texts.CALL_STILL_HOLDING, texts.CALL_FAULT
JOB_TTL_SECONDS = 300
#: Twilio repeats a post within its 15-second timeout, a few times at most: a mark is
#: remembered 10 minutes (one key per post: 2 days, as for SMS, would cost memory for nothing).
SEEN_SECONDS = 600
MAX_POLLS = 6
_workers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="voice-turn")


def voice_call() -> VoiceCall:
    return current_app.extensions["voice"].call


def caller_address() -> str:
    """The caller's E.164 number; a hidden number ("anonymous", or a placeholder such as
    +266696687) gets an address of its own per call: such a call cannot be resumed (there is no
    number to recognise), and two hidden callers never share a conversation."""
    raw = request.form.get("From", "")
    address = normalise_address(raw)
    if is_withheld(address):
        return "call:" + (request.form.get("CallSid", "") or secrets.token_hex(8))[:64]
    return address


def twiml(reply: VoiceReply) -> Response:
    settings = services().settings
    voice = current_app.extensions["voice"].tts_voice
    xml = to_twiml(reply, settings.public_base_url, voice, turn=secrets.token_hex(6))
    return Response(xml, mimetype="text/xml")


def deadline() -> float:
    return float(
        current_app.config.get("VOICE_TURN_DEADLINE_SECONDS")
        or getattr(services().settings, "turn_deadline_seconds", 10.0)
    )


def once(work: Callable[[], VoiceReply], route: str) -> Response:
    """Runs this post's turn the first time its CallSid, `route` and mark are seen; a repeat
    gets the first one's reply. A post without a mark (the first post of a call has its
    CallSid alone) is run as it is."""
    mark = request.args.get("t", "")[:32] or ("start" if route == "start" else "")
    call_sid = request.form.get("CallSid", "")[:64]
    if not (mark and call_sid):
        return run_turn(work)
    key = hashlib.sha256(f"{call_sid}:{route}:{mark}".encode()).hexdigest()[:32]
    if not services().redis.set(f"seen:voice:{key}", b"1", nx=True, ex=SEEN_SECONDS):
        logger.info("voice post repeated by Twilio: answered with the first reply")
        return replay(key)
    return run_turn(work, job=key)


def replay(job: str) -> Response:
    """The reply of a turn already run (or running): at once, or after a holding line."""
    reply = _wait_for(job)
    if reply is not None:
        return twiml(reply)
    return twiml(VoiceReply(redirect=f"/twilio/voice/poll?job={job}&n=1").say(HOLDING))


def _wait_for(job: str) -> VoiceReply | None:
    waited_until = time.monotonic() + deadline()
    while time.monotonic() < waited_until:
        reply = _load(job)
        if reply is not None:
            return reply
        time.sleep(0.2)
    return None


def run_turn(work: Callable[[], VoiceReply], job: str = "") -> Response:
    """Runs `work` within the deadline, or answers with a holding line and a redirect to poll.

    The finished reply is stored for the poll when the holding line went out (the lock makes
    "finished in time" and "held" exclusive), and always when the turn has a `job` of its own
    (a repeat of the post is answered with it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keep = bool(job)
    job = job or secrets.token_urlsafe(12)
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
                if flags["held"] or keep:
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
    return VoiceReply.from_json(json.loads(plain))


@blueprint.post("/twilio/voice")
@twilio_signed
def incoming_call() -> Response:
    address, call_sid = caller_address(), request.form.get("CallSid", "")[:64]
    return once(lambda: voice_call().start(address, call_sid), "start")


@blueprint.post("/twilio/voice/gather")
@twilio_signed
def gathered() -> Response:
    address, call_sid = caller_address(), request.form.get("CallSid", "")[:64]
    if request.args.get("silence"):
        return once(lambda: voice_call().silence(address, call_sid), "silence")
    digits = request.form.get("Digits", "")
    speech = request.form.get("SpeechResult", "")
    return once(lambda: voice_call().answer(address, digits, speech, call_sid), "gather")


@blueprint.post("/twilio/voice/poll")
@twilio_signed
def poll() -> Response:
    job = request.args.get("job", "")[:32]
    try:
        count = int(request.args.get("n", "1"))
    except ValueError:
        count = MAX_POLLS
    reply = _wait_for(job)
    if reply is not None:
        return twiml(reply)
    if count >= MAX_POLLS:
        return twiml(VoiceReply(hangup=True).say(SORRY))
    return twiml(
        VoiceReply(redirect=f"/twilio/voice/poll?job={job}&n={count + 1}").say(STILL_HOLDING)
    )


@blueprint.post("/twilio/voice/dialed")
@twilio_signed
def dialed() -> Response:
    address, call_sid = caller_address(), request.form.get("CallSid", "")[:64]
    status = request.form.get("DialCallStatus", "")
    return once(lambda: voice_call().dialed(address, status, call_sid), "dialed")


@blueprint.post("/twilio/voice/status")
@twilio_signed
def call_status() -> Response:
    call_sid, status = request.form.get("CallSid", "")[:64], request.form.get("CallStatus", "")
    logger.info("call status %s: %s", call_sid[:40] or "?", status)
    if call_sid and status in ENDED_STATUSES:
        voice_call().ended(caller_address(), call_sid)
    return Response(str(VoiceResponse()), mimetype="text/xml")
