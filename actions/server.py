"""Serves every action of this package with rasa-sdk, plus `/healthz` (CONTRACT.md).

`rasa run actions` binds every interface and has no health route that checks dependencies,
hence this small wrapper around `rasa_sdk.endpoint.create_app`.
"""

from __future__ import annotations

import asyncio
import logging

from bot.settings import load_settings


def main() -> None:
    from rasa_sdk.endpoint import create_app
    from sanic.response import json as json_response

    from actions.runtime import runtime

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_settings()
    app = create_app("actions", cors_origins=None)

    async def healthz(request):  # type: ignore[no-untyped-def]
        """200 when Redis (the vault) and the backend answer."""
        loop = asyncio.get_running_loop()
        problems = await loop.run_in_executor(None, runtime().health_problems)
        if problems:
            return json_response({"status": "not ready", "problems": problems}, status=503)
        return json_response({"status": "ok"})

    app.add_route(healthz, "/healthz", methods=["GET"])
    app.run(host="127.0.0.1", port=settings.action_port, workers=1, access_log=False)
