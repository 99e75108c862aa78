"""Each field chooses among the readings of spoken numbers with its own rules (issue 13)."""

from __future__ import annotations

import pytest

from bot.card import check_serial
from bot.contact_details import national_pairs, parse_mobile
from bot.nir import check_nir, mask_nir, nir_prefix_allowed
from bot.one_time_codes import normalize_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("quatre cent quatre-vingt-treize zéro vingt-sept", "493027"),
        ("le code c'est 493 027", "493027"),
        ("zéro six douze trente quatre", "061234"),  # 0 6 12 30 4 has 7 digits
        ("quatre-vingt-treize quatre-vingt-treize quatre-vingt-treize", "939393"),
        # 93 93 or 80 13 … : several 6-digit readings, so none is guessed (no try spent)
        ("quatre vingt treize quatre vingt treize", None),
    ],
)
def test_one_time_code_readings(text: str, code: str | None) -> None:
    assert normalize_code(text) == code


def test_two_nirs_in_one_message_ask_which_one() -> None:
    assert check_nir("1 85 05 78 006 084 91 ou bien 2 95 10 99 126 111 93").error == "several"


@pytest.mark.parametrize(
    ("prefix", "allowed"),
    [
        ("1850", True),
        ("18500", False),  # month 00
        ("18513", False),  # month 13
        ("18520", True),  # special range
        ("18543", False),
        ("18599", True),
        ("1850500", False),  # department 00
        ("185052A", True),
        ("185052C", False),
        ("18505971", True),  # overseas 971
        ("18505979", False),
        ("1850578000", False),  # commune 000
        ("1850578006000", False),  # order 000
        ("5", False),
    ],
)
def test_nir_rules_checked_while_reading(prefix: str, allowed: bool) -> None:
    assert nir_prefix_allowed(prefix) is allowed


def test_a_nir_in_words_is_masked_as_read() -> None:
    words = "un quatre-vingt-cinq zéro cinq soixante-dix-huit zéro zéro six zéro quatre-vingt-quatre quatre-vingt-onze"
    assert mask_nir(words) == "1 85 05 ** *** *** 91"


def test_serial_said_in_words_several_readings_are_confirmed() -> None:
    # without photo, 8 to 13 digits: "quatre vingt deux" can be 82, 4 22 or 4 20 2
    check = check_serial("zéro un deux trois quatre cinq six quatre vingt deux", "without_photo")
    assert check.error == "unsure" and check.proposals[0] == "012345682"


def test_two_serials_ask_which_one() -> None:
    assert check_serial("c'est 12345678 ou 87654321", "without_photo").error == "several"


def test_mobile_read_back_in_pairs() -> None:
    assert national_pairs("+33630851234") == "06 30 85 12 34"
    assert parse_mobile("06 30 85 12 34").value == "+33630851234"


def test_an_unsure_nir_is_vaulted_whole_at_the_nir_step(vault) -> None:  # type: ignore[no-untyped-def]
    """The words go to the vault, not one reading of them, so the validator still sees every
    reading and asks (bot/redaction.py at the NIR step)."""
    from bot.redaction import redact

    said = "un quatre vingt dix huit dix dix huit zéro cinquante sept huit cent soixante douze"
    redacted = redact(said, "nir", vault, "conversation")
    (ref,) = redacted.refs["nir"]
    check = check_nir(vault.get(ref, "conversation") or "")
    assert check.error == "unsure" and check.proposals == ("198101805786012",)
    assert "057" not in redacted.display and "cinquante" not in redacted.display


def test_two_values_are_offered_to_choose_from() -> None:
    assert check_nir("1 85 05 78 006 084 91 ou bien 2 95 10 99 126 111 93").proposals == (
        "185057800608491",
        "295109912611193",
    )
    assert parse_mobile("06 12 34 56 78 ou 07 56 12 34 56").proposals == (
        "+33612345678",
        "+33756123456",
    )
