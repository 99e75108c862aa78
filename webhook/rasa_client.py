"""Client of the Rasa server: the REST channel for turns, the token-protected API for trackers.

Every request carries `X-Conversation-Id`, so that a router in front of several Rasa servers
(HAProxy, ingress-nginx: docs/SCALING.md) sends all the turns of one conversation to the same
one. Connections are kept alive in a pool as large as the webhook's concurrency: with requests'
default of 10, an 11th concurrent turn would open (and then drop) a new connection.

A turn goes to Rasa's `rest_state` channel (rasa_addons/rest_with_state.py), with
`Authorization: Bearer <RASA_TOKEN>` (the channel answers no one else). Its messages say what they
ask (webhook/reply.py): a turn needs no tracker read. `tracker_slots` reads the tracker, for what
genuinely needs a person's collected values (the advisor console) and nothing else.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter

from webhook.metrics import RASA_SECONDS

POOL_SIZE = 128
#: the input channel whose collector answers Rasa's API too (text and custom in one message)
CHANNEL = "rest_state"


class RasaUnavailable(Exception):
    """The Rasa server did not answer in time (or answered 5xx)."""


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Turns go through urllib3 itself: requests' own per-request work (environment, proxy
        # and certificate lookups, hooks, cookies) was ~15 % of the webhook's CPU in a profile
        # under load (docs/BENCHMARKS.md). Same pool size, no retries, same timeouts.
        self.turns = urllib3.PoolManager(
            num_pools=4,
            maxsize=POOL_SIZE,
            retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )

    def send(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """One user turn; returns the bot's messages ({"text": ..., "custom": {...}}). The
        metadata's `channel` ("sms" or "voice") picks the responses' wording."""
        started = time.perf_counter()
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = self.turns.request(
                "POST",
                f"{self.base_url}/webhooks/{CHANNEL}/webhook",
                body=json.dumps(body).encode("utf-8"),
                headers={
                    "Content-Type": "application/json",
                    "X-Conversation-Id": sender,
                    "Authorization": f"Bearer {self.token}",
                },
            )
        except urllib3.exceptions.HTTPError as error:
            raise RasaUnavailable(f"{type(error).__name__} (Rasa unreachable)") from error
        finally:
            RASA_SECONDS.labels("message").observe(time.perf_counter() - started)
        if response.status != 200:
            raise RasaUnavailable(f"Rasa answered {response.status}")
        try:
            return list((json.loads(response.data) or {}).get("messages") or [])
        except (ValueError, AttributeError) as error:
            raise RasaUnavailable("Rasa answered something that is not its JSON") from error

    def tracker_slots(self, sender: str) -> dict[str, Any]:
        """Current slots and active loop of a conversation (no events: they are not needed).
        Not for a turn: what a turn asks comes with its messages."""
        started = time.perf_counter()
        try:
            response = self.session.get(
                f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker",
                params={"include_events": "NONE", "token": self.token},
                headers={"X-Conversation-Id": sender},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise RasaUnavailable(f"{type(error).__name__} (Rasa unreachable)") from error
        finally:
            RASA_SECONDS.labels("tracker").observe(time.perf_counter() - started)
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        tracker = response.json()
        slots = dict(tracker.get("slots") or {})
        slots["__active_loop"] = (tracker.get("active_loop") or {}).get("name")
        return slots

    def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Appends events to a tracker (pause, resume, slot, action_listen), as given."""
        self._call_api(
            "POST", f"/conversations/{quote(sender, safe='')}/tracker/events", events, sender
        )

    def execute_action(self, sender: str, name: str) -> list[dict[str, Any]]:
        """Runs one action (or response) in a conversation; returns the bot's messages, as a
        turn's (the SMS wording, each question with its data: webhook/reply.py).

        Rasa then predicts nothing more: the caller decides what follows. (Rasa's answer also
        holds a tracker, but the one read BEFORE the action ran: it is not used.)
        """
        body = self._call_api(
            "POST",
            f"/conversations/{quote(sender, safe='')}/execute",
            {"name": name},
            sender,
            {"output_channel": CHANNEL},
        )
        return list(body.get("messages") or [])

    def domain(self) -> dict[str, Any]:
        """The trained model's domain (actions, responses, forms), as JSON."""
        return self._call_api("GET", "/domain")

    def _call_api(
        self,
        method: str,
        path: str,
        body: Any = None,
        conversation_id: str = "",
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params={"include_events": "NONE", "token": self.token, **(params or {})},
                json=body,
                headers={"Accept": "application/json", "X-Conversation-Id": conversation_id},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            # Not str(error): it holds the URL, and so the token.
            raise RasaUnavailable(f"{type(error).__name__} on {method} {path}") from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code} on {method} {path}")
        return dict(response.json() or {})

    def healthy(self) -> bool:
        try:
            return self.session.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
