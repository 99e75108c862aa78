"""Faults, with every real service: Redis restarted (append-only file), the action server
killed, the backend slow, Rasa killed, two messages at once. What the person receives is
asserted (TwiML, and SMS sent later through the fake Twilio API).

This module runs its own stack: Redis is a server the test owns (`REDIS_URL`), Rasa and the
action server run outside honcho (`STACK_WITHOUT`), and the actions reach the backend through
a delaying proxy. Rasa is killed last.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from bot.sms_text import to_gsm7
from tests.e2e.conftest import Backend
from tests.fakes.twilio_api import FakeTwilioApi
from tests.support.canary import files_under, find_secrets
from tests.support.outside_service import OutsideService
from tests.support.people import person, spaced
from tests.support.redis_server import RedisServer
from tests.support.slow_proxy import SlowProxy
from tests.support.stack import Stack, make_stack
from tests.support.twilio_client import next_number, signed_post, twiml_messages
from webhook.texts import ACTIONS_DOWN, HOLDING, RASA_DOWN

pytestmark = pytest.mark.stack
DEADLINE = 5  # TURN_DEADLINE_SECONDS of this stack
USED_SECRETS: list[str] = []  # every NIR and code given in this module, for the final canary


@dataclass
class FaultStack:
    stack: Stack
    redis: RedisServer
    proxy: SlowProxy
    actions: OutsideService
    rasa: OutsideService
    twilio_api: FakeTwilioApi
    backend: Backend


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    var_dir = tmp_path_factory.mktemp("faults")
    (var_dir / "redis").mkdir()
    server = RedisServer(var_dir / "redis", appendonly=True)
    server.start()
    with FakeTwilioApi() as api:
        stack = make_stack(
            var_dir,
            twilio_api_base_url=api.base_url,
            TWILIO_ACCOUNT_SID=api.account_sid,
            TWILIO_AUTH_TOKEN=api.auth_token,
            REDIS_URL=server.url,
            STACK_WITHOUT="actions,rasa",
            TURN_DEADLINE_SECONDS=str(DEADLINE),
            RASA_TIMEOUT_SECONDS="40",
        )
        proxy = SlowProxy(stack.backend_url).start()
        stack.env["BACKEND_URL"] = proxy.url
        actions = OutsideService("actions", stack.env, stack.actions_url + "/health")
        rasa = OutsideService("rasa", stack.env, stack.rasa_url + "/healthz")
        actions.start()
        rasa.start()
        try:
            stack.start()
            yield FaultStack(stack, server, proxy, actions, rasa, api, Backend(stack))
        finally:
            stack.stop()
            rasa.kill()
            actions.kill()
            proxy.stop()
            server.stop()


def send(f: FaultStack, number: str, body: str, sid: str | None = None) -> str:
    params = {
        "MessageSid": sid or "SM" + secrets.token_hex(16),
        "AccountSid": f.twilio_api.account_sid,
        "From": number,
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
    }
    response = signed_post(
        f.stack.webhook_url, f.stack.public_base_url, f.twilio_api.auth_token, "/twilio/sms", params
    )
    assert response.status_code == 200, response.text
    return "\n".join(twiml_messages(response.text))


def later_sms(f: FaultStack, number: str, already: int, timeout: float = 60) -> str:
    """The next SMS sent to `number` through the Messages API after `already` of them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = f.twilio_api.messages_to(number)
        if len(sent) > already:
            return sent[already]["body"]
        time.sleep(0.2)
    raise AssertionError("no SMS arrived after the holding message")


def reply(f: FaultStack, number: str, body: str) -> str:
    """What the person finally reads for one message (a holding message is followed up)."""
    already = len(f.twilio_api.messages_to(number))
    text = send(f, number, body)
    return later_sms(f, number, already) if text == to_gsm7(HOLDING) else text


def identified(f: FaultStack) -> tuple[str, dict[str, str]]:
    """A person at the card step (code and NIR given)."""
    someone = person("with_photo")
    code = f.backend.create_insured(**someone)["provisional_code"]
    USED_SECRETS.extend((someone["nir"], code))
    number = next_number()
    reply(f, number, "Bonjour")
    assert "sécurité sociale" in reply(f, number, code).lower()
    assert "vérifiée" in reply(f, number, spaced(someone["nir"]))
    return number, someone


