"""Every setting of every service, read from the environment (and `.env` when present).

One place computes the derived URLs so that a `*_PORT` alone moves a service and the URLs the
others use to reach it follow, unless the matching `*_URL` is set too (CONTRACT.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.helpline import HELPLINE, Helpline

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, str] = {
    "REDIS_PORT": "6380",
    "BACKEND_PORT": "5100",
    "RASA_PORT": "5005",
    "ACTION_PORT": "5055",
    "WEBHOOK_PORT": "5000",
    "PUBLIC_BASE_URL": "http://localhost:5000",
    "SMTP_PORT": "25",
    "SMTP_FROM": "Mon espace santé <ne-pas-repondre@monespacesante.invalid>",
    "VAR_DIR": str(ROOT / "var"),
    "CONVERSATION_RETENTION_SECONDS": str(7 * 24 * 3600),
    "VAULT_TTL_SECONDS": str(2 * 3600),
    "RASA_TIMEOUT_SECONDS": "20",
    "VOICE_TTS_VOICE": "Polly.Lea-Neural",
    "TURN_DEADLINE_SECONDS": "10",
    "BACKEND_TIMEOUT_SECONDS": "15",
    "TRUSTED_PROXIES": "0",
}


def read_dotenv(path: Path) -> dict[str, str]:
    """Reads KEY=VALUE lines of a `.env` file (comments and blank lines ignored)."""
    if not path.exists():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def resolved_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with `.env` and defaults filled in and every derived URL computed.

    Real environment variables win over `.env`, which wins over defaults.
    """
    env = dict(DEFAULTS)
    base = dict(os.environ if environ is None else environ)
    dotenv = read_dotenv(Path(base.get("DOTENV_PATH", ROOT / ".env")))
    env.update({k: v for k, v in dotenv.items() if v != ""})
    env.update({k: v for k, v in base.items() if v != ""})
    env["VAR_DIR"] = str((ROOT / env["VAR_DIR"]).resolve())

    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = f"redis://127.0.0.1:{env['REDIS_PORT']}/0"
    redis = urlparse(env["REDIS_URL"])
    env["REDIS_HOST"] = redis.hostname or "127.0.0.1"
    env["REDIS_DB"] = (redis.path or "/0").lstrip("/") or "0"
    env["REDIS_PASSWORD"] = redis.password or ""
    env["REDIS_EFFECTIVE_PORT"] = str(redis.port or 6379)

    env.setdefault("BACKEND_URL", f"http://127.0.0.1:{env['BACKEND_PORT']}")
    env.setdefault("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    env.setdefault("WEBHOOK_URL", f"http://127.0.0.1:{env['WEBHOOK_PORT']}")
    env.setdefault("BACKEND_DATABASE_URL", f"sqlite:///{env['VAR_DIR']}/backend.sqlite3")
    return env


@dataclass(frozen=True)
class Settings:
    """Typed view of the resolved environment, shared by every service."""

    redis_url: str
    redis_port: int
    backend_port: int
    backend_url: str
    backend_admin_token: str
    backend_database_url: str
    rasa_port: int
    rasa_url: str
    rasa_token: str
    rasa_timeout_seconds: float
    action_port: int
    action_endpoint_url: str
    webhook_port: int
    public_base_url: str
    twilio_auth_token: str
    twilio_account_sid: str
    twilio_from_number: str
    twilio_api_base_url: str
    smtp_host: str
    smtp_port: int
    smtp_from: str
    advisor_transfer_number: str
    vault_key: str
    flask_secret_key: str
    var_dir: Path
    conversation_retention_seconds: int
    vault_ttl_seconds: int
    #: Twilio <Say> voice for calls (a French one: Polly.Lea-Neural, Polly.Mathieu, Google.fr-FR-…)
    voice_tts_voice: str = "Polly.Lea-Neural"
    #: a Twilio turn not over by then is answered with a holding message (Twilio waits 15 s)
    turn_deadline_seconds: float = 10.0
    #: how long the actions wait for the backend (longer than a turn's deadline: a slow
    #: answer still arrives, by a later message, instead of a retry that would do it twice)
    backend_timeout_seconds: float = 15.0
    #: reverse proxies in front of the webhook whose X-Forwarded-For / -Proto are believed (0:
    #: none, the TCP peer is the client); the audit and the login limiter use that address
    trusted_proxies: int = 0
    #: the helpline's number, hours and public holidays (bot/helpline.py: defined there once)
    helpline: Helpline = HELPLINE

    @property
    def local_outbox(self) -> bool:
        """True when SMS or e-mail may land in the local outbox (no Twilio or no SMTP)."""
        return not self.twilio_configured or not self.smtp_host

    @property
    def local_mode(self) -> bool:
        """No Twilio account: nothing reaches a real phone, and the simulator exists
        (CONTRACT.md). An outbox alone (Twilio without SMTP) is not local mode."""
        return not self.twilio_configured

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_from_number)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Builds the settings from the environment (see `.env.example` for every name)."""
    env = resolved_environment(environ)
    return Settings(
        redis_url=env["REDIS_URL"],
        redis_port=int(env["REDIS_PORT"]),
        backend_port=int(env["BACKEND_PORT"]),
        backend_url=env["BACKEND_URL"].rstrip("/"),
        backend_admin_token=env.get("BACKEND_ADMIN_TOKEN", ""),
        backend_database_url=env["BACKEND_DATABASE_URL"],
        rasa_port=int(env["RASA_PORT"]),
        rasa_url=env["RASA_URL"].rstrip("/"),
        rasa_token=env.get("RASA_TOKEN", ""),
        rasa_timeout_seconds=float(env["RASA_TIMEOUT_SECONDS"]),
        action_port=int(env["ACTION_PORT"]),
        action_endpoint_url=env["ACTION_ENDPOINT_URL"],
        webhook_port=int(env["WEBHOOK_PORT"]),
        public_base_url=env["PUBLIC_BASE_URL"].rstrip("/"),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", ""),
        twilio_api_base_url=env.get("TWILIO_API_BASE_URL", "").rstrip("/"),
        smtp_host=env.get("SMTP_HOST", ""),
        smtp_port=int(env["SMTP_PORT"]),
        smtp_from=env["SMTP_FROM"],
        advisor_transfer_number=env.get("ADVISOR_TRANSFER_NUMBER", ""),
        vault_key=env.get("VAULT_KEY", ""),
        flask_secret_key=env.get("FLASK_SECRET_KEY", ""),
        var_dir=Path(env["VAR_DIR"]),
        conversation_retention_seconds=int(env["CONVERSATION_RETENTION_SECONDS"]),
        vault_ttl_seconds=int(env["VAULT_TTL_SECONDS"]),
        voice_tts_voice=env["VOICE_TTS_VOICE"],
        turn_deadline_seconds=float(env["TURN_DEADLINE_SECONDS"]),
        backend_timeout_seconds=float(env["BACKEND_TIMEOUT_SECONDS"]),
        trusted_proxies=max(0, int(env["TRUSTED_PROXIES"])),
    )
