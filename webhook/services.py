"""The webhook's shared services, built once per app from the settings."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from flask import current_app

from bot.redis_client import connect
from bot.settings import Settings
from bot.vault import Vault
from messaging import Messenger
from webhook.conversations import ConversationStore
from webhook.dialogue import Dialogue
from webhook.rasa_client import RasaClient


@dataclass
class Services:
    settings: Settings
    redis: redis.Redis
    vault: Vault
    rasa: RasaClient
    conversations: ConversationStore
    messenger: Messenger
    dialogue: Dialogue

    @classmethod
    def build(cls, settings: Settings) -> Services:
        client = connect(
            settings.redis_url, socket_timeout=3, socket_connect_timeout=2, health_check_interval=30
        )
        vault = Vault(client, settings.vault_key, settings.vault_ttl_seconds)
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds)
        conversations = ConversationStore(
            client, vault, settings.vault_key, settings.conversation_retention_seconds
        )
        return cls(
            settings=settings,
            redis=client,
            vault=vault,
            rasa=rasa,
            conversations=conversations,
            messenger=Messenger.from_settings(settings, client),
            dialogue=Dialogue(
                rasa,
                vault,
                conversations,
                # rasa-sdk's own liveness route (our /healthz also checks the backend).
                action_health_url=settings.action_endpoint_url.rsplit("/webhook", 1)[0] + "/health",
            ),
        )


def services() -> Services:
    return current_app.extensions["mes"]
