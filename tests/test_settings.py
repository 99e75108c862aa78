"""Settings: a *_PORT alone moves a service and the URLs follow; *_URL wins; .env is read."""

from __future__ import annotations

from pathlib import Path

from bot.settings import load_settings, resolved_environment


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"DOTENV_PATH": str(tmp_path / "missing.env"), **values}


def test_defaults_bind_to_loopback(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.backend_url == "http://127.0.0.1:5100"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert settings.redis_url == "redis://127.0.0.1:6380/0"
    assert settings.public_base_url == "http://localhost:5000"


def test_a_port_alone_moves_the_url(tmp_path: Path) -> None:
    settings = load_settings(
        env(tmp_path, BACKEND_PORT="6100", ACTION_PORT="6055", REDIS_PORT="7000")
    )
    assert settings.backend_url == "http://127.0.0.1:6100"
    assert settings.action_endpoint_url == "http://127.0.0.1:6055/webhook"
    assert settings.redis_url == "redis://127.0.0.1:7000/0"


def test_an_explicit_url_wins_over_the_port(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path, RASA_PORT="6005", RASA_URL="http://rasa.internal:5005"))
    assert settings.rasa_url == "http://rasa.internal:5005"


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("WEBHOOK_PORT=5999\nRASA_TOKEN=from-dotenv\nBACKEND_URL=\n")
    resolved = resolved_environment({"DOTENV_PATH": str(dotenv), "RASA_TOKEN": "from-env"})
    assert resolved["WEBHOOK_PORT"] == "5999"
    assert resolved["RASA_TOKEN"] == "from-env"
    assert resolved["BACKEND_URL"] == "http://127.0.0.1:5100"  # empty in .env: default kept


def test_redis_url_feeds_rasa_endpoints(tmp_path: Path) -> None:
    resolved = resolved_environment(env(tmp_path, REDIS_URL="redis://:pw@cache.internal:6390/2"))
    assert (resolved["REDIS_HOST"], resolved["REDIS_EFFECTIVE_PORT"]) == ("cache.internal", "6390")
    assert (resolved["REDIS_DB"], resolved["REDIS_PASSWORD"]) == ("2", "pw")
