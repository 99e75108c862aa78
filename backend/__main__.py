"""`python -m backend`: serves the backend on 127.0.0.1:BACKEND_PORT (threaded, no debug);
`BACKEND_BIND` changes the interface (0.0.0.0 in a container: deploy/k8s/backend.yaml).

Werkzeug's own access log is silenced because it prints raw paths, and paths carry NIRs
(`/admin/insured/<nir>`) and tokens; the app logs the route template instead.
"""

from __future__ import annotations

import os

from werkzeug.serving import WSGIRequestHandler, run_simple

from backend.app import create_app
from backend.logs import configure_logging, get_logger
from bot.settings import load_settings

DEFAULT_HOST = "127.0.0.1"
log = get_logger("backend")


class QuietRequestHandler(WSGIRequestHandler):
    """Keeps Werkzeug's error logging, drops its per-request line (raw paths)."""

    def log_request(self, code: object = "-", size: object = "-") -> None:
        return None


def main() -> None:
    configure_logging()
    settings = load_settings()
    app = create_app(settings)
    host = os.environ.get("BACKEND_BIND") or DEFAULT_HOST
    log.info("serving", url=f"http://{host}:{settings.backend_port}")
    if not app.extensions["backend"].config.service_token:
        log.warning("service_token.unset", effect="the activation routes refuse every call")
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
