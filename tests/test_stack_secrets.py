"""`make run` (scripts/stack.py) writes a random credential for every internal hop into `.env`
when none is set, and keeps what is set (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import read_dotenv
from scripts.stack import GENERATED_SECRETS, ensure_dotenv

HOP_TOKENS = ("RASA_TOKEN", "ACTION_SERVER_TOKEN", "BACKEND_SERVICE_TOKEN")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in GENERATED_SECRETS:
        monkeypatch.delenv(key, raising=False)


@pytest.mark.usefixtures("clean_environment")
def test_every_hop_gets_a_random_token(tmp_path: Path) -> None:
    first, second = tmp_path / "a.env", tmp_path / "b.env"
    assert set(HOP_TOKENS) <= set(ensure_dotenv(first))
    ensure_dotenv(second)
    a, b = read_dotenv(first), read_dotenv(second)
    for key in HOP_TOKENS:
        assert len(a[key]) >= 40, key
        assert a[key] != b[key], f"{key} is not random"
    assert len({a[key] for key in HOP_TOKENS}) == len(HOP_TOKENS), "two hops share a token"
    assert first.stat().st_mode & 0o077 == 0, ".env is readable by others"


@pytest.mark.usefixtures("clean_environment")
def test_a_token_already_set_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("ACTION_SERVER_TOKEN=chosen-by-the-operator\n")
    monkeypatch.setenv("BACKEND_SERVICE_TOKEN", "from-the-environment")
    written = ensure_dotenv(dotenv)
    assert "ACTION_SERVER_TOKEN" not in written and "BACKEND_SERVICE_TOKEN" not in written
    assert read_dotenv(dotenv)["ACTION_SERVER_TOKEN"] == "chosen-by-the-operator"
    assert "BACKEND_SERVICE_TOKEN" not in read_dotenv(dotenv)
    assert ensure_dotenv(dotenv) == []  # a second start writes nothing
