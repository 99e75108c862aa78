"""Cross-cutting guarantees: nothing secret in the database or the logs, uniform JSON errors,
no 500 for bad input, and PostgreSQL compatibility by construction."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from backend import logs
from backend.models import Base

BACKEND_DIR = Path(__file__).resolve().parents[2] / "backend"


def full_journey(api: Any) -> dict[str, str]:
    """Every kind of secret goes through the API once; returns them to search for."""
    body, code = api.register()
    activation_id = api.verified_activation(body, code)
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    api.credentials(activation_id, "camille.durand", api.strong_password)
    challenge = api.login("camille.durand").json["challenge_id"]
    login_code = api.messenger.last_code()
    token = api.verify(challenge, login_code).json["access_token"]
    other, _ = api.register(2)
    request_id = api.client.post(
        "/v1/code-requests",
        json={key: other[key] for key in ("nir", "birth_date", "card_type", "card_serial")},
    ).json["request_id"]
    api.client.post(f"/v1/code-requests/{request_id}/send")
    new_code = re.search(r"est ([A-Z0-9 ]{14})\.", api.messenger.sms[-1][1]).group(1)
    return {
        "nir": body["nir"],
        "other_nir": other["nir"],
        "provisional_code": code,
        "new_provisional_code": new_code.replace(" ", ""),
        "card_serial": body["card_serial"],
        "password": api.strong_password,
        "login_code": login_code,
        "activation_id": activation_id,
        "challenge_id": challenge,
        "access_token": token,
        "request_id": request_id,
    }


def test_no_secret_is_stored_in_clear(api: Any, app: Any) -> None:
    secrets = full_journey(api)
    dump = []
    with app.extensions["backend"].store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table)).all()
            assert rows or table.name == "throttles", table.name
            dump.extend(str(value) for row in rows for value in row)
    text = "\n".join(dump)
    for name, value in secrets.items():
        assert value not in text, name
        assert value.lower() not in text.lower(), name
    # The NIR's display mask is there, as documented.
    assert "*" in text


def test_logs_never_contain_secrets(api: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = full_journey(api)
    api.insured(secrets["nir"])  # the NIR is in this path; the access log names the route
    api.identity(secrets["nir"], "ABCDEFGHJK23")
    formatter = logs.formatter()  # the JSON lines `python -m backend` writes
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    lines = [json.loads(line) for line in logged.splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    wanted = {"method": "GET", "route": "/admin/insured/<nir>", "status": 200}
    assert any(wanted.items() <= line.items() for line in requests)
    assert all(line["service"] == "backend" and "timestamp" in line for line in lines)
    for name, value in secrets.items():
        assert value not in logged and value not in caplog.text, name


def test_malformed_json_is_400_everywhere(app: Any, api: Any) -> None:
    for rule in app.url_map.iter_rules():
        for method in rule.methods & {"POST", "PUT"}:
            path = re.sub(r"<[^>]+>", "x", rule.rule)
            for raw in (b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
                response = api.client.open(
                    path,
                    method=method,
                    data=raw,
                    content_type="application/json",
                    # the admin token on /admin, the client's own service token elsewhere
                    headers=api.admin_headers if path.startswith("/admin") else {},
                )
                assert response.status_code == 400, (path, raw)
                assert response.json["error"] == "invalid_json"
                assert set(response.json) == {"error", "message", "details"}


WEIRD_VALUES = [None, 0, 1.5, True, [], ["a"], {"a": 1}, "", " ", "x" * 5000, "\x00", "é" * 50]


def test_bad_input_never_gives_a_500(app: Any, api: Any) -> None:
    body, code = api.register()
    activation_id = api.verified_activation(body, code)
    fields = {
        "nir",
        "birth_date",
        "first_name",
        "last_name",
        "card_type",
        "card_serial",
        "email",
        "mobile",
        "provisional_code",
        "decision",
        "accept_cgu",
        "accept_privacy",
        "identifier",
        "password",
        "channel",
        "code",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule.replace("<activation_id>", activation_id).replace("<nir>", body["nir"])
        path = re.sub(r"<[^>]+>", "unknown", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for value in WEIRD_VALUES:
                payload = {field: value for field in fields}
                response = api.client.open(
                    path, method=method, json=payload, headers=api.admin_headers
                )
                assert response.status_code < 500, (method, path, value, response.json)
                if response.status_code >= 400:
                    assert set(response.json) == {"error", "message", "details"}


def test_unknown_route_and_method_are_json(api: Any) -> None:
    response = api.client.get("/nowhere")
    assert response.status_code == 404 and response.json["error"] == "not_found"
    response = api.client.delete("/v1/identity-checks")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


def test_oversized_body_is_413(api: Any) -> None:
    response = api.client.post("/v1/identity-checks", data=b"{" + b" " * 70_000 + b"}")
    assert response.status_code == 413 and set(response.json) == {"error", "message", "details"}


def test_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "CREATE TABLE" in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


def test_no_raw_sql_in_the_backend() -> None:
    """Only SQLAlchemy constructs, so the same code runs on SQLite and PostgreSQL."""
    for path in BACKEND_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<!\w)text\(", source), path.name
        assert not re.search(r"from sqlalchemy import[^\n]*\btext\b", source), path.name
        assert ".exec_driver_sql(" not in source, path.name
        if path.name != "store.py":  # the one SQLite-only PRAGMA, guarded by dialect
            assert "PRAGMA" not in source, path.name
