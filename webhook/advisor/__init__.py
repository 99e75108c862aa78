"""The advisor console: advisors take over conversations from the assistant, and hand them back.

- `api.py`: the JSON API under `/advisor/api` (CONTRACT.md); `page.py`: the page at `/advisor`.
- `accounts.py` (Argon2id + TOTP), `sessions.py` (server-side, expiring), `audit.py` (an
  append-only Redis stream), `handoff.py` (take over, write, hand back), `views.py` (what an
  advisor may see, masked), `hours.py` (the helpline's hours), `cli.py` (`flask advisor …`).

`init_app` wires it into the webhook app; the clock can be replaced for tests with
`create_app(test_config={"ADVISOR_CLOCK": callable returning an aware datetime})`.
"""

from __future__ import annotations

from flask import Flask

from webhook.advisor.hours import utc_now


def init_app(app: Flask) -> None:
    from webhook.advisor import api, page
    from webhook.advisor.cli import advisor_cli
    from webhook.advisor.console import Console

    services = app.extensions["mes"]
    console = Console.build(services, app.config.get("ADVISOR_CLOCK") or utc_now)
    app.extensions["advisor"] = console
    services.dialogue.on_waiting = console.on_waiting
    # The session cookie holds only a random id; it never leaves for another site's request.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    app.register_blueprint(api.blueprint)
    app.register_blueprint(page.blueprint)
    app.cli.add_command(advisor_cli)
