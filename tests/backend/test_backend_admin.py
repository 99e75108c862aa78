"""Admin API: bearer token, registration, reading, re-issuing codes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.provisional_code import ALPHABET, CODE_LENGTH


def test_register_returns_a_code_valid_six_weeks(api: Any) -> None:
    body = api.person_body()
    response = api.client.post("/admin/insured", json=body, headers=api.admin_headers)
    assert response.status_code == 201
    code = response.json["provisional_code"]
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert response.json["code_expires_at"] == "2025-04-14T09:00:00Z"  # START + 6 weeks


def test_read_insured(api: Any) -> None:
    body, _ = api.register()
    person = api.insured(body["nir"])
    assert person["status"] == "pending"
    assert person["identifier"] is None
    assert person["email"] == body["email"]
    assert person["mobile"] == body["mobile"]
    assert person["first_name"] == "Camille" and person["last_name"] == "Durand"
    assert person["card_type"] == "without_photo"
    assert person["auto_created"] is False
    assert person["code_expires_at"] == "2025-04-14T09:00:00Z"
    assert "*" in person["nir_masked"]


def test_nir_in_path_may_have_spaces(api: Any) -> None:
    body, _ = api.register()
    nir = body["nir"]
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert api.insured(spaced)["first_name"] == "Camille"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic dGVzdDp0ZXN0"},
        {"Authorization": "Bearer "},
    ],
)
def test_admin_needs_the_token(api: Any, headers: dict[str, str]) -> None:
    for method, path in [
        ("post", "/admin/insured"),
        ("get", f"/admin/insured/{api.make_nir('1850578006001')}"),
        ("post", f"/admin/insured/{api.make_nir('1850578006001')}/provisional-code"),
    ]:
        response = getattr(api.client, method)(path, json=api.person_body(), headers=headers)
        assert response.status_code == 401
        assert response.json["error"] == "unauthorized"
        assert set(response.json) == {"error", "message", "details"}


def test_empty_configured_token_refuses_everything(app_factory: Any) -> None:
    client = app_factory(BACKEND_ADMIN_TOKEN="").test_client()
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer x"}):
        response = client.get("/admin/insured/185057800600123", headers=headers)
        assert response.status_code == 401
        assert response.json["error"] == "unauthorized"


def test_duplicate_nir_is_409(api: Any) -> None:
    body, _ = api.register()
    response = api.client.post(
        "/admin/insured", json=api.person_body(1, email="x@example.org"), headers=api.admin_headers
    )
    assert response.status_code == 409
    assert response.json["error"] == "already_exists"
    assert api.insured(body["nir"])["email"] == body["email"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("nir", None, "missing"),
        ("nir", "185057800600199", "invalid_nir"),  # wrong key
        ("nir", 185057800600123, "not_a_string"),
        ("birth_date", "14/05/1985", "not_a_date"),
        ("birth_date", "2099-01-01", "in_the_future"),
        ("first_name", "", "missing"),
        ("last_name", "x" * 101, "too_long"),
        ("card_type", "gold", "not_allowed"),
        ("card_serial", "12", "invalid_serial"),
        ("card_serial", "abcdefghij", "invalid_serial"),
        ("email", "not-an-email", "invalid_email"),
        ("mobile", "0123456789", "invalid_mobile"),  # a landline
        ("mobile", "06 12", "invalid_mobile"),
        ("mobile", ["+33612345678"], "not_a_string"),
    ],
)
def test_invalid_fields_are_422_naming_the_field(
    api: Any, field: str, value: Any, reason: str
) -> None:
    body = api.person_body(**{field: value})
    response = api.client.post("/admin/insured", json=body, headers=api.admin_headers)
    assert response.status_code == 422
    assert response.json["error"] == "invalid_request"
    assert response.json["details"] == {"field": field, "reason": reason}


@pytest.mark.parametrize("mobile", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033 6 12 34 56 78"])
def test_french_mobile_formats_are_stored_as_e164(api: Any, mobile: str) -> None:
    body, _ = api.register(mobile=mobile)
    assert api.insured(body["nir"])["mobile"] == "+33612345678"


def test_email_and_mobile_may_be_null(api: Any) -> None:
    body, _ = api.register(email=None, mobile=None)
    person = api.insured(body["nir"])
    assert person["email"] is None and person["mobile"] is None


def test_unknown_fields_are_ignored(api: Any) -> None:
    body, _ = api.register(favourite_colour="bleu")
    assert api.insured(body["nir"])["status"] == "pending"


def test_unknown_and_invalid_nir(api: Any) -> None:
    response = api.client.get(
        f"/admin/insured/{api.make_nir('1850578006999')}", headers=api.admin_headers
    )
    assert response.status_code == 404 and response.json["error"] == "not_found"
    response = api.client.get("/admin/insured/123", headers=api.admin_headers)
    assert response.status_code == 422 and response.json["details"]["field"] == "nir"


def test_reissue_revokes_the_previous_code(api: Any, clock: Any) -> None:
    body, old_code = api.register()
    clock.advance(days=1)
    response = api.client.post(
        f"/admin/insured/{body['nir']}/provisional-code", headers=api.admin_headers
    )
    assert response.status_code == 201
    new_code = response.json["provisional_code"]
    assert response.json["code_expires_at"] == "2025-04-15T09:00:00Z"
    assert new_code != old_code
    assert api.identity(body["nir"], old_code).status_code == 401
    assert api.identity(body["nir"], new_code).status_code == 201
