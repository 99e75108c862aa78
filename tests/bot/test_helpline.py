"""The helpline's facts (bot/helpline.py): France's public holidays, and how texts say the hours."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from dateutil.easter import easter

from bot.helpline import HELPLINE, Helpline, clock_text, easter_sunday, public_holidays
from bot.settings import load_settings


def test_easter_agrees_with_dateutil_over_five_centuries() -> None:
    assert all(easter_sunday(year) == easter(year) for year in range(1800, 2300))


def test_the_public_holidays_of_2026() -> None:
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 3, 10, 7, 30), True),  # Tuesday 8:30 in Paris (UTC+1)
        (datetime(2026, 3, 10, 7, 29), False),
        (datetime(2026, 7, 7, 14, 59), True),  # 16:59 in Paris (UTC+2)
        (datetime(2026, 7, 7, 15, 0), False),
        (datetime(2026, 7, 14, 10, 0), False),  # Bastille Day, a Tuesday
        (datetime(2026, 3, 14, 10, 0), False),  # Saturday
    ],
)
def test_open_in_paris_time(moment: datetime, open_: bool) -> None:
    assert HELPLINE.is_open(moment.replace(tzinfo=timezone.utc)) is open_


def test_the_words_for_the_hours() -> None:
    assert HELPLINE.template_values() == {
        "helpline_number": "34 22",
        "helpline_hours": "du lundi au vendredi de 8h30 à 17h, sauf jours fériés",
        "helpline_hours_short": "lun-ven 8h30-17h",
        "helpline_opens": "8h30",
    }
    other = Helpline(opens=time(9, 0), closes=time(18, 45), working_days=(0, 2, 4))
    assert other.hours_text == "lundi, mercredi et vendredi de 9h à 18h45, sauf jours fériés"
    assert other.hours_short == "lundi, mercredi, vendredi 9h-18h45"
    assert clock_text(time(8, 5)) == "8h05"


def test_the_settings_hand_the_helpline_on() -> None:
    assert load_settings({}).helpline is HELPLINE
