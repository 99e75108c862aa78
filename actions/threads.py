"""Action calls run in worker threads, each on its own event loop, so that one blocks no other.

rasa-sdk awaits every action on the server's single event loop, and our actions make blocking
calls (`requests` to the backend, Redis): while one conversation waited for the backend (setting
credentials hashes the password with Argon2id, ~1 s when the machine is busy), every other
conversation's actions waited too (docs/BENCHMARKS.md). `run_actions_in_threads` makes
`ActionExecutor.run` hand each call to a thread pool; the context (the conversation id bound
for the log lines) goes along.
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

#: As many as the backend client's connection pool (requests' default: 10).
THREADS = 10


def run_actions_in_threads(threads: int = THREADS) -> None:
    from rasa_sdk.executor import ActionExecutor

    if getattr(ActionExecutor.run, "in_threads", False):
        return
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")
    run_on_loop = ActionExecutor.run

    async def run(self: ActionExecutor, action_call: dict[str, Any]) -> Any:
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            pool, context.run, asyncio.run, run_on_loop(self, action_call)
        )

    run.in_threads = True  # type: ignore[attr-defined]
    ActionExecutor.run = run  # type: ignore[method-assign]
