"""Path B stage: opening the code request, the mobile check, the code, the activation; its two
tables, on a scripted backend (real Redis for the vault, codes and outbox)."""

from __future__ import annotations

import uuid

import pytest

from actions.backend_client import CodeRequest, IdentityOk
from actions.flow import new_code
from actions.runtime import runtime
from bot import responses
from bot.vault import REF_PATTERN
from tests.actions.flow_fakes import (
    REQUEST_CLEARED,
    VALID_NIR,
    events_of,
    flow_tracker,
    install_backend,
    refusal,
    revealed,
    run_stage,
    vault,
)

PERSON = {
    "code_path": "new_code",
    "nir": VALID_NIR,
    "birth_date": "1985-05-12",
    "card_type": "vitale",
    "card_serial": "12345678",
}


def requested(mobile_confirmed: str | None = None, **slots: str):  # type: ignore[no-untyped-def]
    """A tracker whose code request is open (references in the vault, as the stage keeps them)."""
    t = flow_tracker(**PERSON, mobile_confirmed=mobile_confirmed, **slots)
    kept = vault()
    mobile = "+336" + str(uuid.uuid4().int)[:8]
    t.slots.update(
        code_request_ref=kept.put("tok", "req-1", t.sender_id),
        mobile_ref=kept.put("tok", mobile, t.sender_id),
    )
    return t, mobile


def test_the_other_path_and_an_open_activation_go_on(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)
    for slots in ({}, {**PERSON, "activation_ref": "act-1"}):
        step, texts = run_stage(new_code.stage, flow_tracker(**slots))
        assert (step.events, step.route, texts) == ([], None, [])
    assert fake.calls == []


def test_what_is_missing_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)
    step, _ = run_stage(new_code.stage, flow_tracker(code_path="new_code", nir=VALID_NIR))
    assert (step.events, step.route) == ([], "new_code")
    expired = {**PERSON, "nir": "secretnir0123456789abcdef"}
    step, _ = run_stage(new_code.stage, flow_tracker(**expired))
    assert (events_of(step), step.route) == ([("nir", None)], "new_code")
    step, _ = run_stage(new_code.stage, flow_tracker(**{**PERSON, "card_serial": None}))
    assert (step.events, step.route) == ([], "card")
    assert fake.calls == []


@pytest.mark.parametrize("reason", ["locked", "otp_locked"])
def test_a_lockout_says_so_again(monkeypatch: pytest.MonkeyPatch, reason: str) -> None:
    install_backend(monkeypatch)
    step, texts = run_stage(new_code.stage, flow_tracker(**PERSON, handoff_reason=reason))
    locked = responses.text("utter_otp_locked")
    assert (texts, step.events, step.route) == ([locked], [], "handoff")


def test_a_known_person_is_asked_about_the_mobile_on_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(
        monkeypatch, request_new_code=CodeRequest("req-1", "+33612345377", "** ** ** *3 77")
    )
    t = flow_tracker(**PERSON)
    step, texts = run_stage(new_code.stage, t)
    assert texts == [] and step.route == "mobile_check"
    (req_name, req_ref), (mob_name, mob_ref), masked, confirmed = events_of(step)
    assert (req_name, mob_name) == ("code_request_ref", "mobile_ref")
    assert REF_PATTERN.fullmatch(req_ref) and revealed(req_ref, t) == "req-1"
    assert REF_PATTERN.fullmatch(mob_ref) and revealed(mob_ref, t) == "+33612345377"
    assert (masked, confirmed) == (("mobile_masked", "** ** ** *3 77"), ("mobile_confirmed", None))
    assert fake.calls == [("request_new_code", (VALID_NIR, "1985-05-12", "vitale", "12345678"))]


