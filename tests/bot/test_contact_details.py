"""New mobile numbers and e-mail addresses as people type and say them (bot/contact_details.py)."""

from __future__ import annotations

import pytest

from bot.contact_details import (
    EMAIL_ERRORS,
    MOBILE_ERRORS,
    ContactCheck,
    parse_email,
    parse_mobile,
)

MOBILE = "+33612345678"

MOBILE_FORMS = [
    # French forms
    ("06 12 34 56 78", MOBILE),
    ("0612345678", MOBILE),
    ("06.12.34.56.78", MOBILE),
    ("06-12-34-56-78", MOBILE),
    ("06/12/34/56/78", MOBILE),
    (" 06 12 34 56 78 ", MOBILE),
    ("06\u00a012\u00a034\u00a056\u00a078", MOBILE),  # non-breaking spaces
    ("０６１２３４５６７８", MOBILE),  # full-width digits
    ("+33 6 12 34 56 78", MOBILE),
    ("+33612345678", MOBILE),
    ("+33 (0)6 12 34 56 78", MOBILE),
    ("+33 06 12 34 56 78", MOBILE),
    ("0033612345678", MOBILE),
    ("00 33 6 12 34 56 78", MOBILE),
    ("33612345678", MOBILE),
    ("612345678", MOBILE),  # the leading 0 forgotten
    ("07 56 12 34 56", "+33756123456"),
    ("+33 7 80 12 34 56", "+33780123456"),
    # in a sentence
    ("mon numéro c'est le 06 12 34 56 78 merci", MOBILE),
    ("c'est un 06 12 34 56 78", MOBILE),  # "un" is not a digit here
    ("Nouveau numéro : 06.12.34.56.78.", MOBILE),
    ("06 12 34 56 78, je répète 06.12.34.56.78", MOBILE),
    # spoken
    ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", MOBILE),
    ("zero six douze trente quatre cinquante six soixante dix huit", MOBILE),
    ("zéro six, un deux, trois quatre, cinq six, sept huit", MOBILE),
    ("plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit", MOBILE),
    ("c'est le zéro six douze trente-quatre cinquante-six soixante-dix-huit", MOBILE),
    # overseas departments: French numbering, their own country codes
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe
    ("0696 12 34 56", "+596696123456"),  # Martinique
    ("0694 12 34 56", "+594694123456"),  # Guyane
    ("0692 12 34 56", "+262692123456"),  # La Réunion
    ("+262 692 12 34 56", "+262692123456"),
    # other countries' mobiles, with their prefix
    ("+32 470 12 34 56", "+32470123456"),
    ("+44 7911 123456", "+447911123456"),
    ("0041 79 123 45 67", "+41791234567"),
]


@pytest.mark.parametrize(("text", "expected"), MOBILE_FORMS)
def test_mobile_forms(text: str, expected: str) -> None:
    assert parse_mobile(text) == ContactCheck(expected, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("bonjour", "not_a_phone"),
        ("je ne l'ai pas", "not_a_phone"),
        ("12345", "not_a_phone"),
        ("06 12", "not_a_phone"),
        ("0712345678", "not_a_phone"),  # 07 0x–07 2x are not allocated
        ("+33 5 12 34 56 78 90", "too_long"),
        ("06 12 34 56 7", "too_short"),
        ("06 12 34 56 789", "too_long"),
        ("+33 6 12 34 56", "too_short"),
        ("01 23 45 67 89", "not_mobile"),  # landline, Paris
        ("05 56 12 34 56", "not_mobile"),  # landline, Bordeaux
        ("09 51 23 45 67", "not_mobile"),  # VoIP box
        ("0800 123 456", "not_mobile"),  # free number
        ("0590 12 34 56", "not_mobile"),  # Guadeloupe landline
        ("+32 2 555 12 12", "not_mobile"),  # Brussels landline
        ("06 12 34 56 78 ou 07 56 12 34 56", "ambiguous"),
    ],
)
def test_mobile_errors(text: str, error: str) -> None:
    assert error in MOBILE_ERRORS
    check = parse_mobile(text)
    assert (check.value, check.error) == (None, error)


EMAIL_FORMS = [
    ("jean.dupont@example.fr", "jean.dupont@example.fr"),
    ("  jean.dupont@example.fr  ", "jean.dupont@example.fr"),
    ("Jean.Dupont@Exemple.fr", "Jean.Dupont@exemple.fr"),  # local part kept as typed
    ("JEAN@EXEMPLE.FR", "JEAN@exemple.fr"),
    ("jean+mes@exemple.fr", "jean+mes@exemple.fr"),
    ("o'brien@exemple.ie", "o'brien@exemple.ie"),
    ("élise@exemple.fr", "élise@exemple.fr"),
    ("jean@sous.domaine.exemple.fr", "jean@sous.domaine.exemple.fr"),
    ("jean@xn--exmple-cva.fr", "jean@exémple.fr"),
    # inside a sentence
    ("mon mail c'est Jean.Dupont@Exemple.fr", "Jean.Dupont@exemple.fr"),
    ("mon mail c'est jean.dupont@exemple.fr.", "jean.dupont@exemple.fr"),
    ("Mon adresse : jean.dupont@exemple.fr !", "jean.dupont@exemple.fr"),
    ("<jean@exemple.fr>", "jean@exemple.fr"),
    ('"jean@exemple.fr"', "jean@exemple.fr"),
    ("(jean@exemple.fr)", "jean@exemple.fr"),
    ("«jean@exemple.fr»", "jean@exemple.fr"),
    ("jean@exemple.fr;", "jean@exemple.fr"),
    ("jean.dupont @ exemple.fr", "jean.dupont@exemple.fr"),
    ("jean@exemple.fr, je répète jean@exemple.fr", "jean@exemple.fr"),
    # dictated
    ("jean point dupont arobase exemple point fr", "jean.dupont@exemple.fr"),
    ("Jean Point Dupont Arobase Exemple Point FR", "Jean.Dupont@exemple.fr"),
    ("c'est jean tiret bas dupont arrobase exemple point fr merci", "jean_dupont@exemple.fr"),
    ("marie tiret claire arobase exemple point com", "marie-claire@exemple.com"),
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_FORMS)
def test_email_forms(text: str, expected: str) -> None:
    assert parse_email(text) == ContactCheck(expected, None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "empty"),
        (" \u200b ", "empty"),
        ("pas d'e-mail", "invalid"),
        ("jean.dupont", "invalid"),
        ("jean@exemple", "invalid"),
        ("jean@@exemple.fr", "invalid"),
        ("jean..dupont@exemple.fr", "invalid"),
        ("@exemple.fr", "invalid"),
        ("jean@", "invalid"),
        ("jean dupont arobase", "invalid"),
        ("un point c'est tout", "invalid"),
        ("a@exemple.fr ou b@exemple.fr", "ambiguous"),
    ],
)
def test_email_errors(text: str, error: str) -> None:
    assert error in EMAIL_ERRORS
    assert parse_email(text) == ContactCheck(None, error)
