"""Path B: POST /v1/code-requests and …/send (a new provisional code by SMS)."""

from __future__ import annotations

import re
from typing import Any

import pytest


def request_body(body: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    payload = {key: body[key] for key in ("nir", "birth_date", "card_type", "card_serial")}
    payload.update(overrides)
    return payload


def code_in(sms_body: str) -> str:
    return re.search(r"est ([A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4})\.", sms_body).group(1)


def test_new_code_by_sms(api: Any, clock: Any) -> None:
    body, old_code = api.register()
    clock.advance(days=10)
    response = api.client.post("/v1/code-requests", json=request_body(body))
    assert response.status_code == 201
    assert response.json["mobile_masked"] == "** ** ** *6 01"
    request_id = response.json["request_id"]

    sent = api.client.post(f"/v1/code-requests/{request_id}/send")
    assert sent.status_code == 202
    assert sent.json == {"sent_to": "** ** ** *6 01", "code_expires_at": "2025-04-24T09:00:00Z"}
    ((to, text),) = api.messenger.sms
    assert to == body["mobile"]
    assert text.startswith("Mon espace santé : votre nouveau code provisoire est ")
    assert text.endswith(". Il est valable 6 semaines. Ne le communiquez à personne.")
    new_code = code_in(text)
    assert api.identity(body["nir"], old_code).status_code == 401  # revoked
    assert api.identity(body["nir"], new_code).status_code == 201
    assert api.insured(body["nir"])["code_expires_at"] == "2025-04-24T09:00:00Z"


@pytest.mark.parametrize(
    "overrides",
    [
        {"nir": "2991299999999"},  # unknown (key added below)
        {"birth_date": "1985-05-15"},
        {"card_type": "with_photo", "card_serial": "01024576124"},
        {"card_serial": "87654321"},
    ],
)
def test_every_mismatch_gets_the_same_404(api: Any, overrides: dict[str, Any]) -> None:
    body, _ = api.register()
    if "nir" in overrides:
        overrides = {"nir": api.make_nir(overrides["nir"])}
    response = api.client.post("/v1/code-requests", json=request_body(body, **overrides))
    assert response.status_code == 404
    assert response.json == {
        "error": "person_not_found",
        "message": "no insured person matches these details",
        "details": {"attempts_left": 4},
    }


def test_five_failures_lock_code_requests(api: Any, clock: Any) -> None:
    body, _ = api.register()
    wrong = request_body(body, birth_date="1985-05-15")
    for _ in range(5):
        assert api.client.post("/v1/code-requests", json=wrong).status_code == 404
    locked = api.client.post("/v1/code-requests", json=request_body(body))
    assert locked.status_code == 423 and locked.json["error"] == "request_locked"
    assert locked.json["details"]["retry_after_seconds"] == 1800
    clock.advance(minutes=30)
    assert api.client.post("/v1/code-requests", json=request_body(body)).status_code == 201


def test_no_mobile_is_409(api: Any) -> None:
    body, _ = api.register(mobile=None)
    response = api.client.post("/v1/code-requests", json=request_body(body))
    assert response.status_code == 409 and response.json["error"] == "no_mobile"


def test_already_activated_is_409(api: Any) -> None:
    body = api.activate()
    response = api.client.post("/v1/code-requests", json=request_body(body))
    assert response.status_code == 409 and response.json["error"] == "already_activated"


def test_unknown_and_expired_requests(api: Any, clock: Any) -> None:
    body, _ = api.register()
    assert api.client.post("/v1/code-requests/nope/send").status_code == 404
    request_id = api.client.post("/v1/code-requests", json=request_body(body)).json["request_id"]
    clock.advance(minutes=30)
    response = api.client.post(f"/v1/code-requests/{request_id}/send")
    assert response.status_code == 410 and response.json["error"] == "request_expired"
    assert api.messenger.sms == []


def test_at_most_five_sends_per_request(api: Any) -> None:
    body, _ = api.register()
    request_id = api.client.post("/v1/code-requests", json=request_body(body)).json["request_id"]
    for _ in range(5):
        assert api.client.post(f"/v1/code-requests/{request_id}/send").status_code == 202
    response = api.client.post(f"/v1/code-requests/{request_id}/send")
    assert response.status_code == 429 and response.json["error"] == "too_many_sends"
    codes = [code_in(text) for _, text in api.messenger.sms]
    assert len(set(codes)) == 5
    # Only the last one works.
    assert api.identity(body["nir"], codes[-2]).status_code == 401
    assert api.identity(body["nir"], codes[-1]).status_code == 201


def test_failed_sms_changes_nothing(api: Any) -> None:
    body, old_code = api.register()
    request_id = api.client.post("/v1/code-requests", json=request_body(body)).json["request_id"]
    api.messenger.fail = True
    response = api.client.post(f"/v1/code-requests/{request_id}/send")
    assert response.status_code == 502 and response.json["error"] == "delivery_failed"
    api.messenger.fail = False
    assert api.identity(body["nir"], old_code).status_code == 201


def test_malformed_code_requests(api: Any) -> None:
    body, _ = api.register()
    for field, value in [
        ("nir", "123"),
        ("birth_date", "hier"),
        ("card_type", "rouge"),
        ("card_serial", "12"),
    ]:
        response = api.client.post("/v1/code-requests", json=request_body(body, **{field: value}))
        assert response.status_code == 422, field
        assert response.json["details"]["field"] == field


# --- after the assistant's own one-time code: straight on to the decision ---------------------


def test_code_request_carries_the_mobile_for_the_one_time_code(api: Any) -> None:
    body, _ = api.register()
    response = api.client.post("/v1/code-requests", json=request_body(body))
    assert response.json["mobile"] == body["mobile"]


def test_activation_after_check_skips_code_and_card(api: Any, clock: Any) -> None:
    body, old_code = api.register()
    request_id = api.client.post("/v1/code-requests", json=request_body(body)).json["request_id"]

    opened = api.client.post(f"/v1/code-requests/{request_id}/activation")
    assert opened.status_code == 201
    assert opened.json["first_name"] == body["first_name"]
    assert opened.json["code_sent_to"] == "** ** ** *6 01"
    activation_id = opened.json["activation_id"]
    # The card was verified with the request: the decision is open at once.
    decided = api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    assert decided.status_code == 200, decided.json
    # A new code was issued and texted as a keepsake; the old one is revoked.
    ((to, text),) = api.messenger.sms
    assert to == body["mobile"]
    assert api.identity(body["nir"], old_code).status_code == 401
    assert api.identity(body["nir"], code_in(text)).status_code == 201


def test_a_request_opens_one_activation_only(api: Any) -> None:
    body, _ = api.register()
    request_id = api.client.post("/v1/code-requests", json=request_body(body)).json["request_id"]
    assert api.client.post(f"/v1/code-requests/{request_id}/activation").status_code == 201
    again = api.client.post(f"/v1/code-requests/{request_id}/activation")
    assert again.status_code == 410
    assert again.json["error"] == "request_expired"


def test_activation_after_check_with_unknown_request(api: Any) -> None:
    response = api.client.post("/v1/code-requests/nope/activation")
    assert response.status_code == 404
    assert response.json["error"] == "request_not_found"
