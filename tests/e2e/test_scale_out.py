"""Scale-out: two Rasa servers, two action servers and two webhook workers against one Redis,
HAProxy routing each conversation to one Rasa server (scripts/scale_stack.py, docs/SCALING.md).

Many people activate at once; every conversation must end activated with its own identifier
(no crossed turns), every reply must be the one its message calls for (no lost turns), and the
router's log must show each conversation on exactly one Rasa server, and both servers used.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.conftest import Backend
from tests.support.people import person, spaced
from tests.support.scaled_stack import ScaledStack, make_scaled_stack
from tests.support.twilio_client import SmsPhone
from webhook.conversations import ConversationStore

pytestmark = pytest.mark.stack

PEOPLE = 16
AT_ONCE = 8
PASSWORD = "Soleil#Vert2026"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledStack]:
    assert shutil.which("haproxy"), "haproxy is missing: run scripts/ensure-haproxy"
    running = make_scaled_stack(tmp_path_factory.mktemp("scaled"))
    running.start()
    yield running
    running.stop()


def activate(stack: ScaledStack, someone: dict[str, str], code: str, identifier: str,
             start: threading.Barrier) -> list[str]:  # fmt: skip
    """One complete activation; returns what went wrong (nothing when every reply fits)."""
    phone = SmsPhone(stack, someone["mobile"])
    script = [
        ("Bonjour", "code provisoire"),
        (code, "sécurité sociale"),
        (spaced(someone["nir"]), "identité est vérifiée"),
        ("avec photo", "numéro de série"),
        (someone["card_serial"], "activer"),
        ("1", "acceptez-vous"),
        ("oui", "sont-elles correctes"),
        ("oui", "identifiant"),
        (identifier, "mot de passe"),
        (PASSWORD, "à nouveau"),
        (PASSWORD, "activé"),
    ]
    start.wait()
    problems = []
    for text, expected in script:
        reply = phone.send(text)
        if expected not in reply.lower():
            problems.append(f"{someone['mobile']}: {expected!r} not in {reply[:120]!r}")
            break
    return problems


def routed_requests(stack: ScaledStack) -> list[dict]:
    lines = []
    for line in stack.log_path.read_text(errors="replace").splitlines():
        payload = line.split("| ", 1)[-1]
        if '"service":"router"' in payload:
            lines.append(json.loads(payload))
    return lines


def test_conversations_complete_on_two_rasa_servers(scaled: ScaledStack) -> None:
    backend = Backend(scaled)
    people = []
    for n in range(PEOPLE):
        someone = person("with_photo")
        code = backend.create_insured(**someone)["provisional_code"]
        people.append((someone, code, f"camille.scale{chr(97 + n)}{chr(97 + n % 7)}85"))
    start = threading.Barrier(AT_ONCE)
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        outcomes = list(pool.map(lambda p: activate(scaled, *p, start), people))

    assert [problem for problems in outcomes for problem in problems] == []
    for someone, _code, identifier in people:
        insured = backend.insured(someone["nir"])
        assert (insured["status"], insured["identifier"]) == ("activated", identifier)

    ids = ConversationStore(None, None, scaled.env["VAULT_KEY"], 0)  # type: ignore[arg-type]
    wanted = {ids.conversation_id("sms", someone["mobile"]) for someone, _, _ in people}
    servers = defaultdict(set)
    for routed in routed_requests(scaled):
        if routed["backend"] == "rasa" and routed["conversation_id"] in wanted:
            assert routed["status"] == 200, routed
            servers[routed["conversation_id"]].add(routed["server"])
    assert set(servers) == wanted, "some conversations never reached the router"
    assert all(len(used) == 1 for used in servers.values()), dict(servers)
    assert {server for used in servers.values() for server in used} == {"rasa1", "rasa2"}


def test_metrics_add_up_every_webhook_worker(scaled: ScaledStack) -> None:
    """gunicorn workers share nothing in memory: /metrics must still count every turn."""

    def sms_turns() -> float:
        text = requests.get(scaled.webhook_url + "/metrics", timeout=10).text
        for line in text.splitlines():
            if line.startswith('mes_webhook_turn_seconds_count{channel="sms"}'):
                return float(line.split()[-1])
        return 0.0

    before = sms_turns()
    phones = [SmsPhone(scaled, f"+3366000{n:04d}") for n in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda phone: phone.send("Bonjour"), phones))
    assert sms_turns() - before == 12
