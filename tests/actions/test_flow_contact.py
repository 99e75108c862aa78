"""Contact stage: what is on file, and a change confirmed by a one-time code, on a scripted
backend (real Redis for the code and the outbox)."""

from __future__ import annotations

import uuid

import pytest

from actions.backend_client import BackendError, Contact
from actions.flow import contact
from actions.runtime import runtime
from tests.actions.flow_fakes import (
    REQUEST_CLEARED,
    events_of,
    flow_tracker,
    install_backend,
    refusal,
    run_stage,
)

OTP_CLEARED = [(name, None) for name in REQUEST_CLEARED[3:]]


def change(email: str, **slots: str) -> dict:
    return {
        "activation_ref": "act-1",
        "contact_confirmed": "change",
        "contact_change": "email",
        "new_contact": email,
        **slots,
    }


def test_what_is_on_file_is_shown_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch, contact=Contact("j***@exemple.fr", None))
    step, texts = run_stage(contact.stage, flow_tracker(activation_ref="act-1"))
    assert texts == []
    assert events_of(step) == [("email_masked", "j***@exemple.fr"), ("mobile_masked", "aucun")]
    assert step.route == "contact"
    assert fake.calls == [("contact", ("act-1",))]


def test_confirmed_contact_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)
    step, _ = run_stage(contact.stage, flow_tracker(contact_confirmed="confirmed"))
    assert (step.events, step.route, fake.calls) == ([], None, [])


def test_a_change_first_sends_a_code_to_the_new_address(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = install_backend(monkeypatch)  # no backend call before the code is typed back
    email = f"jeanne.{uuid.uuid4().hex[:8]}@exemple.fr"
    step, texts = run_stage(contact.stage, flow_tracker(**change(email)))
    assert texts == []
    slots = dict(events_of(step))
    assert slots["otp_purpose"] == "confirm_email" and slots["otp_channel"] == "email"
    assert step.route == "otp" and fake.calls == []
    outbox = runtime().messenger.outbox
    assert outbox is not None and len(outbox.list(to=email)) == 1


def test_a_change_confirmed_by_its_code_is_saved_then_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = install_backend(
        monkeypatch, update_contact=None, contact=Contact("n***@exemple.fr", "** ** ** *3 77")
    )
    t = flow_tracker(**change("new@exemple.fr", otp_purpose="confirm_email", otp_code="verified"))
    step, texts = run_stage(contact.stage, t)
    assert texts == ["C'est vérifié : votre nouvelle adresse e-mail est enregistrée."]
    assert events_of(step) == [
        ("contact_confirmed", None),
        ("contact_change", None),
        ("new_contact", None),
        *OTP_CLEARED,
        ("email_masked", "n***@exemple.fr"),
        ("mobile_masked", "** ** ** *3 77"),
    ]
    assert step.route == "contact"
    assert fake.calls == [
        ("update_contact", ("act-1", "new@exemple.fr", None)),
        ("contact", ("act-1",)),
    ]


def test_a_new_mobile_is_said_as_a_mobile(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, update_contact=None, contact=Contact(None, None))
    slots = change("+33611223344", otp_purpose="confirm_mobile", otp_code="verified")
    slots["contact_change"] = "mobile"
    _, texts = run_stage(contact.stage, flow_tracker(**slots))
    assert texts == ["C'est vérifié : votre nouveau numéro de mobile est enregistré."]


def test_a_refused_new_value_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    install_backend(monkeypatch, update_contact=refusal("invalid_email", 422))
    t = flow_tracker(**change("new@exemple.fr", otp_purpose="confirm_email", otp_code="verified"))
    step, texts = run_stage(contact.stage, t)
    assert texts == [
        "Cette coordonnée n'a pas pu être enregistrée. Écrivez-en une autre, ou CONSEILLER."
    ]
    assert events_of(step) == [("new_contact", None), *OTP_CLEARED]
    assert step.route == "contact"


@pytest.mark.parametrize("call", ["update_contact", "contact"])
def test_a_forgotten_activation_identifies_again(
    monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    answers = {"update_contact": None, call: refusal("activation_not_found", 404)}
    install_backend(monkeypatch, **answers)
    t = flow_tracker(**change("new@exemple.fr", otp_purpose="confirm_email", otp_code="verified"))
    step, texts = run_stage(contact.stage, t)
    assert texts[-1] == "Pour votre sécurité, votre session a expiré. Reprenons l'identification."
    assert events_of(step) == [("activation_ref", None), ("card_verified", None)]
    assert step.route == "identity"


def test_an_unexpected_refusal_of_the_lookup_is_not_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_backend(monkeypatch, contact=refusal("forbidden", 403))
    with pytest.raises(BackendError):
        run_stage(contact.stage, flow_tracker(activation_ref="act-1"))
