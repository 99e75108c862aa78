"""bot/credentials.py: identifier and password rules shared by the backend and the bot."""

from __future__ import annotations

import pytest

from bot.credentials import (
    IDENTIFIER_RULES_FR,
    PASSWORD_RULES_FR,
    common_passwords,
    identifier_problems,
    password_problems,
    suggest_identifier,
)


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("jean.dupont", []),
        ("j-dupont_85", []),
        ("12345678", []),
        ("jdupont", ["too_short"]),
        ("", ["too_short"]),
        ("Jean.Dupont", ["uppercase"]),
        ("jean dupont", ["bad_characters"]),
        ("jérôme.martin", ["bad_characters"]),
        ("jean+dupont", ["bad_characters"]),
        ("Jean Dupont", ["uppercase", "bad_characters"]),
        ("jean@example.org", ["bad_characters", "is_email"]),
        ("Jean@Example.org", ["uppercase", "bad_characters", "is_email"]),
        ("a@b.fr", ["too_short", "bad_characters", "is_email"]),
    ],
)
def test_identifier_problems(identifier: str, expected: list[str]) -> None:
    assert identifier_problems(identifier) == expected


@pytest.mark.parametrize(
    ("identifier", "suggestion"),
    [
        ("Jean.Dupont", "jean.dupont"),
        ("JEANDUPONT85", "jeandupont85"),
        ("jean.dupont", None),  # already fine
        ("Jean Dupont", None),  # lowercasing does not remove the space
        ("Jean", None),  # still too short
        ("Jean@Example.org", None),
    ],
)
def test_suggest_identifier(identifier: str, suggestion: str | None) -> None:
    assert suggest_identifier(identifier) == suggestion


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Tr3s-Solide!Mot", []),
        ("Ab1!", ["too_short"]),
        ("TR3S-SOLIDE!MOT", ["no_lowercase"]),
        ("tr3s-solide!mot", ["no_uppercase"]),
        ("Tres-Solide!Mot", ["no_digit"]),
        ("Tr3sSolideMot", ["no_special"]),
        ("Tr3s Solide Mot", []),  # a space counts as special
        ("", ["too_short", "no_lowercase", "no_uppercase", "no_digit", "no_special"]),
    ],
)
def test_password_problems(password: str, expected: list[str]) -> None:
    assert password_problems(password) == expected


@pytest.mark.parametrize(
    "password",
    [
        "Azerty123!",
        "azerty",
        "MotDePasse1!",
        "Soleil2024*",
        "Marseille13!",
        "!!Doudou99",
        "P@ssw0rd",
    ],
)
def test_common_passwords_are_refused_even_decorated(password: str) -> None:
    assert "common" in password_problems(password)


def test_uncommon_password_is_not_common() -> None:
    assert "common" not in password_problems("Girafe-Violette-42!")


def test_password_containing_the_identifier_is_refused() -> None:
    assert password_problems("Jean.Dupont-2024!", "jean.dupont") == ["contains_identifier"]
    assert password_problems("Tr3s-Solide!Mot", "jean.dupont") == []
    assert password_problems("Tr3s-Solide!Mot", None) == []
    assert password_problems("Tr3s-Solide!Mot", "") == []


def test_common_list_is_large_lowercase_and_has_french_entries() -> None:
    words = common_passwords()
    assert len(words) >= 1000
    assert all(word == word.lower() for word in words)
    for french in ("azerty", "motdepasse", "soleil", "doudou", "marseille", "chouchou", "loulou"):
        assert french in words
    for worldwide in ("123456", "password", "qwerty", "iloveyou", "dragon"):
        assert worldwide in words


def test_every_rule_has_a_french_sentence() -> None:
    identifier_codes = {"too_short", "uppercase", "bad_characters", "is_email"}
    password_codes = {
        "too_short",
        "no_lowercase",
        "no_uppercase",
        "no_digit",
        "no_special",
        "common",
        "contains_identifier",
    }
    assert set(IDENTIFIER_RULES_FR) == identifier_codes
    assert set(PASSWORD_RULES_FR) == password_codes
    assert PASSWORD_RULES_FR["no_uppercase"] == "au moins une lettre majuscule"
    assert all(
        text.strip() for text in [*IDENTIFIER_RULES_FR.values(), *PASSWORD_RULES_FR.values()]
    )
