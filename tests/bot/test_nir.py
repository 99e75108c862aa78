"""The NIR, however people give it (bot/nir.py)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.nir import (
    NirCheck,
    check_nir,
    find_nir_matches,
    find_nir_spans,
    format_nir_groups,
    mask_nir,
    nir_hash,
)

VALID = "185057800608491"  # 97 - (1850578006084 mod 97) = 91
VALID_SPOKEN = (
    "un quatre-vingt-cinq zéro cinq soixante-dix-huit zéro zéro six zéro "
    "quatre-vingt-quatre quatre-vingt-onze"
)
WOMAN = "295109912611193"  # the example of stdnum's documentation
CORSICA_A = "253072A07300443"  # 2A counts as 19 for the key
CORSICA_B = "253072B07300470"  # 2B counts as 18


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("185057800608491", VALID),
        ("1 85 05 78 006 084 91", VALID),
        ("1.85.05.78.006.084.91", VALID),
        ("1.85.05.78.006.084-91", VALID),
        ("1-85-05-78-006-084-91", VALID),
        ("  1 85 05 78 006 084 91  ", VALID),
        ("1 85 05 78 006 08491", VALID),
        ("1850578006084 91", VALID),
        ("１８５０５７８００６０８４９１", VALID),
        (VALID_SPOKEN, VALID),
        (VALID_SPOKEN.replace("é", "e").replace("-", " "), VALID),
        ("un, quatre-vingt-cinq, zéro cinq, soixante-dix-huit, double zéro six, zéro "
         "quatre-vingt-quatre, quatre-vingt-onze", VALID),
        ("1 85 zero cinq 78 006 084 91", VALID),
        ("mon numéro de sécu c'est le 1 85 05 78 006 084 91 merci", VALID),
        ("2 95 10 99 126 111 93", WOMAN),
        ("2 53 07 2A 073 004 43", CORSICA_A),
        ("2 53 07 2a 073 004 43", CORSICA_A),
        ("2 53 07 2 A 073 004 43", CORSICA_A),
        ("253072A07300443", CORSICA_A),
        ("2 53 07 2B 073 004 70", CORSICA_B),
        ("deux cinquante-trois zéro sept deux A zéro soixante-treize zéro zéro quatre "
         "quarante-trois", CORSICA_A),
    ],
)  # fmt: skip
def test_valid_nirs(text: str, value: str) -> None:
    assert check_nir(text) == NirCheck(value, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u200b", "empty"),
        ("1 85 05 78 006 084", "too_short"),  # the key is missing
        ("1850578006084", "too_short"),
        ("1 85 05 78 006 084 9", "too_short"),
        ("0612345678", "too_short"),
        ("1 85 05 78 006 084 91 2", "too_long"),
        ("1850578006084912", "too_long"),
        ("1 85 05 78 006 084 36", "bad_key"),
        ("185057800608492", "bad_key"),
        ("2 53 07 2A 073 004 44", "bad_key"),
        ("1 85 O5 78 006 084 91", "bad_format"),  # letter O for a zero
        ("585057800608491", "bad_format"),  # no NIR starts with 5
        ("085057800608491", "bad_format"),
        ("2 53 07 2C 073 004 43", "bad_format"),
        ("2 53 07 A2 073 004 43", "bad_format"),
        ("je ne sais pas", "bad_format"),
        # two NIRs: the person is asked which one (issue 13)
        ("1 85 05 78 006 084 91 et 2 95 10 99 126 111 93", "several"),
    ],
)
def test_invalid_nirs(text: str, error: str) -> None:
    check = check_nir(text)
    assert (check.value, check.error) == (None, error)


def test_every_error_is_documented() -> None:
    from bot.nir import NIR_ERRORS

    assert set(NIR_ERRORS) == {
        "empty",
        "too_short",
        "too_long",
        "bad_format",
        "bad_key",
        "unsure",
        "several",
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("1 85 05 78 006 084 91", ["1 85 05 78 006 084 91"]),
        ("mon nir est 185057800608491.", ["185057800608491"]),
        ("nir: 1.85.05.78.006.084-91, merci", ["1.85.05.78.006.084-91"]),
        ("wrong key 1 85 05 78 006 084 36 ok", ["1 85 05 78 006 084 36"]),
        ("no key 1 85 05 78 006 084 please", ["1 85 05 78 006 084"]),
        ("14 digits 1 85 05 78 006 084 9", ["1 85 05 78 006 084 9"]),
        (f"c'est {VALID_SPOKEN} voilà", [VALID_SPOKEN]),
        ("c'est un 1 85 05 78 006 084 91", ["1 85 05 78 006 084 91"]),
        ("corse 2 53 07 2A 073 004 43", ["2 53 07 2A 073 004 43"]),
        ("corse 2 53 07 2 a 073 004 43", ["2 53 07 2 a 073 004 43"]),
        ("corse 253072B07300470", ["253072B07300470"]),
        ("３ ８５ ０５ ７８ ００６ ０８４ ９１", ["３ ８５ ０５ ７８ ００６ ０８４ ９１"]),
        ("temporary 7 85 05 78 006 084 12", ["7 85 05 78 006 084 12"]),
        ("né le 03/03/1985, nir 1 85 05 78 006 084 91", ["1 85 05 78 006 084 91"]),
        ("1985 1 85 05 78 006 084 91", ["1 85 05 78 006 084 91"]),
        ("1985 1 85 05 78 006 084 99", ["1 85 05 78 006 084 99"]),
        ("06 12 34 56 78 1 85 05 78 006 084 99", ["1 85 05 78 006 084 99"]),
        ("1 85 05 78 006 084 91 0102457612 4", ["1 85 05 78 006 084 91"]),
        (
            "1 85 05 78 006 084 91 puis 2 95 10 99 126 111 93",
            ["1 85 05 78 006 084 91", "2 95 10 99 126 111 93"],
        ),
        ("serial 1234567890123", ["1234567890123"]),
        # not NIRs
        ("né le 03/03/1985", []),
        ("né le 03 03 1985", []),
        ("06 12 34 56 78", []),
        ("0612345678", []),
        ("+33 6 12 34 56 78", []),
        ("0033 6 12 34 56 78", []),
        ("appelez le 06 12 34 56 78 ou 07 12 34 56 78", []),
        ("06 12 34 56 78 12345", []),
        ("0102457612 4", []),
        ("123456789012", []),  # 12 digits
        ("5850578006084", []),
        ("9 85 05 78 006 084 91", []),
        ("1850578006084912345", []),
        ("le code ABCD-EFGH-JK23", []),
        ("j'ai un deux trois problèmes", []),
        ("", []),
    ],
)
def test_find_nir_spans(text: str, found: list[str]) -> None:
    assert [text[start:end] for start, end in find_nir_spans(text)] == found


def test_matches_carry_the_compact_value() -> None:
    text = "moi c'est 2 53 07 2a 073 004 43 et lui un 85 05 78 006 084 9"
    assert [match.value for match in find_nir_matches(text)] == [CORSICA_A, "18505780060849"]


def test_spans_survive_unicode_before_them() -> None:
    text = "Ｍｏｎ ｎｉｒ\u200b… 1 85 05 78 006 084 91"
    ((start, end),) = find_nir_spans(text)
    assert text[start:end] == "1 85 05 78 006 084 91"


@pytest.mark.parametrize(
    ("nir", "grouped", "masked"),
    [
        ("185057800608436", "1 85 05 78 006 084 36", "1 85 05 ** *** *** 36"),
        ("1 85 05 78 006 084 36", "1 85 05 78 006 084 36", "1 85 05 ** *** *** 36"),
        ("253072a07300443", "2 53 07 2A 073 004 43", "2 53 07 ** *** *** 43"),
        ("1850578006084", "1 85 05 78 006 084", "1 85 05 ** *** ***"),
    ],
)
def test_format_and_mask(nir: str, grouped: str, masked: str) -> None:
    assert format_nir_groups(nir) == grouped
    assert mask_nir(nir) == masked


def test_mask_hides_place_of_birth_and_order() -> None:
    masked = mask_nir(VALID)
    assert "78" not in masked.split()
    assert "006" not in masked and "084" not in masked


def test_nir_hash_is_an_hmac_of_the_compact_form() -> None:
    pepper = b"pepper"
    expected = hmac.new(pepper, VALID.encode(), hashlib.sha256).hexdigest()
    assert nir_hash(VALID, pepper) == expected
    assert nir_hash("1 85 05 78 006 084 91", pepper) == expected
    assert nir_hash("1.85.05.78.006.084.91", pepper) == expected
    assert nir_hash(CORSICA_A.lower(), pepper) == nir_hash(CORSICA_A, pepper)
    assert nir_hash(VALID, b"other pepper") != expected
    assert VALID not in expected


def test_nir_hash_refuses_an_empty_pepper() -> None:
    with pytest.raises(ValueError):
        nir_hash(VALID, b"")
