"""Client of the Rasa server: the REST channel for turns, the token-protected API for trackers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests


class RasaUnavailable(Exception):
    """The Rasa server did not answer in time (or answered 5xx)."""


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()

    def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """One user turn; returns the bot's messages ({"text": ...}, {"custom": ...})."""
        try:
            response = self.session.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata or {}},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        return list(response.json() or [])

    def tracker_slots(self, sender: str) -> dict[str, Any]:
        """Current slots and active loop of a conversation (no events: they are not needed)."""
        try:
            response = self.session.get(
                f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker",
                params={"include_events": "NONE", "token": self.token},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        tracker = response.json()
        slots = dict(tracker.get("slots") or {})
        slots["__active_loop"] = (tracker.get("active_loop") or {}).get("name")
        return slots

    def healthy(self) -> bool:
        try:
            return self.session.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
