"""What the backend takes from the settings, and where its pepper comes from.

`BACKEND_SERVICE_TOKEN` is the bearer token of the routes the assistant's actions call
(backend/auth.py); empty, they refuse everything.

The pepper keys every HMAC the backend stores (NIRs, codes, card serials, tokens). In order:
1. `BACKEND_PEPPER` (environment or `.env`), used as UTF-8 bytes;
2. else derived from `VAULT_KEY`: HMAC-SHA256(VAULT_KEY, "mon-espace-sante/backend-pepper/v1"),
   so a stack with only a vault key still has a stable, secret pepper;
3. else a random pepper written once to `<VAR_DIR>/backend-pepper` (mode 0600) and reused,
   so a bare development checkout works and survives restarts.
Changing the pepper makes every stored NIR, code and token unmatchable (passwords survive).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.logs import get_logger
from bot.settings import resolved_environment

log = get_logger(__name__)

PEPPER_DERIVATION_LABEL = b"mon-espace-sante/backend-pepper/v1"
PEPPER_FILE_NAME = "backend-pepper"


@dataclass(frozen=True)
class BackendConfig:
    database_url: str
    admin_token: str
    pepper: bytes
    service_token: str = ""


def resolve_pepper(settings: Any, environ: Mapping[str, str] | None = None) -> bytes:
    """The pepper, by the order documented in this module."""
    configured = resolved_environment(environ).get("BACKEND_PEPPER", "")
    if configured:
        return configured.encode("utf-8")
    if settings.vault_key:
        key = settings.vault_key.encode("utf-8")
        return hmac.new(key, PEPPER_DERIVATION_LABEL, hashlib.sha256).digest()
    return _pepper_from_file(Path(settings.var_dir) / PEPPER_FILE_NAME)


def _pepper_from_file(path: Path) -> bytes:
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    log.warning("pepper.random", reason="no BACKEND_PEPPER nor VAULT_KEY; kept in VAR_DIR")
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value.encode("ascii")


def backend_config(
    settings: Any, pepper: bytes | None = None, service_token: str | None = None
) -> BackendConfig:
    """`pepper` and `service_token` override what the environment says (tests pass them)."""
    if service_token is None:
        service_token = resolved_environment().get("BACKEND_SERVICE_TOKEN", "")
    return BackendConfig(
        database_url=settings.backend_database_url,
        admin_token=settings.backend_admin_token,
        pepper=pepper if pepper is not None else resolve_pepper(settings),
        service_token=service_token,
    )
