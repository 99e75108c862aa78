"""SMS alphabet and cost (bot/sms_text.py)."""

from __future__ import annotations

import unicodedata

import pytest

from bot.sms_text import GSM7_BASIC, GSM7_EXTENDED, is_gsm7, segments, to_gsm7


def test_tables_match_gsm_03_38() -> None:
    assert len(GSM7_BASIC) == 127  # 128 positions, the escape character left out
    assert len(GSM7_EXTENDED) == 10
    for char in "éèùàÉÇÄÖÑÜäöñüìòØøÅåÆæß£¥§¿¡¤@$":
        assert char in GSM7_BASIC
    for char in "çêâîôûëïœŒÈÀÙÊÂÎÔÛ’«»…€[]{}":
        assert char not in GSM7_BASIC
    assert set("€[]{}^~|\\") <= GSM7_EXTENDED
    assert not GSM7_BASIC & GSM7_EXTENDED


@pytest.mark.parametrize(
    ("text", "gsm7"),
    [
        ("Bonjour, votre code a été envoyé.", True),
        ("Mon espace santé a bien été activé !", True),
        ("Où êtes-vous ?", False),
        ("Ça marche", True),
        ("ça marche", False),
        ("Le prix : 5 €", True),
        ("Le coût : 5 €", False),
        ("l’espace", False),
        ("«Mon espace santé»", False),
        ("cœur", False),
        ("😀", False),
        ("", True),
    ],
)
def test_is_gsm7(text: str, gsm7: bool) -> None:
    assert is_gsm7(text) is gsm7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Où êtes-vous ?", "Où etes-vous ?"),
        ("Vous connaître", "Vous connaitre"),
        ("Ça va, ça vient", "Ça va, ca vient"),
        ("français", "francais"),
        ("l’espace d’accueil", "l'espace d'accueil"),
        ("«Mon espace santé»", '"Mon espace santé"'),
        ("“Je m’identifie”", '"Je m\'identifie"'),
        ("Patientez…", "Patientez..."),
        ("34\u00a022", "34 22"),
        ("8\u202f:\u202f30", "8 : 30"),
        ("lundi – vendredi — 8h30", "lundi - vendredi - 8h30"),
        ("cœur, Œuvre", "coeur, OEuvre"),
        ("naïf, Noël, Ÿ", "naif, Noel, Y"),
        ("ÊTRE À L'HÔTEL", "ETRE A L'HOTEL"),
        ("où, à, é, è, É", "où, à, é, è, É"),
        ("5 € [x]", "5 € [x]"),
        ("ù", "ù"),
        ("ê", "e"),  # e + combining circumflex
        ("😀", "?"),
    ],
)
def test_to_gsm7(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


def test_to_gsm7_keeps_a_typical_french_reply_in_one_encoding() -> None:
    reply = (
        "Votre code provisoire a été envoyé par SMS au ** ** ** *3 77. Il est valable 6 "
        "semaines : saisissez-le sur monespacesante.fr pour continuer l’activation."
    )
    converted = to_gsm7(reply)
    assert is_gsm7(converted)
    assert "été" in converted and "l'activation" in converted


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("é" * 160, 1),  # é is GSM-7
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),  # 162 septets
        ("a" * 152 + "€" + "a" * 10, 2),
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape pair is not split
        ("ê" * 70, 1),
        ("ê" * 71, 2),
        ("ê" * 134, 2),
        ("ê" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 units
        ("😀" * 36, 2),
        ("a" * 66 + "😀" + "a" * 3, 2),
        ("Bonjour, votre espace a bien été activé.", 1),
        ("Où êtes-vous ?", 1),
    ],
)
def test_segments(text: str, count: int) -> None:
    assert segments(text) == count


def test_one_accent_can_cost_more_sms() -> None:
    text = "Bonjour, " + "votre code provisoire vous permet d'activer Mon espace santé. " * 2
    assert len(text) <= 160 and segments(text) == 1
    costly = text.replace("activer", "être actif")
    assert segments(costly) == 3  # about 140 characters in UCS-2: 67 per part
    assert segments(to_gsm7(costly)) == 1


def test_to_gsm7_replaces_each_character_by_its_closest_form() -> None:
    """Only the characters outside GSM-7 are looked at: the result is still, character by
    character, the closest form of each (every code point of the BMP, and some beyond)."""
    from bot.sms_text import _closest

    text = "".join(chr(code) for code in range(0x20000) if not 0xD800 <= code < 0xE000)
    text += "😀🇫🇷\U0010fffd"
    normalized = unicodedata.normalize("NFC", text)
    assert to_gsm7(text) == "".join(_closest(char) for char in normalized)
