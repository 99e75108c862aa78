"""The carte Vitale: type and serial number (bot/card.py)."""

from __future__ import annotations

import pytest

from bot.card import SerialCheck, check_serial, parse_card_type

WITH = "with_photo"
WITHOUT = "without_photo"


@pytest.mark.parametrize(
    ("text", "card_type"),
    [
        ("avec photo", WITH),
        ("Avec Photo", WITH),
        ("AVEC PHOTO", WITH),
        ("avec", WITH),
        ("avec.", WITH),
        ("la nouvelle", WITH),
        ("nouvelle", WITH),
        ("la carte récente", WITH),
        ("1", WITH),
        (" 1 ", WITH),
        ("１", WITH),
        ("un", WITH),
        ("la 1", WITH),
        ("la première", WITH),
        ("la premiere", WITH),
        ("option 1", WITH),
        ("avek foto", WITH),
        ("avc photo", WITH),
        ("avecphoto", WITH),
        ("celle avec la photo", WITH),
        ("il y a ma photo dessus", WITH),
        ("oui avec photo", WITH),
        ("sans photo", WITHOUT),
        ("Sans Photo", WITHOUT),
        ("sans", WITHOUT),
        ("2", WITHOUT),
        ("deux", WITHOUT),
        ("la 2", WITHOUT),
        ("la deuxième", WITHOUT),
        ("la deuxieme", WITHOUT),
        ("la seconde", WITHOUT),
        ("l'ancienne", WITHOUT),
        ("l’ancienne", WITHOUT),
        ("ancienne", WITHOUT),
        ("la vieille", WITHOUT),
        ("san foto", WITHOUT),
        ("sansphoto", WITHOUT),
        ("elle n'a pas de photo", WITHOUT),
        ("il n'y a aucune photo", WITHOUT),
        ("pas de photo", WITHOUT),
        ("l'ancienne sans photo", WITHOUT),
        # unclear, or both
        ("", None),
        ("je ne sais pas", None),
        ("oui", None),
        ("non", None),
        ("3", None),
        ("avec ou sans photo ?", None),
        ("la nouvelle sans photo", None),
        ("1 ou 2", None),
        ("c'est quoi la différence", None),
    ],
)
def test_parse_card_type(text: str, card_type: str | None) -> None:
    assert parse_card_type(text) == card_type


@pytest.mark.parametrize(
    ("text", "card_type", "expected"),
    [
        ("0102457612 4", WITH, SerialCheck("01024576124", None)),
        ("01024576124", WITH, SerialCheck("01024576124", None)),
        ("01 02 45 76 12 4", WITH, SerialCheck("01024576124", None)),
        ("0102-457612-4", WITH, SerialCheck("01024576124", None)),
        ("０１０２４５７６１２ ４", WITH, SerialCheck("01024576124", None)),
        (
            "zéro un zéro deux quarante-cinq soixante-seize douze quatre",
            WITH,
            SerialCheck("01024576124", None),
        ),
        ("0102457612", WITH, SerialCheck(None, "too_short")),
        ("010245761245", WITH, SerialCheck(None, "too_long")),
        ("12345678", WITHOUT, SerialCheck("12345678", None)),
        ("1234 5678 90", WITHOUT, SerialCheck("1234567890", None)),
        ("1234567890123", WITHOUT, SerialCheck("1234567890123", None)),
        ("1234567", WITHOUT, SerialCheck(None, "too_short")),
        ("12345678901234", WITHOUT, SerialCheck(None, "too_long")),
        ("", WITH, SerialCheck(None, "empty")),
        ("  ", WITHOUT, SerialCheck(None, "empty")),
        ("0102457612 X", WITH, SerialCheck(None, "not_digits")),
        ("je ne sais pas", WITHOUT, SerialCheck(None, "not_digits")),
        ("1 85 05 78 006 084 91", WITH, SerialCheck(None, "looks_like_nir")),
        ("185057800608491", WITHOUT, SerialCheck(None, "looks_like_nir")),
        ("2 53 07 2A 073 004 43", WITHOUT, SerialCheck(None, "looks_like_nir")),
        ("010245761245678", WITHOUT, SerialCheck(None, "too_long")),  # 15 digits, not a NIR
    ],
)
def test_check_serial(text: str, card_type: str, expected: SerialCheck) -> None:
    assert check_serial(text, card_type) == expected


def test_check_serial_refuses_an_unknown_card_type() -> None:
    with pytest.raises(ValueError):
        check_serial("12345678", "vitale")
