"""`GET /healthz`: 200 when Redis and the Rasa server answer (CONTRACT.md)."""

from __future__ import annotations

import redis
from flask import Blueprint, jsonify

from webhook.services import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    problems = []
    try:
        services().redis.ping()
    except redis.RedisError as error:
        problems.append(f"redis: {error}")
    if not services().rasa.healthy():
        problems.append("rasa: not ready")
    if problems:
        return jsonify(status="not ready", problems=problems), 503
    return jsonify(status="ok")
