"""The webhook's own SMS lines (webhook/texts.py) cost like the dialogue's: two segments at most."""

from __future__ import annotations

import pytest

from bot.sms_text import is_gsm7, segments, to_gsm7
from webhook import texts

#: The sections read by SMS (the console's lines and the phone's words are not).
SMS_PREFIXES = ("SMS_", "ERASE_", "ADVISOR_", "ADVISORS_AWAY", "ASSISTANT_")
LONGEST_VALUES = {"first_name": "Marie-Christine", "when": "aujourd'hui dès 8h30"}


def sms_lines() -> list[tuple[str, str]]:
    return [
        (name, value.format(**LONGEST_VALUES))
        for name, value in vars(texts).items()
        if name.startswith(SMS_PREFIXES) and isinstance(value, str)
    ]


def test_every_section_read_by_sms_has_lines() -> None:
    assert {name.split("_")[0] for name, _ in sms_lines()} >= {"SMS", "ERASE", "ADVISOR"}


@pytest.mark.parametrize(("name", "text"), sms_lines())
def test_each_sms_line_fits_in_two_gsm7_segments(name: str, text: str) -> None:
    sms = to_gsm7(text)
    assert is_gsm7(sms) and segments(sms) <= 2, f"{name} takes {segments(sms)} SMS segments"