@pytest.mark.parametrize(
    ("error", "start", "events", "route"),
    [
        (
            refusal("person_not_found", 404, attempts_left=1),
            "Ces informations ne correspondent pas à nos fichiers.",
            [("birth_date", None), ("card_type", None), ("card_serial", None)],
            "new_code",
        ),
        (
            refusal("request_locked", 423),
            "Pour votre sécurité, la vérification est bloquée",
            [("handoff_reason", "locked")],
            "handoff",
        ),
        (
            refusal("no_mobile", 409),
            "Aucun numéro de mobile n'est enregistré pour vous",
            [("handoff_reason", "no_mobile")],
            "handoff",
        ),
        (
            refusal("already_activated", 409),
            "Votre espace Mon espace santé est déjà activé.",
            [],
            "done",
        ),
        (
            refusal("insured_deceased", 409),
            "Votre espace ne peut pas être activé ici.",
            [("handoff_reason", "insured_deceased")],
            "paused",
        ),
    ],
)
def test_each_refusal_of_the_request_has_its_answer(
    monkeypatch: pytest.MonkeyPatch,
    error,
    start,
    events,
    route,  # type: ignore[no-untyped-def]
) -> None:
    install_backend(monkeypatch, request_new_code=error)
    step, texts = run_stage(new_code.stage, flow_tracker(**PERSON))
    assert len(texts) == 1 and texts[0].startswith(start)
    assert (events_of(step), step.route) == (events, route)


def test_a_person_not_found_hears_the_tries_left(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, request_new_code=refusal("person_not_found", 404, attempts_left=1))
    _, texts = run_stage(new_code.stage, flow_tracker(**PERSON))
    assert texts == [
        "Ces informations ne correspondent pas à nos fichiers. Vérifiez votre date de naissance "
        "et votre carte (écrivez CORRIGER pour changer le numéro de sécurité sociale). "
        "Il vous reste 1 essai."
    ]


def test_a_mobile_that_is_not_theirs_goes_to_an_advisor(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch)
    t, _ = requested("not_mine")
    step, texts = run_stage(new_code.stage, t)
    assert texts[0].startswith("D'accord. Seul un conseiller peut changer le numéro enregistré")
    assert (events_of(step), step.route) == ([("handoff_reason", "mobile_not_theirs")], "handoff")
    t, _ = requested(None)
    step, texts = run_stage(new_code.stage, t)
    assert (step.events, step.route, texts) == ([], "mobile_check", [])


def test_a_confirmed_mobile_gets_a_code(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)
    t, mobile = requested("confirmed")
    step, texts = run_stage(new_code.stage, t)
    assert texts == [] and step.route == "otp"
    assert dict(events_of(step))["otp_purpose"] == "new_code"
    outbox = runtime().messenger.outbox
    assert outbox is not None and len(outbox.list(to=mobile)) == 1
    assert fake.calls == []


def test_the_code_typed_back_opens_the_activation(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch, activation_after_check=IdentityOk("act-9", "PAUL", "x"))
    t, _ = requested("confirmed", otp_purpose="new_code", otp_code="verified")
    step, texts = run_stage(new_code.stage, t)
    assert texts == [
        "Merci Paul, c'est vérifié. Votre nouveau code provisoire vous est aussi envoyé par SMS : "
        "inutile de l'écrire ici, nous continuons."
    ]
    events = events_of(step)
    assert events[0][0] == "activation_ref" and revealed(events[0][1], t) == "act-9"
    assert events[1:4] == [("first_name", "PAUL"), ("card_verified", True), ("code_path", None)]
    assert events[4:] == [(name, None) for name in REQUEST_CLEARED[3:]]
    assert step.route is None
    assert fake.calls == [("activation_after_check", ("req-1",))]


@pytest.mark.parametrize("code", ["request_not_found", "request_expired"])
def test_an_expired_request_starts_the_check_again(
    monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    install_backend(monkeypatch, activation_after_check=refusal(code, 410))
    t, _ = requested("confirmed", otp_purpose="new_code", otp_code="verified")
    step, texts = run_stage(new_code.stage, t)
    assert texts == ["Pour votre sécurité, la demande a expiré. Reprenons la vérification."]
    assert events_of(step) == [(name, None) for name in REQUEST_CLEARED]
    assert step.route == "new_code"
