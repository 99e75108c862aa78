"""POST /v1/identity-checks: uniform refusals, lockout, code expiry, automatic creation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backend.models import Insured


def test_identity_check_opens_an_activation(api: Any) -> None:
    body, code = api.register()
    response = api.identity(body["nir"], code)
    assert response.status_code == 201
    assert response.json["first_name"] == "Camille"
    assert response.json["status"] == "pending"
    assert response.json["card_type_hint"] is None
    assert len(response.json["activation_id"]) >= 32


def test_code_is_read_leniently(api: Any) -> None:
    body, code = api.register()
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    nir = body["nir"]
    spaced_nir = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert api.identity(spaced_nir, typed).status_code == 201


def test_unknown_nir_and_wrong_code_get_the_same_answer(api: Any) -> None:
    body, code = api.register()
    wrong_code = "ABCDEFGHJK23" if code != "ABCDEFGHJK23" else "ZZZZZZZZZZZZ"
    wrong = api.identity(body["nir"], wrong_code)
    unknown = api.identity(api.make_nir("2991299999999"), code)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["error"] == "identity_mismatch"
    assert wrong.json["details"] == {"attempts_left": 4}


class CountingHasher:
    """Wraps the app's hasher and records which hashes a request computes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def counted(*args: Any) -> Any:
            self.calls.append(name)
            return method(*args)

        return counted


def test_unknown_nir_does_the_same_work_as_a_wrong_code(api: Any, app: Any) -> None:
    body, code = api.register()
    services = app.extensions["backend"]
    counting = CountingHasher(services.hasher)
    services.hasher = counting
    api.identity(body["nir"], "ABCDEFGHJK23" if code != "ABCDEFGHJK23" else "ZZZZZZZZZZZZ")
    wrong_code_calls = list(counting.calls)
    counting.calls.clear()
    api.identity(api.make_nir("2991299999999"), code)
    assert counting.calls == wrong_code_calls == ["nir", "provisional_code"]
    services.hasher = counting.inner


def fail_five_times(api: Any, nir: str) -> None:
    for expected_left in (4, 3, 2, 1, 0):
        response = api.identity(nir, "ABCDEFGHJK23")
        assert response.status_code == 401
        assert response.json["details"]["attempts_left"] == expected_left


def test_five_failures_lock_the_nir_for_30_minutes(api: Any, clock: Any) -> None:
    body, code = api.register()
    if code == "ABCDEFGHJK23":  # pragma: no cover - 1 chance in 2^60
        return
    fail_five_times(api, body["nir"])
    locked = api.identity(body["nir"], code)  # even the right code
    assert locked.status_code == 423
    assert locked.json["error"] == "identity_locked"
    assert locked.json["details"]["retry_after_seconds"] == 1800
    assert locked.headers["Retry-After"] == "1800"

    clock.advance(minutes=29)
    assert api.identity(body["nir"], code).json["details"]["retry_after_seconds"] == 60
    clock.advance(minutes=1)
    assert api.identity(body["nir"], code).status_code == 201


def test_unknown_nirs_are_locked_too(api: Any, clock: Any) -> None:
    body, code = api.register()
    unknown = api.make_nir("2991299999999")
    fail_five_times(api, unknown)
    response = api.identity(unknown, code)
    assert response.status_code == 423 and response.json["error"] == "identity_locked"
    # Another NIR is not affected.
    assert api.identity(body["nir"], code).status_code == 201


def test_failures_older_than_the_window_do_not_count(api: Any, clock: Any) -> None:
    body, code = api.register()
    for _ in range(4):
        api.identity(body["nir"], "ABCDEFGHJK23")
    clock.advance(minutes=31)
    response = api.identity(body["nir"], "ABCDEFGHJK23")
    assert response.status_code == 401 and response.json["details"]["attempts_left"] == 4


def test_success_resets_the_counter(api: Any) -> None:
    body, code = api.register()
    for _ in range(4):
        api.identity(body["nir"], "ABCDEFGHJK23")
    assert api.identity(body["nir"], code).status_code == 201
    assert api.identity(body["nir"], "ABCDEFGHJK23").json["details"]["attempts_left"] == 4


