"""Canary scans: known secrets must never be found in clear in Redis, logs or files at rest.

`secret_forms` spells a secret every way it could have been written down (compact, with the
spaces of a carte Vitale or of a printed code, dotted, dashed, lower and upper case);
`find_secrets` looks for every form in every Redis key and value of every type
(`dump_redis`) and in every file given (logs, Redis' append-only file, SQLite databases).
Any e2e test (SMS now, voice later) ends with `assert find_secrets(...) == []`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import redis

from tests.support.redis_server import dump_redis


def _groups(value: str, sizes: tuple[int, ...]) -> list[str]:
    pieces, start = [], 0
    for size in sizes:
        if start >= len(value):
            break
        pieces.append(value[start : start + size])
        start += size
    if start < len(value):
        pieces.append(value[start:])
    return pieces


def secret_forms(secret: str) -> set[bytes]:
    """Every way `secret` may have been written down, as bytes."""
    compact = "".join(secret.split())
    forms = {secret, compact}
    groupings = []
    if len(compact) == 15 and compact[:13].replace("A", "0").replace("B", "0").isdigit():
        groupings.append((1, 2, 2, 2, 3, 3, 2))  # a NIR as on the carte Vitale
    if len(compact) == 12:
        groupings.append((4, 4, 4))  # a provisional code as printed
    if len(compact) == 6:
        groupings.append((3, 3))  # a one-time code read in two halves
    for sizes in groupings:
        parts = _groups(compact, sizes)
        for separator in (" ", ".", "-"):
            forms.add(separator.join(parts))
    found: set[bytes] = set()
    for form in forms:
        for variant in (form, form.lower(), form.upper()):
            found.add(variant.encode("utf-8"))
    return found


def find_secrets(
    secrets: Iterable[str],
    client: redis.Redis | None = None,
    files: Iterable[Path] = (),
) -> list[str]:
    """Where any form of any secret was found ([] when nowhere), never the secret itself."""
    haystacks: dict[str, bytes] = {}
    if client is not None:
        haystacks["redis"] = dump_redis(client)
    for path in files:
        if path.is_file():
            haystacks[str(path)] = path.read_bytes()
    hits = []
    for number, secret in enumerate(secrets):
        for form in secret_forms(secret):
            for where, data in haystacks.items():
                if form in data:
                    hits.append(f"secret #{number} ({len(form)} bytes) in {where}")
    return sorted(set(hits))


def files_under(*folders: Path) -> list[Path]:
    """Every file under the folders (logs, append-only files, databases)."""
    return [path for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()]


def find_secrets_in_stack(stack, secrets: Iterable[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """`find_secrets` over a running stack: its Redis and every file under its VAR_DIR."""
    client = redis.Redis.from_url(stack.redis_url)
    try:
        return find_secrets(secrets, client, files_under(Path(stack.env["VAR_DIR"])))
    finally:
        client.close()
