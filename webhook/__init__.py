"""The webhook service: Twilio SMS (and later voice), the advisor console, the local simulator.

`create_app` builds one Flask app with a blueprint per face; the shared pieces (settings,
Redis, vault, Rasa client, conversation store, messenger) hang on `app.extensions["mes"]`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from bot.settings import Settings, load_settings


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    from webhook import advisor, health, metrics, simulator, sms, voice
    from webhook.services import Services

    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.flask_secret_key or settings.vault_key,
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["mes"] = Services.build(settings)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sms.blueprint)
    app.register_blueprint(simulator.blueprint)
    advisor.init_app(app)  # the advisor console: its blueprints and `flask advisor`
    voice.init_app(app)  # Twilio Voice calls and the caller's credentials page
    metrics.init_app(app)  # GET /metrics, turn latency, one JSON log line per Twilio turn
    return app
