"""The helpline's facts reach the domain's responses as template variables.

Through the real Rasa server: tests/e2e/test_helpline_texts.py."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path

import pytest
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.helpline import HELPLINE, Helpline
from bot.settings import ROOT, resolved_environment
from rasa_addons.helpline_nlg import HelplineNaturalLanguageGenerator

DOMAIN = Domain.from_dict(
    {
        "slots": {"first_name": {"type": "text", "mappings": [{"type": "custom"}]}},
        "responses": {
            "utter_hours": [{"text": "Le {helpline_number} répond {helpline_hours}."}],
            "utter_call": [
                {"text": "Appelez le {helpline_number} ({helpline_hours_short})."},
                {"text": "Appelez le {helpline_number}, dès {helpline_opens}.", "channel": "voice"},
            ],
            "utter_named": [
                {"text": "{first_name}, le {helpline_number} ouvre à {helpline_opens}."}
            ],
        },
    }
)


def generate(nlg: NaturalLanguageGenerator, name: str, channel: str = "sms", **kwargs: str) -> str:
    tracker = DialogueStateTracker.from_events(
        "someone", [SlotSet("first_name", "Alice")], DOMAIN.slots
    )
    response = asyncio.run(nlg.generate(name, tracker, channel, **kwargs))
    assert response is not None
    return response["text"]


def test_endpoints_yml_makes_rasa_build_this_generator(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As scripts/serve_rasa.py reads endpoints.yml (its ${VARS} from the settings)."""
    environment = {"DOTENV_PATH": str(tmp_path / "none.env"), "ACTION_SERVER_TOKEN": "t"}
    for key, value in resolved_environment(environment).items():
        monkeypatch.setenv(key, value)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    nlg = NaturalLanguageGenerator.create(endpoints.nlg, DOMAIN)
    assert isinstance(nlg, HelplineNaturalLanguageGenerator)
    assert generate(nlg, "utter_hours") == (f"Le {HELPLINE.number} répond {HELPLINE.hours_text}.")


def test_channel_variants_still_apply() -> None:
    nlg = HelplineNaturalLanguageGenerator(domain=DOMAIN)
    assert generate(nlg, "utter_call") == "Appelez le 34 22 (lun-ven 8h30-17h)."
    assert generate(nlg, "utter_call", "voice") == "Appelez le 34 22, dès 8h30."


def test_slots_and_explicit_values_still_fill_the_rest() -> None:
    nlg = HelplineNaturalLanguageGenerator(domain=DOMAIN)
    assert generate(nlg, "utter_named") == ("Alice, le 34 22 ouvre à 8h30.")
    assert generate(nlg, "utter_hours", helpline_hours="demain") == "Le 34 22 répond demain."


def test_another_helpline_changes_every_response() -> None:
    nlg = HelplineNaturalLanguageGenerator(
        domain=DOMAIN, helpline=Helpline(number="39 39", opens=time(9, 0))
    )
    assert generate(nlg, "utter_call", "voice") == "Appelez le 39 39, dès 9h."
