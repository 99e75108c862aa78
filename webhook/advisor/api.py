"""The console's JSON API under `/advisor/api` (CONTRACT.md, "Advisor console").

Every call but login needs a live session (401 otherwise); every POST but login also the
session's CSRF token in `X-CSRF-Token` (403 otherwise). An ordinary advisor sees the queue
(conversations waiting, oldest first) and the conversations they took over; anything else is
404 to them, as if it did not exist. A supervisor sees every conversation and the audit log.
Refusals are JSON `{"error": code, "message": French text}`.
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request, session

from webhook import texts
from webhook.advisor.accounts import LoginRefused, normalise_username
from webhook.advisor.console import console
from webhook.advisor.handoff import HandoffError
from webhook.advisor.login_guard import LoginBusy, LoginThrottled
from webhook.advisor.sessions import AdvisorSession
from webhook.advisor.views import collected_from_slots, summary
from webhook.rasa_client import RasaUnavailable

blueprint = Blueprint("advisor_api", __name__, url_prefix="/advisor/api")

SESSION_KEY = "advisor_sid"
#: Sent by the page's automatic refreshes: they do not count as activity for the idle timeout.
POLL_HEADER = "X-Background-Poll"
CONVERSATION_ID = re.compile(r"c[0-9a-f]{23}")


def refusal(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify(error=code, message=message), status


@blueprint.after_request
def never_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def requires_advisor(view: Callable[..., Any]) -> Callable[..., Any]:
    """A live session (401), and for a POST its CSRF token (403); sets `g.advisor`."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        c = console()
        session_id = session.get(SESSION_KEY)
        active = request.headers.get(POLL_HEADER) != "1"
        current = (
            c.sessions.load(session_id, active=active) if isinstance(session_id, str) else None
        )
        if current is not None and c.accounts.get(current.username) is None:
            c.sessions.delete(session_id)  # the account was deleted meanwhile
            current = None
        if current is None:
            session.pop(SESSION_KEY, None)
            return refusal(401, "unauthorized", texts.CONSOLE_SIGNED_OUT)
        if request.method == "POST":
            token = request.headers.get("X-CSRF-Token", "")
            if not token or not hmac.compare_digest(token, current.csrf_token):
                return refusal(403, "csrf_refused", texts.CONSOLE_CSRF_REFUSED)
        g.advisor = current
        return view(*args, **kwargs)

    return wrapper


def me() -> AdvisorSession:
    return g.advisor


def session_json(current: AdvisorSession) -> Response:
    """Who is logged in, with the CSRF token the page must send back on every POST."""
    return jsonify(
        username=current.username,
        role=current.role,
        first_name=current.first_name,
        csrf_token=current.csrf_token,
    )


def visible(record: dict[str, str], advisor: AdvisorSession) -> bool:
    """The queue, and one's own conversations; everything for a supervisor."""
    if advisor.is_supervisor or record.get("state") == "waiting":
        return True
    return record.get("state") == "advisor" and record.get("advisor") == advisor.username


def visible_record(conversation_id: str) -> dict[str, str] | None:
    if not CONVERSATION_ID.fullmatch(conversation_id):
        return None
    record = console().services.conversations.get(conversation_id)
    return record if record is not None and visible(record, me()) else None