def test_two_messages_at_once_are_handled_in_order(faults: FaultStack) -> None:
    someone = person("with_photo")
    code = faults.backend.create_insured(**someone)["provisional_code"]
    USED_SECRETS.extend((someone["nir"], code))
    number = next_number()
    reply(faults, number, "Bonjour")
    answers: dict[str, str] = {}

    def deliver(name: str, body: str) -> None:
        answers[name] = reply(faults, number, body)

    first = threading.Thread(target=deliver, args=("code", code))
    second = threading.Thread(target=deliver, args=("nir", spaced(someone["nir"])))
    first.start()
    time.sleep(0.3)  # the NIR arrives while the code's turn is still running
    second.start()
    first.join(90)
    second.join(90)
    assert "sécurité sociale" in answers["code"].lower()
    assert "vérifiée" in answers["nir"]


def test_slow_backend_holding_message_then_the_result_once(faults: FaultStack) -> None:
    someone = person("with_photo")
    code = faults.backend.create_insured(**someone)["provisional_code"]
    USED_SECRETS.extend((someone["nir"], code))
    number = next_number()
    reply(faults, number, "Bonjour")
    reply(faults, number, code)
    faults.proxy.slow_down(12, ["/v1/identity-checks"])
    checks_before = faults.proxy.counts["/v1/identity-checks"]
    sid = "SM" + secrets.token_hex(16)
    already = len(faults.twilio_api.messages_to(number))
    try:
        assert send(faults, number, spaced(someone["nir"]), sid) == to_gsm7(HOLDING)
        assert send(faults, number, spaced(someone["nir"]), sid) == ""  # Twilio's retry
        result = later_sms(faults, number, already)
    finally:
        faults.proxy.slow_down(0, [])
    assert "vérifiée" in result and "photo" in result
    assert faults.proxy.counts["/v1/identity-checks"] - checks_before == 1
    assert "numéro de série" in reply(faults, number, "avec photo").lower()


def test_redis_restarted_mid_conversation_the_conversation_goes_on(faults: FaultStack) -> None:
    someone = person("without_photo")
    code = faults.backend.create_insured(**someone)["provisional_code"]
    USED_SECRETS.extend((someone["nir"], code))
    number = next_number()
    reply(faults, number, "Bonjour")
    assert "sécurité sociale" in reply(faults, number, code).lower()
    faults.redis.stop()
    faults.redis.start()
    assert "vérifiée" in reply(faults, number, spaced(someone["nir"]))
    assert "numéro de série" in reply(faults, number, "sans photo").lower()


def test_action_server_down_apology_and_advisor_then_it_comes_back(faults: FaultStack) -> None:
    number, someone = identified(faults)
    faults.actions.kill()
    try:
        started = time.monotonic()
        answer = send(faults, number, "avec photo")
        elapsed = time.monotonic() - started
        assert answer.startswith(to_gsm7(ACTIONS_DOWN)[:40])
        assert "conseiller" in answer.lower()
        assert elapsed < 10, elapsed  # generous: the apology is immediate (measured ~1 s)
        client = redis.Redis.from_url(faults.redis.url)
        waiting = [
            key
            for key in client.scan_iter("conv:c*")
            if not key.endswith(b":transcript") and client.hget(key, "state") == b"waiting"
        ]
        client.close()
        assert waiting, "the conversation did not join the advisors' queue"
    finally:
        faults.actions.start()
        faults.actions.wait_healthy()
    assert "numéro de série" in reply(faults, number, "avec photo").lower()


def test_rasa_down_apology_and_queued_for_an_advisor(faults: FaultStack) -> None:
    number, _ = identified(faults)
    faults.rasa.kill()
    answer = send(faults, number, "avec photo")
    assert answer.startswith(to_gsm7(RASA_DOWN)[:40])


def test_no_secret_left_in_clear_after_the_faults(faults: FaultStack) -> None:
    """Canary over this stack too: its logs, Redis' append-only file and the database."""
    assert len(USED_SECRETS) >= 10
    client = redis.Redis.from_url(faults.redis.url)
    try:
        hits = find_secrets(USED_SECRETS, client, files_under(faults.stack.log_path.parent))
    finally:
        client.close()
    assert hits == [], hits
