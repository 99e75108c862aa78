"""The advisor console as an operator and an advisor use it: the CLI command, then the JSON API."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyotp
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-42!"


def create_advisor(env: dict[str, str], prefix: str, *extra: str) -> tuple[str, pyotp.TOTP]:
    """Runs `flask --app webhook advisor create` in the virtual environment with the stack's
    environment; returns the (unique) name and the TOTP of the printed otpauth:// URI."""
    name = f"{prefix}.{secrets.token_hex(3)}"
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("flask")),
            "--app",
            "webhook",
            "advisor",
            "create",
            name,
            "--password",
            PASSWORD,
            *extra,
        ],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    uri = re.search(r"otpauth://\S+", result.stdout)
    assert uri, result.stdout
    return name, pyotp.parse_uri(uri.group(0))


class AdvisorApi:
    """One advisor's session on the console's JSON API."""

    def __init__(self, webhook_url: str, username: str, totp: pyotp.TOTP) -> None:
        self.base = webhook_url + "/advisor/api"
        self.username = username
        self.totp = totp
        self.http = requests.Session()
        self.csrf = ""

    def login(self) -> None:
        response = self.http.post(
            self.base + "/login",
            json={"username": self.username, "password": PASSWORD, "totp": self.totp.now()},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf_token"]

    def get(self, path: str) -> Any:
        response = self.http.get(self.base + path, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.http.post(
            self.base + path, json=body or {}, headers={"X-CSRF-Token": self.csrf}, timeout=60
        )

    def find(self, masked_from: str, state: str = "waiting", timeout: float = 10) -> dict:
        """The conversation of a person (by masked number) in the list, once it is there."""
        deadline = time.monotonic() + timeout
        while True:
            for item in self.get("/conversations"):
                if item["masked_from"] == masked_from and item["state"] == state:
                    return item
            assert time.monotonic() < deadline, f"no {state} conversation from {masked_from}"
            time.sleep(0.3)
