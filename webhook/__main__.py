"""`python -m webhook`: serves the webhook on 127.0.0.1:WEBHOOK_PORT (threaded werkzeug)."""

import logging

from werkzeug.serving import run_simple

from bot.jsonlog import configure_logging
from bot.settings import load_settings
from webhook import create_app

if __name__ == "__main__":
    configure_logging("webhook")
    # Werkzeug's own line per request says less than `webhook.turns` (and quotes raw paths).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    settings = load_settings()
    run_simple("127.0.0.1", settings.webhook_port, create_app(settings), threaded=True)
