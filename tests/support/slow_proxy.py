"""A delaying HTTP proxy in front of a real service (the backend), for "backend slow" tests.

Requests whose path starts with one of `slow_paths` wait `delay` seconds before being
forwarded; every request is counted by path, so a test can assert that a call was made once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakes import free_port

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
}


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class SlowProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.port = free_port()
        self.delay = 0.0
        self.slow_paths: tuple[str, ...] = ()
        self.counts: Counter[str] = Counter()
        self._server: BaseWSGIServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def slow_down(self, delay: float, paths: Iterable[str]) -> None:
        self.delay, self.slow_paths = delay, tuple(paths)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        self.counts[request.path] += 1
        if self.delay and request.path.startswith(self.slow_paths):
            time.sleep(self.delay)
        upstream = requests.request(
            request.method,
            self.target + request.full_path.rstrip("?"),
            data=request.get_data(),
            headers={k: v for k, v in request.headers if k.lower() != "host"},
            timeout=60,
        )
        headers = [(k, v) for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP]
        return Response(upstream.content, upstream.status_code, headers)(environ, start_response)

    def start(self) -> SlowProxy:
        self._server = make_server(
            "127.0.0.1", self.port, self, threaded=True, request_handler=_Quiet
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
