"""Dates of birth as people type and say them (bot/birth_date.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.birth_date import (
    BIRTH_DATE_ERRORS,
    BirthDateCheck,
    format_birth_date,
    month_number,
    parse_birth_date,
)

TODAY = date(2025, 6, 15)

# (what the person typed or said, the date it stands for). Day first, always.
DATE_FORMS = [
    # typed, numeric
    ("03/03/1985", date(1985, 3, 3)),
    ("3/3/1985", date(1985, 3, 3)),
    ("3-3-85", date(1985, 3, 3)),
    ("03-03-1985", date(1985, 3, 3)),
    ("3.3.1985", date(1985, 3, 3)),
    ("03.03.85", date(1985, 3, 3)),
    ("03 03 1985", date(1985, 3, 3)),
    ("03 / 03 / 1985", date(1985, 3, 3)),
    ("03031985", date(1985, 3, 3)),
    ("030385", date(1985, 3, 3)),
    ("03/04/1985", date(1985, 4, 3)),  # 3 April, never 4 March
    ("12/11/1970", date(1970, 11, 12)),
    ("31/12/1999", date(1999, 12, 31)),
    ("29/02/2000", date(2000, 2, 29)),
    ("１５／０８／１９６２", date(1962, 8, 15)),  # full-width
    ("1985-03-03", date(1985, 3, 3)),  # ISO, year first
    ("1985/03/03", date(1985, 3, 3)),
    # two-digit years: the most recent year not in the future
    ("3/3/05", date(2005, 3, 3)),
    ("15/06/25", date(2025, 6, 15)),  # born today
    ("16/06/25", date(1925, 6, 16)),  # 2025-06-16 would be tomorrow
    ("1/1/00", date(2000, 1, 1)),
    ("12/11/70", date(1970, 11, 12)),
    # month names, with or without accents, abbreviated
    ("3 mars 1985", date(1985, 3, 3)),
    ("03 mars 85", date(1985, 3, 3)),
    ("3 Mars 1985", date(1985, 3, 3)),
    ("3 MARS 1985", date(1985, 3, 3)),
    ("3 février 1985", date(1985, 2, 3)),
    ("3 fevrier 1985", date(1985, 2, 3)),
    ("3 févr. 1985", date(1985, 2, 3)),
    ("14 juillet 1989", date(1989, 7, 14)),
    ("14 juil. 1989", date(1989, 7, 14)),
    ("15 août 1962", date(1962, 8, 15)),
    ("15 aout 1962", date(1962, 8, 15)),
    ("3 sept 1985", date(1985, 9, 3)),  # dateparser and text2num read "sept" as 7
    ("3 sept. 85", date(1985, 9, 3)),
    ("21 septembre 1977", date(1977, 9, 21)),
    ("3 déc 1985", date(1985, 12, 3)),
    ("3 decembre 1985", date(1985, 12, 3)),
    ("1er janvier 1990", date(1990, 1, 1)),
    ("1er sept 1990", date(1990, 9, 1)),
    ("3 mai 2001", date(2001, 5, 3)),
    ("3-mars-1985", date(1985, 3, 3)),
    ("3mars1985", date(1985, 3, 3)),
    ("3sept1985", date(1985, 9, 3)),
    ("3 mars, 1985", date(1985, 3, 3)),
    # inside a sentence
    ("le 3 mars 1985", date(1985, 3, 3)),
    ("né le 3/3/1985", date(1985, 3, 3)),
    ("Née le : 03/03/1985.", date(1985, 3, 3)),
    ("je suis né le 3 mars 1985 à Lyon", date(1985, 3, 3)),
    ("lundi 4 mars 1985", date(1985, 3, 4)),
    ("c'est le 03/03/1985, je répète 03/03/1985", date(1985, 3, 3)),
    ("31/02/1985 non pardon 28/02/1985", date(1985, 2, 28)),
    # spoken
    ("trois mars mille neuf cent quatre-vingt-cinq", date(1985, 3, 3)),
    ("le trois mars mil neuf cent quatre vingt cinq", date(1985, 3, 3)),
    ("trois mars dix-neuf cent quatre-vingt-cinq", date(1985, 3, 3)),
    ("trois mars dix-neuf quatre-vingt-cinq", date(1985, 3, 3)),
    ("trois mars quatre-vingt-cinq", date(1985, 3, 3)),
    ("premier janvier quatre-vingt-dix", date(1990, 1, 1)),
    ("le premier janvier mille neuf cent quatre-vingt-dix", date(1990, 1, 1)),
    ("un janvier quatre-vingt-dix", date(1990, 1, 1)),
    ("vingt et un juin deux mille", date(2000, 6, 21)),
    ("trente et un décembre mille neuf cent soixante-dix", date(1970, 12, 31)),
    ("vingt-neuf février deux mille quatre", date(2004, 2, 29)),
    ("zéro trois zéro trois quatre-vingt-cinq", date(1985, 3, 3)),
    ("trois trois quatre-vingt-cinq", date(1985, 3, 3)),
    ("trois sept quatre-vingt-cinq", date(1985, 7, 3)),  # spoken "sept" is seven: 3/7
    ("le 3 mars mille neuf cent quatre-vingt-cinq", date(1985, 3, 3)),
]


@pytest.mark.parametrize(("text", "expected"), DATE_FORMS)
def test_date_forms(text: str, expected: date) -> None:
    check = parse_birth_date(text, today=TODAY)
    assert (check.value, check.error) == (expected, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200b", "empty"),
        ("bonjour", "not_a_date"),
        ("je ne sais pas", "not_a_date"),
        ("hier", "not_a_date"),  # dateparser would answer yesterday
        ("il y a quarante ans", "not_a_date"),
        ("1985", "not_a_date"),
        ("31/02/1985", "not_a_date"),
        ("30 février 1985", "not_a_date"),
        ("29/02/1985", "not_a_date"),
        ("03/13/1985", "not_a_date"),  # no month-first reading
        ("32/01/1985", "not_a_date"),
        ("00/01/1985", "not_a_date"),
        ("3 truc 1985", "not_a_date"),
        ("3 mars", "incomplete"),
        ("le trois mars", "incomplete"),
        ("mars 1985", "incomplete"),
        ("03/03", "incomplete"),
        ("3/3/1985 ou 4/3/1985", "ambiguous"),
        ("3 mars 1985 ou peut-être 3 mars 1986", "ambiguous"),
        ("16/06/2025", "in_future"),
        ("3 mars 2099", "in_future"),
        ("14/06/1905", "too_old"),
        ("3 mars 1885", "too_old"),
    ],
)
def test_errors(text: str, error: str) -> None:
    assert error in BIRTH_DATE_ERRORS
    assert parse_birth_date(text, today=TODAY) == BirthDateCheck(None, error)


def test_age_limit_is_inclusive() -> None:
    assert parse_birth_date("15/06/1905", today=TODAY).value == date(1905, 6, 15)
    assert parse_birth_date("15/06/2025", today=TODAY).value == TODAY


def test_leap_day_today() -> None:
    leap = date(2020, 2, 29)  # 120 years before, 1900, has no 29 February
    assert parse_birth_date("28/02/1900", today=leap).value == date(1900, 2, 28)
    assert parse_birth_date("27/02/1900", today=leap).error == "too_old"


def test_today_defaults_to_the_real_date() -> None:
    assert parse_birth_date("03/03/1985").value == date(1985, 3, 3)
    assert parse_birth_date(f"01/01/{date.today().year + 1}").error == "in_future"


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("janvier", 1),
        ("janv", 1),
        ("févr.", 2),
        ("mar", 3),
        ("avr", 4),
        ("aout", 8),
        ("sept", 9),
        ("sept.", 9),
        ("déc", 12),
        ("hier", None),
        ("lundi", None),
        ("truc", None),
    ],
)
def test_month_number(word: str, month: int | None) -> None:
    assert month_number(word) == month


@pytest.mark.parametrize(
    ("value", "text"),
    [(date(1985, 3, 3), "03/03/1985"), (date(2000, 12, 31), "31/12/2000")],
)
def test_format_birth_date(value: date, text: str) -> None:
    assert format_birth_date(value) == text
    assert parse_birth_date(text, today=TODAY).value == value
