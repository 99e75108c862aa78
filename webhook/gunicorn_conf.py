"""gunicorn settings of the webhook when it runs as several worker processes (scale-out).

`gunicorn -c python:webhook.gunicorn_conf 'webhook:create_app()'`: `WEBHOOK_WORKERS` processes
of `WEBHOOK_THREADS` threads each on 127.0.0.1:`WEBHOOK_PORT` (`WEBHOOK_BIND` overrides, e.g.
0.0.0.0:5000 in a container). JSON log lines, and Prometheus' multiprocess mode when
`PROMETHEUS_MULTIPROC_DIR` is set (each worker writes its own files; `/metrics` adds them up;
a dead worker's gauges are dropped).
"""

from __future__ import annotations

import logging
import os

from bot.settings import load_settings

_settings = load_settings()
bind = os.environ.get("WEBHOOK_BIND", f"127.0.0.1:{_settings.webhook_port}")
workers = int(os.environ.get("WEBHOOK_WORKERS", "2"))
threads = int(os.environ.get("WEBHOOK_THREADS", "16"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = None  # `webhook.turns` logs every Twilio turn without raw paths or numbers


def post_worker_init(worker) -> None:  # type: ignore[no-untyped-def]
    from bot.jsonlog import configure_logging

    configure_logging("webhook")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
