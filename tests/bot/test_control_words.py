"""The control words: one normaliser, and each list matched the way people write or say it."""

from __future__ import annotations

import pytest

from bot import control_words as cw


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Répétez !", "repetez"),
        ("C’est bon.", "c est bon"),
        ("  PARLER   à un conseiller ", "parler a un conseiller"),
        ("je n'ai pas reçu", "je n ai pas recu"),
        ("", ""),
    ],
)
def test_one_normaliser(text: str, plain: str) -> None:
    assert cw.normalise(text) == plain


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("RÉPÉTER", cw.REPEAT),
        ("repetez svp", None),
        ("Un conseiller", cw.ADVISOR),
        ("c'est exact", cw.CONFIRM_YES),
        ("C’est ça !", cw.CONFIRM_YES),
        ("Non, c'est faux", cw.CONFIRM_NO),
        ("d'accord", cw.ERASE_YES),
        ("Je suis prête", cw.READY),
        ("c'est fait", cw.DONE),
        ("Renvoyez le SMS", cw.RESEND),
        ("Arrêt", cw.STOP),
        ("ARRET", cw.STOP),
        ("stop.", cw.STOP),
        ("Reprendre SMS", cw.START),
    ],
)
def test_lists_match_what_people_write(text: str, words: frozenset[str] | None) -> None:
    if words is None:
        assert not cw.is_one_of(text, cw.REPEAT)
    else:
        assert cw.is_one_of(text, words)


@pytest.mark.parametrize(
    ("text", "wait"),
    [
        ("Attendez", True),
        ("un instant s'il vous plaît", True),
        ("attendez, je cherche ma carte", True),
        ("attendezz", False),
        ("je n'attends rien", False),
    ],
)
def test_a_pause_is_asked_alone_or_at_the_start(text: str, wait: bool) -> None:
    assert cw.is_wait(text) is wait


def test_no_control_word_can_be_a_valid_password() -> None:
    for phrase in cw.NEVER_A_PASSWORD:
        assert phrase == phrase.lower() and not any(c.isdigit() for c in phrase)
    assert cw.is_one_of("Je me suis trompée", cw.NEVER_A_PASSWORD)
    assert cw.is_one_of("c'est quoi un caractère spécial", cw.NEVER_A_PASSWORD)
