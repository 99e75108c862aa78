"""The service around the API: health, OpenAPI, pepper, seed, and `python -m backend`."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate_spec
from sqlalchemy import func, select
from stdnum.fr import nir as stdnum_nir

from backend import schemas
from backend.config import PEPPER_FILE_NAME, resolve_pepper
from backend.models import Insured
from backend.payload import declare_body, read_body
from backend.schemas import REQUEST_BODIES
from backend.seed import seed, seed_people
from bot.nir import check_nir

ROOT = Path(__file__).resolve().parents[2]
REF = "#/components/schemas/{model}"


def test_healthz_ok(api: Any) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_503_when_the_database_does_not_answer(app_factory: Any) -> None:
    # Nothing listens on port 1: the PostgreSQL driver is refused at once.
    app = app_factory(BACKEND_DATABASE_URL="postgresql+psycopg2://u:p@127.0.0.1:1/backend")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "unavailable"}


def test_openapi_describes_every_route(app: Any, api: Any) -> None:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    routes = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    described = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert routes == described
    # Every $ref resolves.
    schemas = document["components"]["schemas"]
    for ref in re.findall(r'"#/components/schemas/([^"]+)"', response.get_data(as_text=True)):
        assert ref in schemas
    # Path parameters are declared.
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = {param["name"] for param in operation.get("parameters", [])}
            assert declared == set(re.findall(r"{([^}]+)}", path)), (path, method)


def test_openapi_document_is_valid(api: Any) -> None:
    validate_spec(api.client.get("/openapi.json").json)


def test_openapi_request_bodies_are_the_models(app: Any, api: Any) -> None:
    """One source: each route's documented body is the model its view reads, schema for schema."""
    document = api.client.get("/openapi.json").json
    components = document["components"]["schemas"]
    by_name = {model.__name__: model for model in REQUEST_BODIES}
    documented = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            body = document["paths"][path][method.lower()].get("requestBody")
            declared = getattr(app.view_functions[rule.endpoint], "json", None)
            if body is None:
                assert declared is None, rule.rule
                continue
            name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert name == declared, rule.rule
            assert components[name] == by_name[name].schema(ref_template=REF), name
            documented[name] = rule.rule
    assert set(documented) == set(by_name)  # every body model is some route's


def test_read_body_refuses_a_model_the_route_does_not_declare(app: Any) -> None:
    with app.test_request_context("/v1/sessions", method="POST", json={"code": "123456"}):
        declare_body(schemas.LoginStart)
        with pytest.raises(RuntimeError):
            read_body(schemas.LoginVerify)


def test_openapi_names_the_error_codes_of_the_spec(api: Any) -> None:
    text = api.client.get("/openapi.json").get_data(as_text=True)
    for code in [
        "unauthorized",
        "already_exists",
        "invalid_request",
        "not_found",
        "identity_mismatch",
        "code_expired",
        "identity_locked",
        "already_activated",
        "space_closed",
        "card_mismatch",
        "card_locked",
        "consent_required",
        "card_not_verified",
        "invalid_email",
        "invalid_mobile",
        "identifier_invalid",
        "identifier_taken",
        "password_weak",
        "decision_missing",
        "activation_not_found",
        "activation_expired",
        "person_not_found",
        "request_locked",
        "no_mobile",
        "bad_credentials",
        "bad_code",
        "challenge_locked",
        "invalid_json",
    ]:
        assert code in text, code


def test_pepper_resolution(tmp_path: Path, settings: Any) -> None:
    environ = {"DOTENV_PATH": str(tmp_path / "no.env")}
    explicit = resolve_pepper(settings, {**environ, "BACKEND_PEPPER": "from-env"})
    assert explicit == b"from-env"
    derived = resolve_pepper(settings, environ)
    assert derived == resolve_pepper(settings, environ)  # stable
    assert derived != settings.vault_key.encode() and len(derived) == 32

    class NoVaultKey:
        vault_key = ""
        var_dir = tmp_path / "var"

    from_file = resolve_pepper(NoVaultKey(), environ)
    assert from_file == resolve_pepper(NoVaultKey(), environ)  # kept in VAR_DIR
    pepper_file = tmp_path / "var" / PEPPER_FILE_NAME
    assert pepper_file.stat().st_mode & 0o777 == 0o600


