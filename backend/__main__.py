"""`python -m backend`: serves the backend on 127.0.0.1:BACKEND_PORT (threaded, no debug);
`BACKEND_BIND` changes the interface (0.0.0.0 in a container: deploy/k8s/backend.yaml).

Werkzeug's own access log is silenced because it prints raw paths, and paths carry NIRs
(`/admin/insured/<nir>`) and tokens; the app logs the route template instead.
"""

from __future__ import annotations

import logging
import os

from werkzeug.serving import WSGIRequestHandler, run_simple

from backend.app import create_app
from bot.settings import load_settings

DEFAULT_HOST = "127.0.0.1"


class QuietRequestHandler(WSGIRequestHandler):
    """Keeps Werkzeug's error logging, drops its per-request line (raw paths)."""

    def log_request(self, code: object = "-", size: object = "-") -> None:
        return None


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    app = create_app(settings)
    host = os.environ.get("BACKEND_BIND") or DEFAULT_HOST
    logging.getLogger("backend").info("backend on http://%s:%d", host, settings.backend_port)
    if not app.extensions["backend"].config.service_token:
        logging.getLogger("backend").warning(
            "BACKEND_SERVICE_TOKEN is not set: the activation routes refuse every call"
        )
    run_simple(
        host,
        settings.backend_port,
        app,
        threaded=True,
        use_reloader=False,
        use_debugger=False,
        request_handler=QuietRequestHandler,
    )


if __name__ == "__main__":
    main()
