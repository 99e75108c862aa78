"""Only the assistant's actions call the activation routes (service token); a person's login
routes stay public; an unexpected error is logged without its text (issue 14)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend import logs
from tests.backend.conftest import ADMIN_TOKEN, SERVICE_TOKEN

WITHOUT_THE_TOKEN = [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Bearer {ADMIN_TOKEN}"},  # the operator's token is not the service's
    {"Authorization": f"Basic {SERVICE_TOKEN}"},
    {"Authorization": f"Bearer {SERVICE_TOKEN}x"},
]


def outsider(app: Flask) -> FlaskClient:
    """A client with no default header: what anyone reaching the backend's port can send."""
    return FlaskClient(app, app.response_class)


def path_b_request(api: Any, index: int = 3) -> str:
    body, _ = api.register(index)
    response = api.client.post(
        "/v1/code-requests",
        json={key: body[key] for key in ("nir", "birth_date", "card_type", "card_serial")},
    )
    assert response.status_code == 201, response.json
    return response.json["request_id"]


@pytest.mark.parametrize("headers", WITHOUT_THE_TOKEN)
def test_activation_routes_refuse_a_call_without_the_service_token(
    app: Flask, api: Any, headers: dict[str, str]
) -> None:
    body, code = api.register()
    activation_id = api.verified_activation(body, code)
    request_id = path_b_request(api)
    calls = [
        ("post", "/v1/identity-checks", {"nir": body["nir"], "provisional_code": code}),
        ("post", "/v1/code-requests", {key: body[key] for key in ("nir", "birth_date")}),
        ("post", f"/v1/code-requests/{request_id}/send", {}),
        ("post", f"/v1/code-requests/{request_id}/activation", {}),
        ("post", f"/v1/activations/{activation_id}/card", {"card_type": "with_photo"}),
        ("post", f"/v1/activations/{activation_id}/decision", {"decision": "oppose"}),
        ("get", f"/v1/activations/{activation_id}/contact", None),
        ("put", f"/v1/activations/{activation_id}/contact", {"email": "x@example.org"}),
        ("post", f"/v1/activations/{activation_id}/identifier-check", {"identifier": "a.b.c.d.e"}),
        ("post", f"/v1/activations/{activation_id}/credentials", {"identifier": "a.b.c.d.e"}),
    ]
    client = outsider(app)
    sms_before = len(api.messenger.sms)
    for method, path, payload in calls:
        response = getattr(client, method)(path, json=payload, headers=headers)
        assert response.status_code == 401, (path, response.status_code)
        assert response.json["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert len(api.messenger.sms) == sms_before, "a refused call sent an SMS"
    # Nothing was consumed: the assistant, with its token, still opens the path-B activation
    # (once only), and the person is still pending.
    opened = api.client.post(f"/v1/code-requests/{request_id}/activation")
    assert opened.status_code == 201, opened.json
    assert api.insured(body["nir"])["status"] == "pending"


def test_an_activation_is_not_opened_from_outside_even_with_a_stolen_request_id(
    app: Flask, api: Any
) -> None:
    """`…/activation` trusts its caller to have checked the one-time code: only the assistant
    may call it, so a leaked request id alone never yields a card-verified activation."""
    request_id = path_b_request(api)
    response = outsider(app).post(f"/v1/code-requests/{request_id}/activation")
    assert response.status_code == 401
    assert "activation_id" not in response.json


def test_the_login_routes_stay_public(app: Flask, api: Any) -> None:
    api.activate()
    client = outsider(app)
    started = client.post(
        "/v1/sessions",
        json={"identifier": "camille.durand", "password": api.strong_password, "channel": "sms"},
    )
    assert started.status_code == 200, started.json
    verified = client.post(
        f"/v1/sessions/{started.json['challenge_id']}/verify",
        json={"code": api.messenger.last_code()},
    )
    assert verified.status_code == 200, verified.json
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {verified.json['access_token']}"})
    assert me.status_code == 200 and me.json["identifier"] == "camille.durand"
    for path in ("/healthz", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_an_empty_configured_service_token_refuses_everything(app_factory: Any) -> None:
    client = app_factory(service_token="").test_client()  # the client still sends the test token
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {SERVICE_TOKEN}"}):
        response = client.post(
            "/v1/identity-checks",
            json={"nir": "185057800600123", "provisional_code": "ABCDEFGHJK23"},
            headers=headers,
        )
        assert response.status_code == 401, headers


def test_openapi_names_the_service_token_on_every_activation_route(api: Any) -> None:
    document = api.client.get("/openapi.json").json
    assert document["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            guarded = path.startswith(
                ("/v1/identity-checks", "/v1/code-requests", "/v1/activations")
            )
            security = operation.get("security", [])
            assert ({"serviceToken": []} in security) == guarded, (path, method)
            if guarded:
                assert "401" in operation["responses"], (path, method)


def leaky_send_sms(to: str, body: str) -> None:
    """A gateway failure that is not a MessagingError and quotes what it was sending."""
    raise RuntimeError(f"gateway refused {to}: {body!r}")


def test_an_unexpected_error_is_logged_without_its_text(
    api: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = api.activate()
    monkeypatch.setattr(api.messenger, "send_sms", leaky_send_sms)
    with caplog.at_level(logging.DEBUG):
        response = api.login("camille.durand")
    assert response.status_code == 500
    assert response.json["error"] == "internal_error"
    formatter = logs.formatter()  # the JSON lines `python -m backend` writes
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    lines = [json.loads(line) for line in logged.splitlines()]
    unexpected = [line for line in lines if line["event"] == "unexpected_error"]
    assert unexpected[0]["error"] == "RuntimeError" and unexpected[0]["level"] == "error"
    assert "send_sms" in logged  # where it failed is still there
    assert body["mobile"] not in logged
    assert "votre code de connexion est" not in logged  # the SMS, with its one-time code
