"""Out of the helpline's hours, a person asking for an advisor is told when they are there."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask import Flask

from bot.helpline import HELPLINE
from tests.advisor.conftest import FakeClock, open_conversation
from webhook.advisor.hours import HelplineHours


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> FakeClock:
    local = datetime(year, month, day, hour, minute, tzinfo=HELPLINE.zone)
    return FakeClock(local.astimezone(timezone.utc))


@pytest.mark.parametrize(
    ("clock", "open_", "when"),
    [
        (paris(2026, 3, 10, 10), True, None),  # Tuesday morning
        (paris(2026, 3, 10, 8, 30), True, None),
        (paris(2026, 3, 10, 16, 59), True, None),
        (paris(2026, 3, 10, 8, 29), False, "aujourd'hui dès 8h30"),
        (paris(2026, 3, 10, 17, 0), False, "demain dès 8h30"),
        (paris(2026, 3, 13, 18), False, "lundi dès 8h30"),  # Friday evening
        (paris(2026, 3, 14, 11), False, "lundi dès 8h30"),  # Saturday
        (paris(2026, 3, 15, 11), False, "demain dès 8h30"),  # Sunday
        (paris(2026, 7, 7, 8, 15), False, "aujourd'hui dès 8h30"),  # summer time (UTC+2)
        (paris(2026, 7, 7, 16, 45), True, None),
        # public holidays (bot/helpline.py)
        (paris(2026, 5, 14, 10), False, "demain dès 8h30"),  # Ascension Thursday
        (paris(2026, 4, 6, 9), False, "demain dès 8h30"),  # Easter Monday
        (paris(2026, 5, 22, 18), False, "mardi dès 8h30"),  # Friday before Whit Monday
        (paris(2026, 12, 24, 18), False, "lundi dès 8h30"),  # Christmas is a Friday
        (paris(2026, 12, 31, 17, 30), False, "lundi dès 8h30"),  # New Year's Day is a Friday
        (paris(2026, 12, 28, 10), True, None),
    ],
)
def test_helpline_hours_in_paris(clock: FakeClock, open_: bool, when: str | None) -> None:
    hours = HelplineHours(clock)
    assert hours.is_open() is open_
    notice = hours.closed_notice()
    if when is None:
        assert notice is None
    else:
        assert when in notice and "demande est gardée" in notice and "appelle" in notice


def test_the_out_of_hours_notice_is_one_sms(clock: FakeClock) -> None:
    from bot.sms_text import segments, to_gsm7

    notice = HelplineHours(paris(2026, 3, 14, 11)).closed_notice()
    assert notice is not None and segments(to_gsm7(notice)) == 1


def test_a_conversation_starting_to_wait_out_of_hours_gets_the_notice(
    app: Flask, clock: FakeClock
) -> None:
    """The hook `Dialogue._sync_state` calls when a conversation becomes "waiting"."""
    dialogue = app.extensions["mes"].dialogue
    store = app.extensions["mes"].conversations
    conversation_id = open_conversation(app, "+33611111111", state="bot")
    assert dialogue.on_waiting(conversation_id) == []  # Tuesday 10:00: advisors are in
    assert store.get(conversation_id)["waiting_since"]

    clock.now = paris(2026, 3, 14, 23)()  # Saturday night
    replies = dialogue.on_waiting(conversation_id)
    assert len(replies) == 1 and "lundi dès 8h30" in replies[0]
