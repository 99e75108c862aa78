"""Login: identifier + password, a 6-digit one-time code, an access token; closing the space."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def person(api: Any) -> dict[str, Any]:
    return api.activate()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_end_to_end_by_sms(api: Any, person: dict[str, Any]) -> None:
    response = api.login("camille.durand")
    assert response.status_code == 200
    assert response.json["sent_to"] == "** ** ** *6 01"
    assert response.json["expires_at"] == "2025-03-03T09:15:00Z"
    ((to, text),) = api.messenger.sms
    assert to == person["mobile"]
    assert "code de connexion" in text and "15 minutes" in text

    verified = api.verify(response.json["challenge_id"], api.messenger.last_code())
    assert verified.status_code == 200
    token = verified.json["access_token"]
    me = api.client.get("/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json["identifier"] == "camille.durand" and me.json["first_name"] == "Camille"


def test_login_by_email(api: Any, person: dict[str, Any]) -> None:
    response = api.login("camille.durand", channel="email")
    assert response.status_code == 200
    assert response.json["sent_to"] == "c***@e***.org"
    ((to, subject, _),) = api.messenger.emails
    assert to == person["email"] and "code de connexion" in subject
    assert api.verify(response.json["challenge_id"], api.messenger.last_code()).status_code == 200


def test_identifier_is_case_insensitive_at_login(api: Any, person: dict[str, Any]) -> None:
    assert api.login("Camille.Durand").status_code == 200


def test_bad_credentials_are_uniform(api: Any, person: dict[str, Any]) -> None:
    wrong_password = api.login("camille.durand", password="Pas-le-bon-1!")
    unknown = api.login("personne.inconnue", password="Pas-le-bon-1!")
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json == unknown.json
    assert wrong_password.json["error"] == "bad_credentials"
    assert api.messenger.sms == []


def test_login_lockout(api: Any, person: dict[str, Any], clock: Any) -> None:
    for _ in range(5):
        assert api.login("camille.durand", password="Pas-le-bon-1!").status_code == 401
    locked = api.login("camille.durand")
    assert locked.status_code == 423 and locked.json["error"] == "login_locked"
    clock.advance(minutes=30)
    assert api.login("camille.durand").status_code == 200


def test_wrong_code_counts_down_then_locks(api: Any, person: dict[str, Any]) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    right = api.messenger.last_code()
    wrong = "000000" if right != "000000" else "111111"
    for expected_left in (4, 3, 2, 1, 0):
        response = api.verify(challenge, wrong)
        assert response.status_code == 401
        assert response.json == {
            "error": "bad_code",
            "message": "wrong code",
            "details": {"attempts_left": expected_left},
        }
    locked = api.verify(challenge, right)
    assert locked.status_code == 423 and locked.json["error"] == "challenge_locked"


def test_code_expires_after_15_minutes(api: Any, person: dict[str, Any], clock: Any) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    clock.advance(minutes=15)
    response = api.verify(challenge, api.messenger.last_code())
    assert response.status_code == 410 and response.json["error"] == "code_expired"


def test_code_is_single_use(api: Any, person: dict[str, Any]) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    code = api.messenger.last_code()
    assert api.verify(challenge, code).status_code == 200
    assert api.verify(challenge, code).status_code == 410


def test_code_is_bound_to_its_challenge(api: Any, person: dict[str, Any]) -> None:
    first = api.login("camille.durand").json["challenge_id"]
    first_code = api.messenger.last_code()
    second = api.login("camille.durand").json["challenge_id"]
    second_code = api.messenger.last_code()
    if first_code != second_code:
        assert api.verify(second, first_code).status_code == 401
    assert api.verify(first, first_code).status_code == 200


def test_code_with_spaces_is_accepted(api: Any, person: dict[str, Any]) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    code = api.messenger.last_code()
    assert api.verify(challenge, f"{code[:3]} {code[3:]}").status_code == 200


def test_unknown_challenge_is_404(api: Any) -> None:
    response = api.verify("nope", "123456")
    assert response.status_code == 404 and response.json["error"] == "challenge_not_found"


def test_channel_without_contact(api: Any) -> None:
    api.activate(email=None)
    response = api.login("camille.durand", channel="email")
    assert response.status_code == 409
    assert response.json["error"] == "channel_unavailable"
    assert response.json["details"] == {"channel": "email"}


def test_bad_channel_is_422(api: Any, person: dict[str, Any]) -> None:
    response = api.login("camille.durand", channel="pigeon")
    assert response.status_code == 422 and response.json["details"]["field"] == "channel"


def test_delivery_failure_is_502_and_leaves_no_challenge(api: Any, person: dict[str, Any]) -> None:
    api.messenger.fail = True
    response = api.login("camille.durand")
    assert response.status_code == 502 and response.json["error"] == "delivery_failed"


def test_close_space(api: Any, person: dict[str, Any]) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    token = api.verify(challenge, api.messenger.last_code()).json["access_token"]
    response = api.client.post("/v1/me/close", headers=bearer(token))
    assert response.status_code == 200 and response.json == {"status": "closed"}
    assert api.insured(person["nir"])["status"] == "closed"
    # The token is revoked and the account cannot log in any more.
    assert api.client.get("/v1/me", headers=bearer(token)).status_code == 401
    assert api.login("camille.durand").status_code == 401


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "x"}])
def test_me_needs_a_valid_token(api: Any, headers: dict[str, str]) -> None:
    for method, path in (("get", "/v1/me"), ("post", "/v1/me/close")):
        response = getattr(api.client, method)(path, headers=headers)
        assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_access_token_expires(api: Any, person: dict[str, Any], clock: Any) -> None:
    challenge = api.login("camille.durand").json["challenge_id"]
    verified = api.verify(challenge, api.messenger.last_code())
    assert verified.json["expires_at"] == "2025-03-03T09:30:00Z"
    clock.advance(minutes=30)
    headers = bearer(verified.json["access_token"])
    assert api.client.get("/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({}, "identifier", "missing"),
        ({"identifier": None}, "identifier", "missing"),
        ({"identifier": "   "}, "identifier", "missing"),
        ({"identifier": 42}, "identifier", "not_a_string"),
        ({"identifier": "x" * 65}, "identifier", "too_long"),
        ({"identifier": "camille.durand", "password": ""}, "password", "missing"),
        ({"identifier": "camille.durand", "password": "x" * 257}, "password", "too_long"),
        ({"identifier": "a", "password": "b", "channel": True}, "channel", "not_a_string"),
    ],
)
def test_login_body_refusals_name_field_and_reason(
    api: Any, body: dict[str, Any], field: str, reason: str
) -> None:
    response = api.client.post("/v1/sessions", json=body)
    assert response.status_code == 422
    assert response.json["error"] == "invalid_request"
    assert response.json["details"] == {"field": field, "reason": reason}


def test_a_password_of_spaces_is_a_password_and_unknown_fields_are_ignored(
    api: Any, person: dict[str, Any]
) -> None:
    body = {"identifier": "camille.durand", "password": "   ", "channel": "sms", "extra": [1]}
    response = api.client.post("/v1/sessions", json=body)
    assert response.status_code == 401 and response.json["error"] == "bad_credentials"