def test_seed_is_idempotent_and_prints_working_codes(app: Any, api: Any) -> None:
    first = seed(app)
    assert len(first) == 5 and all(result.created for result in first)
    nirs = [result.nir for result in first]
    assert all(check_nir(nir).value == nir for nir in nirs)
    assert any(nir[5:7] == "2A" for nir in nirs)
    card_types = {result.body["card_type"] for result in first}
    assert card_types == {"with_photo", "without_photo"}
    assert len({result.body["email"] for result in first}) == 5
    assert len({result.body["mobile"] for result in first}) == 5
    assert all(result.body["mobile"].startswith("+336") for result in first)
    assert all(result.body["email"].endswith("@example.org") for result in first)

    second = seed(app)
    assert not any(result.created for result in second)
    with app.extensions["backend"].store.session() as session:
        assert session.execute(select(func.count()).select_from(Insured)).scalar_one() == 5
    # Re-running re-issued the codes: the new ones work, the old ones are revoked.
    marie_old, marie_new = first[0], second[0]
    assert marie_new.provisional_code != marie_old.provisional_code
    assert api.identity(marie_new.nir, marie_old.provisional_code).status_code == 401
    assert api.identity(marie_new.nir, marie_new.provisional_code).status_code == 201


def test_seed_skips_codes_for_people_who_are_not_pending(app: Any, api: Any) -> None:
    first = seed(app)
    body = first[1].body
    activation_id = api.verified_activation(body, first[1].provisional_code)
    api.decide(activation_id, "oppose")
    second = seed(app)
    assert second[1].status == "opposed" and second[1].provisional_code is None


def test_seed_cli(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    for body in seed_people():
        assert stdnum_nir.format(body["nir"]) in result.output
    assert len(re.findall(r"code [A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4}", result.output)) == 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_python_m_backend_serves_healthz(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "BACKEND_PORT": str(port),
        "BACKEND_DATABASE_URL": f"sqlite:///{tmp_path}/served.sqlite3",
        "VAR_DIR": str(tmp_path),
        "VAULT_KEY": "served-test-key",
        "DOTENV_PATH": str(tmp_path / "no.env"),
        "LOG_FORMAT": "json",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "backend"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200 and b'"ok"' in r.read()
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "backend did not start"
                time.sleep(0.2)
        assert (tmp_path / "served.sqlite3").exists()  # migrated at start
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Its output is JSON lines (structlog), the service named, the route not the path.
    lines = [json.loads(line) for line in process.stdout.read().decode().splitlines()]
    assert all(line["service"] == "backend" for line in lines)
    assert any(line["event"] == "serving" for line in lines)
    assert any(line.get("route") == "/healthz" and line.get("status") == 200 for line in lines)


def test_api_answers_503_json_while_the_database_is_down(app_factory: Any) -> None:
    app = app_factory(BACKEND_DATABASE_URL="postgresql+psycopg2://u:p@127.0.0.1:1/backend")
    response = app.test_client().post(
        "/v1/identity-checks", json={"nir": "185057800600123", "provisional_code": "ABCDEFGHJK23"}
    )
    assert response.status_code == 503
    assert response.json["error"] == "database_unavailable"


def test_python_m_backend_seed_migrates_and_seeds(tmp_path: Path) -> None:
    """`make seed` runs this: it builds the app (no import circle with backend.app) and seeds."""
    env = {
        **os.environ,
        "BACKEND_DATABASE_URL": f"sqlite:///{tmp_path}/seeded.sqlite3",
        "VAR_DIR": str(tmp_path),
        "VAULT_KEY": "seed-test-key",
        "DOTENV_PATH": str(tmp_path / "no.env"),
    }
    command = [sys.executable, "-m", "backend.seed"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"created, pending: code", result.stdout)) == 5