# -- session -------------------------------------------------------------------------------------
@blueprint.post("/login")
def login():  # type: ignore[no-untyped-def]
    payload = request.get_json(silent=True)
    fields = ("username", "password", "totp")
    if not isinstance(payload, dict) or not all(isinstance(payload.get(f), str) for f in fields):
        return refusal(400, "invalid_request", texts.CONSOLE_LOGIN_EXPECTED)
    c = console()
    username = normalise_username(payload["username"])
    ip = request.remote_addr
    # Unknown names are not logged: people sometimes type their password in that field.
    actor = username if c.accounts.get(username) else "-"
    try:
        with c.login_guard.attempt(ip):
            advisor = c.accounts.authenticate(username, payload["password"], payload["totp"])
    except LoginThrottled as throttled:
        # Once per scope and minute: a flood of refusals must not push real entries out.
        c.audit.record_once(
            f"throttled:{throttled.scope}:{actor if throttled.scope == 'username' else ip}",
            actor,
            "login_refused",
            reason="throttled",
            scope=throttled.scope,
            ip=ip,
        )
        minutes = -(-throttled.retry_after // 60)
        response, status = refusal(
            429,
            "too_many_attempts",
            texts.CONSOLE_TOO_MANY[throttled.scope].format(minutes=minutes),
        )
        response.headers["Retry-After"] = str(throttled.retry_after)
        return response, status
    except LoginBusy:
        response, status = refusal(503, "busy", texts.CONSOLE_LOGIN_BUSY)
        response.headers["Retry-After"] = "1"
        return response, status
    except LoginRefused as refused:
        c.audit.record(actor, "login_refused", reason=refused.reason, ip=ip)
        return refusal(401, "login_refused", texts.CONSOLE_LOGIN_REFUSED)
    previous = session.get(SESSION_KEY)
    if isinstance(previous, str):
        c.sessions.delete(previous)
    session.clear()
    session_id, current = c.sessions.create(advisor)
    session[SESSION_KEY] = session_id
    c.audit.record(advisor.username, "login", role=advisor.role, ip=ip)
    return session_json(current)


@blueprint.get("/me")
@requires_advisor
def whoami():  # type: ignore[no-untyped-def]
    """Who is logged in, and the CSRF token again (the page lost it when reloaded)."""
    return session_json(me())


@blueprint.post("/logout")
@requires_advisor
def logout():  # type: ignore[no-untyped-def]
    c = console()
    c.sessions.delete(session.get(SESSION_KEY, ""))
    session.clear()
    c.audit.record(me().username, "logout")
    return jsonify(status="logged_out")


# -- conversations ---------------------------------------------------------------------------------
@blueprint.get("/conversations")
@requires_advisor
def conversations():  # type: ignore[no-untyped-def]
    """The whole queue (from its index, complete at any volume), the conversations taken over
    (an advisor's own; all of them for a supervisor, who also sees the most recent others)."""
    store = console().services.conversations
    advisor = me()
    queue = sorted(
        (r for r in store.records(store.ids_in_state("waiting")) if r.get("state") == "waiting"),
        key=lambda r: r.get("waiting_since") or r.get("updated_at", ""),
    )
    candidates = store.records(store.ids_in_state("advisor"))
    if advisor.is_supervisor:
        candidates += store.records(store.recent_ids())
    others: dict[str, dict[str, str]] = {}
    for record in candidates:
        if record.get("state") != "waiting" and visible(record, advisor):
            others.setdefault(record["id"], record)
    rest = sorted(others.values(), key=lambda r: r.get("updated_at", ""), reverse=True)
    return jsonify([summary(r) for r in queue + rest])


@blueprint.get("/conversations/<conversation_id>")
@requires_advisor
def conversation(conversation_id: str):  # type: ignore[no-untyped-def]
    record = visible_record(conversation_id)
    if record is None:
        return refusal(404, "not_found", texts.CONSOLE_NOT_FOUND)
    c = console()
    c.audit.record_view_once(me().username, conversation_id)
    try:
        collected = collected_from_slots(c.services.rasa.tracker_slots(conversation_id))
    except RasaUnavailable:
        collected = None  # the page says the assistant does not answer
    return jsonify(
        {
            **summary(record),
            "transcript": c.services.conversations.transcript(conversation_id),
            "collected": collected,
        }
    )


@blueprint.post("/conversations/<conversation_id>/takeover")
@requires_advisor
def takeover(conversation_id: str):  # type: ignore[no-untyped-def]
    if visible_record(conversation_id) is None:
        return refusal(404, "not_found", texts.CONSOLE_NOT_FOUND)
    c = console()
    advisor = me()
    try:
        notified = c.handoff.take_over(conversation_id, advisor.username, advisor.first_name)
    except HandoffError as refused:
        return refusal(refused.status, refused.code, refused.message)
    c.audit.record(advisor.username, "takeover", conversation_id, notified=notified)
    record = c.services.conversations.get(conversation_id) or {}
    return jsonify({**summary(record), "notified": notified})


@blueprint.post("/conversations/<conversation_id>/messages")
@requires_advisor
def message(conversation_id: str):  # type: ignore[no-untyped-def]
    if visible_record(conversation_id) is None:
        return refusal(404, "not_found", texts.CONSOLE_NOT_FOUND)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return refusal(400, "invalid_text", texts.CONSOLE_TEXT_EXPECTED)
    c = console()
    try:
        c.handoff.send_message(conversation_id, me().username, payload["text"])
    except HandoffError as refused:
        return refusal(refused.status, refused.code, refused.message)
    c.audit.record(me().username, "message", conversation_id, length=len(payload["text"].strip()))
    return jsonify(status="sent")


@blueprint.post("/conversations/<conversation_id>/release")
@requires_advisor
def release(conversation_id: str):  # type: ignore[no-untyped-def]
    if visible_record(conversation_id) is None:
        return refusal(404, "not_found", texts.CONSOLE_NOT_FOUND)
    c = console()
    advisor = me()
    try:
        notified = c.handoff.hand_back(
            conversation_id, advisor.username, any_advisor=advisor.is_supervisor
        )
    except HandoffError as refused:
        return refusal(refused.status, refused.code, refused.message)
    c.audit.record(advisor.username, "release", conversation_id, notified=notified)
    record = c.services.conversations.get(conversation_id) or {}
    return jsonify({**summary(record), "notified": notified})


# -- supervision -----------------------------------------------------------------------------------
@blueprint.get("/audit")
@requires_advisor
def audit():  # type: ignore[no-untyped-def]
    advisor = me()
    if not advisor.is_supervisor:
        return refusal(403, "forbidden", texts.CONSOLE_SUPERVISORS_ONLY)
    try:
        limit = min(max(int(request.args.get("limit", 200)), 1), 1000)
    except ValueError:
        limit = 200
    c = console()
    entries = c.audit.entries(limit, request.args.get("conversation") or None)
    c.audit.record(advisor.username, "audit_view")
    return jsonify(entries)
