"""`python -m backend`: serves the backend on 127.0.0.1:BACKEND_PORT (threaded, no debug).

Werkzeug's own access log is silenced because it prints raw paths, and paths carry NIRs
(`/admin/insured/<nir>`) and tokens; the app logs the route template instead.
"""

from __future__ import annotations

import logging

from werkzeug.serving import WSGIRequestHandler, run_simple

from backend.app import create_app
from bot.settings import load_settings

HOST = "127.0.0.1"


class QuietRequestHandler(WSGIRequestHandler):
    """Keeps Werkzeug's error logging, drops its per-request line (raw paths)."""

    def log_request(self, code: object = "-", size: object = "-") -> None:
        return None


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_settings()
    app = create_app(settings)
    logging.getLogger("backend").info("backend on http://%s:%d", HOST, settings.backend_port)
    run_simple(
        HOST,
        settings.backend_port,
        app,
        threaded=True,
        use_reloader=False,
        use_debugger=False,
        request_handler=QuietRequestHandler,
    )


if __name__ == "__main__":
    main()
