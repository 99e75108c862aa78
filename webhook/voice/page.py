"""The page a caller opens from the SMS link to choose their identifier and password.

The rules are checked as the person types (the page's script mirrors `bot/credentials.py`)
and again here before anything is sent on. The choices then go into the same conversation as
the call, through the dialogue's credentials form, exactly as if they had been texted: the
redaction puts the password in the vault, the actions create the account at the backend.
The token in the URL is never logged or sent elsewhere (no-referrer, no third-party content).
Whoever reads the SMS preview has the link, so the page first asks for the code the call said
aloud (`links.py`), and takes no choice without it.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, current_app, make_response, render_template, request

from bot.credentials import (
    IDENTIFIER_RULES_FR,
    PASSWORD_RULES_FR,
    identifier_problems,
    password_problems,
)
from bot.redaction import CREDENTIAL_STEPS
from webhook import texts
from webhook.services import services

blueprint = Blueprint("voice_page", __name__)

EXPIRED = texts.PAGE_EXPIRED
NOT_NOW = texts.PAGE_NOT_NOW
MISMATCH = texts.PAGE_MISMATCH
NOT_SAVED = texts.PAGE_NOT_SAVED
SPOKEN_MISSING = texts.PAGE_SPOKEN_MISSING
SPOKEN_WRONG = texts.PAGE_SPOKEN_WRONG
SPOKEN_DEAD = texts.PAGE_SPOKEN_DEAD
LIVE_RULES = ("too_short", "no_lowercase", "no_uppercase", "no_digit", "no_special")


def _secure(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'"
    )
    return response


def _page(status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", [])
    context.setdefault("identifier", "")
    context.setdefault("need_code", False)
    html = render_template(
        "voice_credentials.html",
        identifier_rules=IDENTIFIER_RULES_FR,
        password_rules={k: v for k, v in PASSWORD_RULES_FR.items() if k in LIVE_RULES},
        **context,
    )
    return _secure(make_response(html, status))


def _step(conversation_id: str) -> str:
    return (services().conversations.get(conversation_id) or {}).get("step") or ""


@blueprint.get("/voice/credentials/<token>")
def show(token: str) -> Response:
    conversation_id = current_app.extensions["voice"].links.conversation(token)
    if conversation_id is None:
        return _page(410, gone=EXPIRED)
    if _step(conversation_id) not in CREDENTIAL_STEPS:
        return _page(409, gone=NOT_NOW)
    return _page(token=token, need_code=not links_unlocked(token))


def links_unlocked(token: str) -> bool:
    return bool(current_app.extensions["voice"].links.unlocked(token))


@blueprint.post("/voice/credentials/<token>")
def choose(token: str) -> Response:
    links = current_app.extensions["voice"].links
    conversation_id = links.conversation(token)
    if conversation_id is None:
        return _page(410, gone=EXPIRED)
    identifier = request.form.get("identifier", "").strip()[:64]
    if not links.unlocked(token):
        outcome = links.unlock(token, request.form.get("spoken_code", "")[:32])
        if outcome == "dead":
            return _page(410, gone=SPOKEN_DEAD)
        if outcome != "ok":
            error = SPOKEN_WRONG if outcome == "wrong" else SPOKEN_MISSING
            return _page(422, token=token, identifier=identifier, errors=[error], need_code=True)
    password = request.form.get("password", "")[:128]
    confirmation = request.form.get("password_confirmation", "")[:128]
    errors = [IDENTIFIER_RULES_FR[c] for c in identifier_problems(identifier)]
    errors += [PASSWORD_RULES_FR[c] for c in password_problems(password, identifier)]
    if not hmac.compare_digest(password.encode(), confirmation.encode()):
        errors.append(MISMATCH)
    if errors:
        return _page(422, token=token, identifier=identifier, errors=errors)
    outcome = _feed(conversation_id, identifier, password)
    if outcome is not None:
        return _page(422, token=token, identifier=identifier, errors=[outcome])
    links.use_up(token)
    done = [
        e["text"]
        for e in services().conversations.transcript(conversation_id)
        if e.get("from") == "bot"
    ][-1:]
    return _page(done=done[0] if done else texts.ACTIVATED)


def _feed(conversation_id: str, identifier: str, password: str) -> str | None:
    """Gives the choices to the dialogue's credentials form, one field per turn, as texted.

    Returns None once the account exists, else what the dialogue said was wrong."""
    dialogue = services().dialogue
    answers = {"identifier": identifier, "password": password, "password_confirmation": password}
    for _ in range(len(answers)):
        step = _step(conversation_id)
        if step == "done":
            return None
        if step not in answers:
            return NOT_NOW
        replies = dialogue.handle(conversation_id, answers[step], "voice")
        if _step(conversation_id) == step:  # refused: the dialogue says why
            return replies[0] if replies else NOT_SAVED
    return None if _step(conversation_id) == "done" else NOT_SAVED
