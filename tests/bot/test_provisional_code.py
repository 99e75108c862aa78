"""The provisional code: generated, typed, spelled aloud, found (bot/provisional_code.py)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from bot.provisional_code import (
    ALPHABET,
    CODE_LENGTH,
    VALIDITY,
    CodeCheck,
    check_code,
    code_hash,
    find_code_matches,
    find_code_spans,
    generate_code,
    spelled_to_characters,
)

CODE = "ABCDEFGHJK23"


def test_constants() -> None:
    assert ALPHABET == "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    assert len(set(ALPHABET)) == 32
    # 0/O and 1/I are left out; L stays (the alphabet has 24 letters and 8 digits)
    assert not set("0O1I") & set(ALPHABET)
    assert CODE_LENGTH == 12
    assert VALIDITY == timedelta(weeks=6)


def test_generated_codes_are_valid_and_different() -> None:
    codes = {generate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)
        assert check_code(code) == CodeCheck(code, None)
    # every character of the alphabet shows up over 2400 draws
    assert set("".join(codes)) == set(ALPHABET)


def test_generate_code_uses_secrets() -> None:
    import inspect

    import bot.provisional_code as module

    source = inspect.getsource(module)
    assert "import random" not in source
    assert "secrets.choice" in source


@pytest.mark.parametrize(
    "text",
    [
        "ABCDEFGHJK23",
        "abcdefghjk23",
        "AbCdEfGhJk23",
        "ABCD-EFGH-JK23",
        "ABCD EFGH JK23",
        "abcd efgh jk23",
        "ABCD.EFGH.JK23",
        "ABC DEF GHJ K23",
        "ABCDEF-GHJK23",
        " ABCD - EFGH - JK23 ",
        "A B C D E F G H J K 2 3",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫ２３",
        "mon code est ABCD-EFGH-JK23",
        "Voici mon code : abcd efgh jk23.",
        "A comme Anatole, bé, cé, dé, e, effe, gé, ache, ji, ka, deux, trois",
        "a b c d e f g h j k deux trois",
        "c'est A B C D E F G H J K 2 3",
        "Anatole Berthe Célestin Désiré Eugène François Gaston Henri Joseph Kléber 2 3",
        "anatole berthe celestin desire eugene francois gaston henri joseph kleber deux trois",
        "alpha bravo charlie delta echo foxtrot golf hotel juliett kilo vingt-trois",
        "A comme Anatole BCD EFGH JK 23",
        "A comme Anatole, B comme Berthe, C comme Célestin, D comme Désiré, E, F, G, H, J, K, 2, 3",
    ],
)
def test_code_forms_that_are_accepted(text: str) -> None:
    assert check_code(text) == CodeCheck(CODE, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", CodeCheck(None, "empty")),
        ("  - . ", CodeCheck(None, "empty")),
        ("ABCDEFGHJK2", CodeCheck(None, "too_short")),
        ("ABCD-EFGH-JK", CodeCheck(None, "too_short")),
        ("ABCDEFGHJK234", CodeCheck(None, "too_long")),
        ("ABCD EFGH JK2O", CodeCheck(None, "bad_characters", ("O",))),
        ("ABCD EFGH JK20", CodeCheck(None, "bad_characters", ("0",))),
        ("ABCD EFGH IK21", CodeCheck(None, "bad_characters", ("I", "1"))),
        ("LBCD EFGH JK23", CodeCheck("LBCDEFGHJK23", None)),
        ("abcd efgh jk2o", CodeCheck(None, "bad_characters", ("O",))),
        ("O0O0 ABCD EFGH", CodeCheck(None, "bad_characters", ("O", "0"))),
        ("ABCD/EFGH/JK23", CodeCheck(CODE, None)),  # read as typed chunks
        ("ABCD EFGH JKÉ3", CodeCheck("ABCDEFGHJKE3", None)),  # accents dropped
        ("ABCD*EFGH*JK23", CodeCheck(CODE, None)),  # punctuation between chunks is ignored
        ("ABCD EFGH JK2ç", CodeCheck("ABCDEFGHJK2C", None)),
        ("ABCD EFGH JK2€", CodeCheck(None, "too_short")),
        ("a b c d e f g h j k deux zéro", CodeCheck(None, "bad_characters", ("0",))),
        ("a b c d e f g h j k o trois", CodeCheck(None, "bad_characters", ("O",))),
        ("a b c d e f g h j k un trois", CodeCheck(None, "bad_characters", ("1",))),
        ("a comme anatole elle", CodeCheck(None, "too_short")),
        ("je ne sais pas", CodeCheck(None, "bad_characters", ("I",))),
    ],
)
def test_code_errors(text: str, expected: CodeCheck) -> None:
    assert check_code(text) == expected


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("A comme Anatole", "A"),
        ("b", "B"),
        ("bé", "B"),
        ("be", "B"),
        ("deux", "2"),
        ("trois", "3"),
        ("vingt-trois", "23"),
        ("double vé", "W"),
        ("double v", "W"),
        ("i grec", "Y"),
        ("double deux", "22"),
        ("double bé", "BB"),
        ("zède", "Z"),
        ("ixe", "X"),
        ("ku", "Q"),
        ("emme enne", "MN"),
        ("erre esse té u vé", "RSTUV"),
        ("pé", "P"),
        ("ka", "K"),
        ("ji", "J"),
        ("ache", "H"),
        ("elle", "L"),
        ("o", "O"),
        ("i", "I"),
        ("zéro", "0"),
        ("un", "1"),
        ("Quintal Raoul Suzanne Thérèse Ursule Victor William Xavier Yvonne Zoé", "QRSTUVWXYZ"),
        ("Irma Louis Marcel Nicolas Oscar Pierre", "ILMNOP"),
        ("comme Marcel", "M"),
        ("S comme Suzanne, T comme Thérèse", "ST"),
        ("euh, A, tiret, B", "AB"),
        ("", ""),
    ],
)
def test_spelled_to_characters(text: str, characters: str) -> None:
    assert spelled_to_characters(text) == characters


@pytest.mark.parametrize(
    ("text", "expecting", "found"),
    [
        ("mon code est ABCD-EFGH-JK23", False, ["ABCD-EFGH-JK23"]),
        ("abcd efgh jk23", False, ["abcd efgh jk23"]),
        ("ABCDEFGHJK23", False, ["ABCDEFGHJK23"]),
        ("code: ABC DEF GHJ K23 merci", False, ["ABC DEF GHJ K23"]),
        ("code: ABCDEF GHJK23.", False, ["ABCDEF GHJK23"]),
        ("(ABCD - EFGH - JK23)", False, ["ABCD - EFGH - JK23"]),
        ("ＡＢＣＤ－ＥＦＧＨ－ＪＫ２３", False, ["ＡＢＣＤ－ＥＦＧＨ－ＪＫ２３"]),
        ("ABCD-EFGH-JK23 et XYZ2-XYZ2-XYZ2", False, ["ABCD-EFGH-JK23", "XYZ2-XYZ2-XYZ2"]),
        # letters only: a code only when one is expected
        ("AAAABBBBCCCC", False, []),
        ("AAAABBBBCCCC", True, ["AAAABBBBCCCC"]),
        ("abcd efgh jkmn", True, ["abcd efgh jkmn"]),
        # never
        ("ABRACADABRANT", True, []),
        ("xABCDEFGHJK23", True, []),
        ("ABCDEFGHJK234", True, []),
        ("ABCD EFGH JK2O", True, []),
        ("ABCD EF GHJK23", True, []),
        ("je voudrais activer mon espace", True, []),
        ("bonjour, mon code ne marche pas", True, []),
        ("1 85 05 78 006 084 91", True, []),
        ("", True, []),
    ],
)
def test_find_code_spans(text: str, expecting: bool, found: list[str]) -> None:
    spans = find_code_spans(text, expecting_code=expecting)
    assert [text[start:end] for start, end in spans] == found


def test_french_words_without_digits_are_not_codes() -> None:
    sentence = "Pour activer mon espace santé je dois saisir quoi exactement"
    assert find_code_spans(sentence) == []


def test_matches_are_normalized() -> None:
    (match,) = find_code_matches("le code: abcd - efgh - jk23")
    assert match.value == CODE


def test_code_hash() -> None:
    pepper = b"pepper"
    expected = hmac.new(pepper, CODE.encode(), hashlib.sha256).hexdigest()
    assert code_hash(CODE, pepper) == expected
    assert code_hash("abcd-efgh jk23", pepper) == expected
    assert code_hash(CODE, b"another") != expected
    with pytest.raises(ValueError):
        code_hash(CODE, b"")
