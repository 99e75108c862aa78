"""The helpline's facts reach a person through the real Rasa server's NLG (endpoints.yml `nlg:`,
rasa_addons/helpline_nlg.py): the domain writes `{helpline_number}`, the person reads 34 22."""

from __future__ import annotations

import pytest
import yaml

from bot.helpline import HELPLINE
from bot.settings import ROOT
from bot.sms_text import to_gsm7
from tests.support.twilio_client import SmsPhone, next_number

pytestmark = pytest.mark.stack


def response_text(name: str) -> str:
    """The domain's text of a response, as written (with its variables)."""
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        if name in responses:
            return responses[name][0]["text"]
    raise AssertionError(f"{name} is not in the domain")


def test_the_hours_question_is_answered_with_the_helplines_facts(stack) -> None:  # type: ignore[no-untyped-def]
    written = response_text("utter_hours")
    assert "{helpline_number}" in written and "{helpline_hours}" in written
    reply = SmsPhone(stack, next_number()).send("Quels sont les horaires du 34 22 ?")
    assert to_gsm7(written.format(**HELPLINE.template_values())) in reply
    assert to_gsm7(HELPLINE.hours_text) in reply and "{" not in reply
