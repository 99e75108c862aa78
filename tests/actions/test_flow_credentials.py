"""Credentials stage: its table, on a scripted backend; passwords leave the vault once used."""

from __future__ import annotations

import pytest

from actions.flow import credentials
from tests.actions.flow_fakes import (
    events_of,
    flow_tracker,
    install_backend,
    refusal,
    revealed,
    run_stage,
    vault,
)

PASSWORD = "Un-mot-de-passe-long-42"


def tracker_with_password():  # type: ignore[no-untyped-def]
    t = flow_tracker()
    kept = vault()
    t.slots.update(
        activation_ref="act-1",
        identifier="jeanne.martin",
        password=kept.put("pwd", PASSWORD, t.sender_id),
        password_confirmation=kept.put("pwd", PASSWORD, t.sender_id),
    )
    return t


def test_created_account_empties_and_forgets_the_passwords(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch, set_credentials="active")
    t = tracker_with_password()
    refs = (t.slots["password"], t.slots["password_confirmation"])
    step, texts = run_stage(credentials.stage, t)
    assert texts == []
    assert events_of(step) == [
        ("account_created", True),
        ("password", None),
        ("password_confirmation", None),
    ]
    assert step.route is None
    assert fake.calls == [("set_credentials", ("act-1", "jeanne.martin", PASSWORD))]
    assert [revealed(ref, t) for ref in refs] == [None, None]


@pytest.mark.parametrize(
    ("error", "text", "events", "route"),
    [
        (
            refusal("identifier_taken"),
            "Cet identifiant vient d'être pris. Choisissez-en un autre.",
            [("identifier", None)],
            "credentials",
        ),
        (
            refusal("identifier_invalid", 422, rules=["length"]),
            None,
            [("identifier", None)],
            "credentials",
        ),
        (
            refusal("password_weak", 422, rules=["digit"]),
            None,
            [("password", None), ("password_confirmation", None)],
            "credentials",
        ),
        (
            refusal("account_exists"),
            "Votre compte n'a pas pu être créé. Écrivez CONSEILLER.",
            [("password", None), ("password_confirmation", None)],
            "paused",
        ),
        (
            refusal("activation_not_found", 404),
            "Pour votre sécurité, votre session a expiré. Reprenons l'identification.",
            [("activation_ref", None), ("card_verified", None)],
            "identity",
        ),
    ],
)
def test_each_refusal_has_its_answer_its_slots_and_its_screen(
    monkeypatch: pytest.MonkeyPatch,
    error,
    text,
    events,
    route,  # type: ignore[no-untyped-def]
) -> None:
    install_backend(monkeypatch, set_credentials=error)
    t = tracker_with_password()
    step, texts = run_stage(credentials.stage, t)
    assert len(texts) == 1
    if text:
        assert texts[0] == text
    assert (events_of(step), step.route) == (events, route)
    assert revealed(t.slots["password"], t) == PASSWORD  # kept until the backend takes it


def test_the_rules_refused_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = ["no_digit", "no_special"]
    install_backend(monkeypatch, set_credentials=refusal("password_weak", 422, rules=rules))
    _, texts = run_stage(credentials.stage, tracker_with_password())
    assert texts == [
        "Ce mot de passe ne convient pas : au moins un chiffre, au moins un caractère spécial, "
        "par exemple ! ? * # @ ou %."
    ]
    install_backend(
        monkeypatch, set_credentials=refusal("identifier_invalid", 422, rules=["too_short"])
    )
    _, texts = run_stage(credentials.stage, tracker_with_password())
    assert texts == ["Cet identifiant ne convient pas : au moins 8 caractères."]


def test_missing_values_ask_the_screen_and_a_created_account_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(monkeypatch)
    step, _ = run_stage(credentials.stage, flow_tracker(identifier="jeanne.martin"))
    assert (step.events, step.route) == ([], "credentials")
    step, _ = run_stage(credentials.stage, flow_tracker(account_created=True))
    assert (step.events, step.route) == ([], None)
    assert fake.calls == []
