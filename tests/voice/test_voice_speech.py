"""Pure rules of the phone face: spelling, keypad codes, read-back groups, phone wording."""

from __future__ import annotations

import pytest

from bot.provisional_code import check_code, generate_code
from bot.spelled_code import keypad_code, keypad_pairs, spell_character, spell_code_groups
from bot.voice_text import digits_spoken, nir_groups, serial_groups
from webhook.voice.wording import phone_wording


def test_every_code_typed_as_key_pairs_reads_back_the_same() -> None:
    for _ in range(200):
        code = generate_code()
        assert keypad_code(keypad_pairs(code) + "#").value == code


@pytest.mark.parametrize(
    ("keys", "value", "error"),
    [
        ("2152", "AK", None),
        ("7470", "S7", None),
        ("215", None, "odd"),
        ("2500", None, "bad_pair"),
        ("", None, "empty"),
        ("1121", None, "bad_pair"),
    ],
)
def test_keypad_pairs(keys: str, value: str | None, error: str | None) -> None:
    result = keypad_code(keys)
    assert (result.value, result.error) == (value, error)


def test_a_code_is_spelled_back_in_the_groups_of_the_letter() -> None:
    groups = spell_code_groups("ABCD EFGH JK23")
    assert groups[0] == "A comme Anatole, B comme Berthe, C comme Célestin, D comme Désiré"
    assert groups[2].endswith("deux, trois")
    assert spell_character("z") == "Z comme Zoé"


def test_a_spelled_code_is_understood() -> None:
    said = "A comme Anatole, bé, cé, dé, E comme Eugène, effe, G, H, J comme Joseph, K, deux, trois"
    assert check_code(said).value == "ABCDEFGHJK23"


def test_numbers_are_read_back_digit_by_digit_in_the_groups_of_the_card() -> None:
    assert nir_groups("185057800608436") == ["1", "85", "05", "78", "006", "084", "36"]
    assert serial_groups("01024576124") == ["010", "245", "7612", "4"]
    assert digits_spoken("085") == "zéro huit cinq"


@pytest.mark.parametrize(
    ("sms", "phone"),
    [
        ("Écrivez CONSEILLER.", "Dites « conseiller » ou tapez 0."),
        (
            "Acceptez-vous ? OUI ou NON",
            "Acceptez-vous ? Tapez 1 ou dites oui ; tapez 2 ou dites non",
        ),
        ("Répondez 1 si oui, 2 pour non.", "Tapez 1 si oui, tapez 2 pour non."),
        ("mobile ** ** ** *3 77.", "Mobile qui finit par 3 77."),
        ("(lun-ven 8h30-17h)", "(du lundi au vendredi 8 h 30 à 17 h)"),
        ("les CGU (monespacesante.fr/cgu).", "Les CGU."),
    ],
)
def test_sms_wording_becomes_phone_wording(sms: str, phone: str) -> None:
    assert phone_wording(sms) == phone
