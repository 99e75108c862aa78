"""The console's shared pieces, built once per app next to the webhook's services."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from flask import current_app

from webhook.advisor.accounts import AdvisorAccounts
from webhook.advisor.audit import AuditLog
from webhook.advisor.handoff import Handoff, index_existing_conversations
from webhook.advisor.hours import Clock, HelplineHours
from webhook.advisor.login_guard import LoginGuard
from webhook.advisor.sessions import SessionStore
from webhook.services import Services

logger = logging.getLogger(__name__)


@dataclass
class Console:
    clock: Clock
    hours: HelplineHours
    accounts: AdvisorAccounts
    login_guard: LoginGuard
    sessions: SessionStore
    audit: AuditLog
    handoff: Handoff
    services: Services

    @classmethod
    def build(cls, services: Services, clock: Clock) -> Console:
        try:
            index_existing_conversations(services.conversations)
        except redis.RedisError as error:  # Redis not up yet: the next start does it
            logger.warning("advisor queue index not built: %s", type(error).__name__)
        return cls(
            clock=clock,
            hours=HelplineHours(clock, services.settings.helpline),
            accounts=AdvisorAccounts(services.redis, services.vault, clock),
            login_guard=LoginGuard(services.redis),
            sessions=SessionStore(services.redis, clock),
            audit=AuditLog(services.redis, clock),
            handoff=Handoff(services),
            services=services,
        )

    def on_waiting(self, conversation_id: str) -> list[str]:
        """`Dialogue.on_waiting`: the request joins the queue in order; out of hours, the person
        is told when advisors are there (the request stays in the queue)."""
        self.services.conversations.mark_waiting_since(conversation_id)
        notice = self.hours.closed_notice()
        return [notice] if notice else []


def console() -> Console:
    return current_app.extensions["advisor"]
