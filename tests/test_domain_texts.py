"""What the assistant says costs money per SMS segment: every response stays short."""

from __future__ import annotations

import pytest
import yaml

from bot import replies
from bot.settings import ROOT
from bot.sms_text import is_gsm7, segments, to_gsm7


def domain_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        for name, variants in (
            (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        ).items():
            # the phone's variants are spoken, not sent: they cost no SMS segment
            texts += [(name, v["text"]) for v in variants if v.get("text") and not v.get("channel")]
    return texts


def reply_texts() -> list[tuple[str, str]]:
    tables = [
        replies.NIR_ERRORS,
        replies.CODE_ERRORS,
        replies.SERIAL_ERRORS,
        replies.NOT_UNDERSTOOD,
    ]
    return [(key, text) for table in tables for key, text in table.items()]


@pytest.mark.parametrize(("name", "text"), domain_texts() + reply_texts())
def test_each_message_fits_in_two_gsm7_segments(name: str, text: str) -> None:
    sms = to_gsm7(text)
    assert is_gsm7(sms)
    assert "?" not in sms.replace(" ?", ""), f"{name}: a character had no GSM-7 equivalent"
    assert segments(sms) <= 2, f"{name} takes {segments(sms)} SMS segments"