def test_expired_code_is_410_and_the_space_is_created_automatically(
    api: Any, app: Any, clock: Any
) -> None:
    body, code = api.register()
    clock.advance(weeks=6, seconds=-1)
    assert api.insured(body["nir"])["status"] == "pending"
    assert api.identity(body["nir"], code).status_code == 201
    clock.advance(seconds=1)
    response = api.identity(body["nir"], code)
    assert response.status_code == 410 and response.json["error"] == "code_expired"

    # Persisted, not only computed on read.
    with app.extensions["backend"].store.session() as session:
        person = session.execute(select(Insured)).scalar_one()
        assert (person.status, person.auto_created) == ("activated", True)
    person = api.insured(body["nir"])
    assert person["status"] == "activated" and person["auto_created"] is True
    assert person["activated_at"] == "2025-04-14T09:00:00Z"


def test_automatic_creation_is_applied_on_admin_read(api: Any, clock: Any) -> None:
    body, _ = api.register()
    clock.advance(weeks=7)
    person = api.insured(body["nir"])
    assert person["status"] == "activated" and person["auto_created"] is True
    assert person["identifier"] is None


def test_automatically_created_space_can_still_get_credentials(api: Any, clock: Any) -> None:
    """After automatic creation, a new code (path B or admin) lets the person choose credentials."""
    body, _ = api.register()
    clock.advance(weeks=7)
    response = api.client.post(
        f"/admin/insured/{body['nir']}/provisional-code", headers=api.admin_headers
    )
    code = response.json["provisional_code"]
    check = api.identity(body["nir"], code)
    assert check.status_code == 201
    assert check.json["status"] == "activated" and check.json["auto_created"] is True
    activation_id = check.json["activation_id"]
    assert api.card(activation_id, body["card_type"], body["card_serial"]).status_code == 200
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    assert api.credentials(activation_id, "camille.auto", api.strong_password).status_code == 201
    assert api.insured(body["nir"])["identifier"] == "camille.auto"


def test_already_activated_is_409(api: Any) -> None:
    body = api.activate()
    code = api.client.post(
        f"/admin/insured/{body['nir']}/provisional-code", headers=api.admin_headers
    ).json["provisional_code"]
    response = api.identity(body["nir"], code)
    assert response.status_code == 409 and response.json["error"] == "already_activated"


def test_closed_space_is_409(api: Any) -> None:
    body, code = api.register()
    activation_id = api.verified_activation(body, code)
    api.decide(activation_id, "activate", accept_cgu=True, accept_privacy=True)
    api.credentials(activation_id, "camille.durand", api.strong_password)
    challenge = api.login("camille.durand").json["challenge_id"]
    token = api.verify(challenge, api.messenger.last_code()).json["access_token"]
    closed = api.client.post("/v1/me/close", headers={"Authorization": f"Bearer {token}"})
    assert closed.status_code == 200
    # The old code is still on file, but the space is closed for good.
    response = api.identity(body["nir"], code)
    assert response.status_code == 409 and response.json["error"] == "space_closed"


def test_malformed_identity_requests(api: Any) -> None:
    body, code = api.register()
    cases = [
        ({"provisional_code": code}, "nir", "missing"),
        ({"nir": "12345", "provisional_code": code}, "nir", "invalid_nir"),
        ({"nir": body["nir"], "provisional_code": "ABC"}, "provisional_code", "invalid_code"),
        (
            {"nir": body["nir"], "provisional_code": "O0O0O0O0O0O0"},
            "provisional_code",
            "invalid_code",
        ),
        ({"nir": body["nir"], "provisional_code": 123}, "provisional_code", "not_a_string"),
    ]
    for payload, field, reason in cases:
        response = api.client.post("/v1/identity-checks", json=payload)
        assert response.status_code == 422, payload
        assert response.json["details"] == {"field": field, "reason": reason}
    # Format errors are not guesses: they do not count towards the lockout.
    assert api.identity(body["nir"], "ABCDEFGHJK23").json["details"]["attempts_left"] == 4
