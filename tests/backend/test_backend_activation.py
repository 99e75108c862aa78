"""/v1/activations/<id>/…: card, decision, contact, identifier and credentials (path A)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def opened(api: Any) -> tuple[dict[str, Any], str, str]:
    """A registered person with an open (card not yet verified) activation."""
    body, code = api.register()
    return body, code, api.open_activation(body, code)


@pytest.fixture
def verified(api: Any) -> tuple[dict[str, Any], str]:
    body, code = api.register()
    return body, api.verified_activation(body, code)


# --- card -----------------------------------------------------------------------------------


def test_card_is_verified(api: Any, opened: Any) -> None:
    body, _, activation_id = opened
    serial = " ".join(body["card_serial"])  # spaces do not matter
    response = api.card(activation_id, body["card_type"], serial)
    assert response.status_code == 200 and response.json == {"card_verified": True}


def test_with_photo_card(api: Any) -> None:
    body, code = api.register(card_type="with_photo", card_serial="0102457612 4")
    activation_id = api.open_activation(body, code)
    assert api.card(activation_id, "with_photo", "01024576124").status_code == 200


def test_card_mismatch_counts_down_then_locks(api: Any, opened: Any, clock: Any) -> None:
    body, _, activation_id = opened
    for expected_left in (4, 3, 2, 1, 0):
        response = api.card(activation_id, body["card_type"], "99999999")
        assert response.status_code == 422
        assert response.json["error"] == "card_mismatch"
        assert response.json["details"] == {"attempts_left": expected_left}
    locked = api.card(activation_id, body["card_type"], body["card_serial"])
    assert locked.status_code == 423 and locked.json["error"] == "card_locked"
    assert locked.json["details"]["retry_after_seconds"] == 1800
    clock.advance(minutes=30)
    # The activation itself expired meanwhile; a new identity check gets a fresh one.
    assert api.card(activation_id, body["card_type"], body["card_serial"]).status_code == 410


def test_card_lock_is_per_person_not_per_activation(api: Any, opened: Any) -> None:
    body, code, activation_id = opened
    for _ in range(5):
        api.card(activation_id, body["card_type"], "99999999")
    another = api.open_activation(body, code)
    response = api.card(another, body["card_type"], body["card_serial"])
    assert response.status_code == 423


def test_wrong_card_type_is_a_mismatch(api: Any, opened: Any) -> None:
    body, _, activation_id = opened
    response = api.card(activation_id, "with_photo", "01024576124")
    assert response.status_code == 422 and response.json["error"] == "card_mismatch"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"card_serial": "12345678"}, "card_type"),
        ({"card_type": "platinum", "card_serial": "12345678"}, "card_type"),
        ({"card_type": "without_photo"}, "card_serial"),
        ({"card_type": "without_photo", "card_serial": "123"}, "card_serial"),
        ({"card_type": "with_photo", "card_serial": "12345678"}, "card_serial"),
    ],
)
def test_malformed_card_requests_are_422_and_not_counted(
    api: Any, opened: Any, payload: dict[str, Any], field: str
) -> None:
    body, _, activation_id = opened
    response = api.client.post(f"/v1/activations/{activation_id}/card", json=payload)
    assert response.status_code == 422
    assert response.json["error"] == "invalid_request"
    assert response.json["details"]["field"] == field
    mismatch = api.card(activation_id, body["card_type"], "99999999")
    assert mismatch.json["details"]["attempts_left"] == 4


def test_unknown_activation_is_404(api: Any) -> None:
    response = api.card("no-such-activation", "without_photo", "12345678")
    assert response.status_code == 404 and response.json["error"] == "activation_not_found"
    response = api.client.get("/v1/activations/nope/contact")
    assert response.status_code == 404


def test_activation_expires_after_30_minutes(api: Any, opened: Any, clock: Any) -> None:
    body, _, activation_id = opened
    clock.advance(minutes=29, seconds=59)
    assert api.card(activation_id, body["card_type"], body["card_serial"]).status_code == 200
    clock.advance(seconds=1)
    response = api.client.get(f"/v1/activations/{activation_id}/contact")
    assert response.status_code == 410 and response.json["error"] == "activation_expired"


# --- decision ------------------------------------------------------------------------------


def test_decision_needs_the_card_first(api: Any, opened: Any) -> None:
    _, _, activation_id = opened
    response = api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    assert response.status_code == 409 and response.json["error"] == "card_not_verified"


@pytest.mark.parametrize(
    ("consents", "missing"),
    [
        ({}, ["accept_cgu", "accept_privacy"]),
        ({"accept_cgu": True}, ["accept_privacy"]),
        ({"accept_privacy": True}, ["accept_cgu"]),
        ({"accept_cgu": "true", "accept_privacy": 1}, ["accept_cgu", "accept_privacy"]),
        ({"accept_cgu": False, "accept_privacy": True}, ["accept_cgu"]),
    ],
)
def test_activate_needs_both_consents(
    api: Any, verified: Any, consents: dict[str, Any], missing: list[str]
) -> None:
    _, activation_id = verified
    response = api.decide(activation_id, "activate", **consents)
    assert response.status_code == 422
    assert response.json["error"] == "consent_required"
    assert response.json["details"] == {"missing": missing}


def test_activate_decision(api: Any, verified: Any) -> None:
    body, activation_id = verified
    response = api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    assert response.status_code == 200
    assert response.json == {"status": "pending", "decision": "activate"}
    assert api.insured(body["nir"])["status"] == "pending"  # activated once credentials are set


def test_unknown_decision_is_422(api: Any, verified: Any) -> None:
    _, activation_id = verified
    response = api.decide(activation_id, "maybe")
    assert response.status_code == 422 and response.json["details"]["field"] == "decision"


def test_opposition_is_immediate_and_reversible(api: Any, clock: Any) -> None:
    body, code = api.register()
    activation_id = api.verified_activation(body, code)
    response = api.decide(activation_id, "oppose")
    assert response.status_code == 200
    assert response.json == {"status": "opposed", "decision": "oppose"}
    person = api.insured(body["nir"])
    assert person["status"] == "opposed" and person["opposed_at"] == "2025-03-03T09:00:00Z"
    response = api.credentials(activation_id, "camille.durand", api.strong_password)
    assert response.status_code == 409 and response.json["error"] == "decision_missing"

    # An opposed person is never created automatically.
    clock.advance(weeks=5)
    assert api.insured(body["nir"])["status"] == "opposed"

    # Later: the same code, a new identity check, and "activate" work.
    check = api.identity(body["nir"], code)
    assert check.status_code == 201 and check.json["status"] == "opposed"
    again = check.json["activation_id"]
    assert api.card(again, body["card_type"], body["card_serial"]).status_code == 200
    assert api.decide(again, "activate", accept_cgu=True, accept_privacy=True).status_code == 200
    assert api.credentials(again, "camille.durand", api.strong_password).status_code == 201
    assert api.insured(body["nir"])["status"] == "activated"

    clock.advance(weeks=2)
    assert api.insured(body["nir"])["auto_created"] is False


# --- contact -------------------------------------------------------------------------------


def test_contact_is_masked(api: Any, verified: Any) -> None:
    _, activation_id = verified
    response = api.client.get(f"/v1/activations/{activation_id}/contact")
    assert response.status_code == 200
    assert response.json == {
        "email_masked": "c***@e***.org",
        "mobile_masked": "** ** ** *6 01",
        "email_present": True,
        "mobile_present": True,
    }


def test_contact_needs_the_card(api: Any, opened: Any) -> None:
    _, _, activation_id = opened
    assert api.client.get(f"/v1/activations/{activation_id}/contact").status_code == 409
    response = api.client.put(
        f"/v1/activations/{activation_id}/contact", json={"mobile": "0698765432"}
    )
    assert response.status_code == 409 and response.json["error"] == "card_not_verified"


@pytest.mark.parametrize("mobile", ["06 98 76 54 32", "+33 6 98 76 54 32", "0033698765432"])
def test_contact_update_normalises_mobile(api: Any, verified: Any, mobile: str) -> None:
    body, activation_id = verified
    response = api.client.put(f"/v1/activations/{activation_id}/contact", json={"mobile": mobile})
    assert response.status_code == 200
    assert response.json["mobile_masked"] == "** ** ** *4 32"
    person = api.insured(body["nir"])
    assert person["mobile"] == "+33698765432"
    assert person["email"] == body["email"]  # absent field: unchanged


def test_contact_update_email(api: Any, verified: Any) -> None:
    body, activation_id = verified
    response = api.client.put(
        f"/v1/activations/{activation_id}/contact",
        json={"email": "nouvelle.adresse@example.org", "mobile": None},
    )
    assert response.status_code == 200
    assert response.json["email_masked"] == "n***@e***.org"
    person = api.insured(body["nir"])
    assert person["email"] == "nouvelle.adresse@example.org"
    assert person["mobile"] == body["mobile"]


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"email": "pas une adresse"}, "invalid_email"),
        ({"email": "jean@"}, "invalid_email"),
        ({"mobile": "01 23 45 67 89"}, "invalid_mobile"),  # landline
        ({"mobile": "06 12"}, "invalid_mobile"),
        ({"mobile": "bonjour"}, "invalid_mobile"),
    ],
)
def test_contact_update_refusals(
    api: Any, verified: Any, payload: dict[str, Any], error: str
) -> None:
    body, activation_id = verified
    response = api.client.put(f"/v1/activations/{activation_id}/contact", json=payload)
    assert response.status_code == 422 and response.json["error"] == error
    assert api.insured(body["nir"])["mobile"] == body["mobile"]


# --- identifier and credentials ------------------------------------------------------------


def test_identifier_check(api: Any, verified: Any) -> None:
    _, activation_id = verified
    url = f"/v1/activations/{activation_id}/identifier-check"
    assert api.client.post(url, json={"identifier": "camille.durand"}).json == {"available": True}
    response = api.client.post(url, json={"identifier": "Camille.Durand"})
    assert response.status_code == 422
    assert response.json["error"] == "identifier_invalid"
    assert response.json["details"] == {"rules": ["uppercase"], "suggestion": "camille.durand"}
    response = api.client.post(url, json={"identifier": "cd@example.org"})
    assert response.json["details"]["rules"] == ["bad_characters", "is_email"]


def test_identifier_taken(api: Any) -> None:
    api.activate(1, identifier="camille.durand")
    body, code = api.register(2)
    activation_id = api.verified_activation(body, code)
    url = f"/v1/activations/{activation_id}/identifier-check"
    response = api.client.post(url, json={"identifier": "camille.durand"})
    assert response.status_code == 409 and response.json["error"] == "identifier_taken"
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    response = api.credentials(activation_id, "camille.durand", api.strong_password)
    assert response.status_code == 409 and response.json["error"] == "identifier_taken"


def test_credentials_need_an_activate_decision(api: Any, verified: Any) -> None:
    _, activation_id = verified
    response = api.credentials(activation_id, "camille.durand", api.strong_password)
    assert response.status_code == 409 and response.json["error"] == "decision_missing"


def test_credentials_need_the_card(api: Any, opened: Any) -> None:
    _, _, activation_id = opened
    response = api.credentials(activation_id, "camille.durand", api.strong_password)
    assert response.status_code == 409 and response.json["error"] == "card_not_verified"


@pytest.mark.parametrize(
    ("identifier", "password", "error", "rules"),
    [
        ("Camille", "Tr3s-Solide!Mot", "identifier_invalid", ["too_short", "uppercase"]),
        ("camille.durand", "court1!", "password_weak", ["too_short", "no_uppercase"]),
        ("camille.durand", "Azerty123!", "password_weak", ["common"]),
        ("camille.durand", "Camille.Durand-1", "password_weak", ["contains_identifier"]),
        (
            "camille.durand",
            "TOUTMAJUSCULE",
            "password_weak",
            ["no_lowercase", "no_digit", "no_special"],
        ),
    ],
)
def test_credentials_refusals(
    api: Any, verified: Any, identifier: str, password: str, error: str, rules: list[str]
) -> None:
    body, activation_id = verified
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    response = api.credentials(activation_id, identifier, password)
    assert response.status_code == 422
    assert response.json["error"] == error
    assert response.json["details"]["rules"] == rules
    assert api.insured(body["nir"])["status"] == "pending"


def test_credentials_activate_the_space(api: Any, verified: Any) -> None:
    body, activation_id = verified
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    response = api.credentials(activation_id, "camille.durand", api.strong_password)
    assert response.status_code == 201
    assert response.json == {"status": "activated", "identifier": "camille.durand"}
    person = api.insured(body["nir"])
    assert person["status"] == "activated" and person["identifier"] == "camille.durand"
    assert person["auto_created"] is False
    # The activation is used up.
    again = api.credentials(activation_id, "camille.autre", api.strong_password)
    assert again.status_code == 410


def test_missing_password_is_422(api: Any, verified: Any) -> None:
    _, activation_id = verified
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    response = api.client.post(
        f"/v1/activations/{activation_id}/credentials", json={"identifier": "camille.durand"}
    )
    assert response.status_code == 422 and response.json["details"]["field"] == "password"
