"""Numbers read as the set of their groupings (bot/number_readings.py), and the examples of
issue 13 ("Understand what people write and say"), each with its expected value."""

from __future__ import annotations

import pytest

from bot.contact_details import parse_mobile
from bot.nir import check_nir
from bot.number_readings import NumberSpan, number_spans, readings
from tests.support.french_speller import say_group


def only_span(text: str) -> NumberSpan:
    (span,) = number_spans(text, corsica=True)
    return span


def groupings(text: str) -> set[tuple[str, ...]]:
    return {reading.groups for reading in readings(only_span(text))}


def digit_strings(text: str, length: int | None = None) -> set[str]:
    found = {reading.digits for reading in readings(only_span(text))}
    return {digits for digits in found if length is None or len(digits) == length}


def test_every_grouping_is_kept_where_nothing_is_written() -> None:
    # "quatre vingt deux": 82, 4 22, 4 20 2 (and 80 2, "quatre-vingt" without its -s)
    assert {("82",), ("4", "22"), ("4", "20", "2")} <= groupings("quatre vingt deux")


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("quatre-vingt-deux", ("82",)),  # a hyphenated number is one number
        ("quatre-vingts douze", ("80", "12")),  # the plural -s ends a number
        ("quatre vingts douze", ("80", "12")),
        ("zéro quatre, vingt-deux", ("0", "4", "22")),  # a comma is a boundary
        ("zéro quatre, vingt deux", None),  # 22 or 20 2: both kept
        ("soixante dix-sept", ("60", "17")),  # a person who hyphenates wrote 60 17
        ("vingt quatre-vingt-cinq", ("20", "85")),
        ("cent-vingt-trois cent", ("123", "100")),  # 1990 spelling: every space a boundary
        ("septante et un", ("71",)),
        ("huitante-et-un", ("81",)),
        ("nonante-neuf", ("99",)),
        ("octante", ("80",)),
        ("vingt-un", ("21",)),
        ("double zéro six", ("00", "6")),
        ("deux zéros", ("00",)),
        ("zéro six 12 34 56 78", ("0", "6", "12", "34", "56", "78")),
        ("06 douze 34 56 78", ("06", "12", "34", "56", "78")),
        ("1 85 05 78 006 084 clé 91", ("1", "85", "05", "78", "006", "084", "91")),
        ("1 85 05 78 006 084 et la clé 91", ("1", "85", "05", "78", "006", "084", "91")),
    ],
)
def test_written_boundaries_narrow_the_readings(text: str, groups: tuple[str, ...] | None) -> None:
    found = groupings(text)
    if groups is None:
        assert len(found) > 1
    else:
        assert found == {groups}


def test_the_first_reading_is_what_a_listener_makes() -> None:
    assert next(readings(only_span("mille neuf cent quatre vingt cinq"))).groups == ("1985",)
    assert next(readings(only_span("dix-neuf cent quatre-vingt-cinq"))).groups == ("1985",)


# -- every example quoted under "Why" in issue 13 (the e-mail ones are another module's) ------
def test_why_serial_in_a_sentence() -> None:
    from bot.card import check_serial

    assert check_serial("le numéro de série c'est 3061383869 4", "with_photo").value == (
        "30613838694"
    )
    assert check_serial("N° 0102457612-4", "with_photo").value == "01024576124"


NIR = "185057800608491"


@pytest.mark.parametrize(
    "text",
    [
        "zéro quatre, vingt-deux",  # the boundary kept: 04 22, not 0 82
        "trente et un, cinq cent vingt, sept cent",  # 31 520 7…, not …527…
    ],
)
def test_why_boundaries_are_kept(text: str) -> None:
    expected = {
        "zéro quatre, vingt-deux": "0422",
        "trente et un, cinq cent vingt, sept cent": "31520700",
    }
    assert expected[text] in digit_strings(text)
    assert next(readings(only_span(text))).digits == expected[text]


def test_why_mobile_said_with_hyphens() -> None:
    said = "zéro six trente quatre-vingt-cinq douze trente-quatre"
    assert parse_mobile(said).value == "+33630851234"  # not +33634251234


def test_why_mobile_without_hyphens_is_confirmed_not_taken() -> None:
    check = parse_mobile("zéro six trente quatre vingt cinq douze trente quatre")
    assert check.value is None and check.error == "unsure"
    assert set(check.proposals) == {"+33630851234", "+33634251234"}


@pytest.mark.parametrize("text", ["zéro six 12 34 56 78", "06 douze 34 56 78"])
def test_why_words_and_digits_mixed(text: str) -> None:
    assert parse_mobile(text).value == "+33612345678"


@pytest.mark.parametrize("text", ["1 85 05 78 006 084 clé 91", "1 85 05 78 006 084 et la clé 91"])
def test_why_key_after_cle(text: str) -> None:
    assert check_nir(text).value == NIR


def test_why_birth_date_in_a_sentence() -> None:
    from datetime import date

    from bot.birth_date import parse_birth_date

    assert parse_birth_date("je suis né le 3 mars en 1985", date(2026, 1, 1)).value == date(
        1985, 3, 3
    )


@pytest.mark.parametrize(
    ("text", "digits"),
    [("septante et un", "71"), ("huitante-et-un", "81"), ("vingt-un", "21")],
)
def test_why_belgian_swiss_and_vingt_un(text: str, digits: str) -> None:
    assert digit_strings(text) == {digits}


# -- all 10,000 pairs of two-digit groups, with a written boundary ------------------------------
PAIRS = [(f"{a:02d}", f"{b:02d}") for a in range(100) for b in range(100)]
BOUNDARIES = {
    "comma": lambda a, b: f"{say_group(a, 'plain')}, {say_group(b, 'plain')}",
    "comma, hyphenated words": lambda a, b: (
        f"{say_group(a, 'traditional')}, {say_group(b, 'traditional')}"
    ),
    "dash": lambda a, b: f"{say_group(a, 'plain')} - {say_group(b, 'plain')}",
    "hyphenated words": lambda a, b: f"{say_group(a, 'hyphens')} {say_group(b, 'hyphens')}",
}


@pytest.mark.parametrize("boundary", sorted(BOUNDARIES))
def test_all_pairs_of_two_digit_groups(boundary: str) -> None:
    """Every pair said with a boundary between the groups has exactly one four-digit reading,
    the right one (the field, two groups of two digits, gives the length)."""
    say = BOUNDARIES[boundary]
    wrong = [
        (a, b, found) for a, b in PAIRS if (found := digit_strings(say(a, b), length=4)) != {a + b}
    ]
    assert wrong == [], wrong[:5]
    assert len(PAIRS) == 10_000
