"""`python -m webhook`: serves the webhook on 127.0.0.1:WEBHOOK_PORT (threaded werkzeug)."""

import logging

from werkzeug.serving import run_simple

from bot.settings import load_settings
from webhook import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_settings()
    run_simple("127.0.0.1", settings.webhook_port, create_app(settings), threaded=True)
