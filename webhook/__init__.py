"""The webhook service: Twilio SMS (and later voice), the advisor console, the local simulator.

`create_app` builds one Flask app with a blueprint per face; the shared pieces (settings,
Redis, vault, Rasa client, conversation store, messenger) hang on `app.extensions["mes"]`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.keys import FLASK_SESSION, derive_subkey_hex
from bot.settings import Settings, load_settings


def session_secret(settings: Settings) -> str | None:
    """`FLASK_SECRET_KEY`, else a key derived for this purpose from `VAULT_KEY` (never the
    vault key itself: a leaked cookie secret must not help against the vault)."""
    if settings.flask_secret_key:
        return settings.flask_secret_key
    return derive_subkey_hex(settings.vault_key, FLASK_SESSION) if settings.vault_key else None


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie's signer for a request that
    carries no session cookie (every Twilio webhook): the same empty session, less work."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    from webhook import advisor, health, metrics, simulator, sms, voice
    from webhook.outbox_cli import outbox_cli
    from webhook.services import Services

    settings = settings or load_settings()
    app = Flask(__name__)
    app.session_interface = CookieSessions()
    app.config.update(
        SECRET_KEY=session_secret(settings),
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    if settings.trusted_proxies:
        # Behind N reverse proxies, the client is the one they name in X-Forwarded-For (the
        # audit and the login limiters need it); with none trusted, the header is ignored.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    app.extensions["mes"] = Services.build(settings)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(sms.blueprint)
    app.register_blueprint(simulator.blueprint)
    advisor.init_app(app)  # the advisor console: its blueprints and `flask advisor`
    voice.init_app(app)  # Twilio Voice calls and the caller's credentials page
    metrics.init_app(app)  # GET /metrics, turn latency, one JSON log line per Twilio turn
    app.cli.add_command(outbox_cli)  # `flask --app webhook outbox show`: read on the server only
    return app
