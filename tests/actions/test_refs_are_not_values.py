"""A secret reaches the actions as a vault ref (`secretnir` + 16 hex characters). The hex of a
ref can look like a date ("190742" → 19/07/1942) or hold a run of digits: the parsers of the
other fields must not read it. Found by CI on 2026-12-02: a caller's NIR, typed on the keypad,
came back as "Date de naissance : le 19 juillet 1942" one time in a few thousand."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.validate_card_form import ValidateCardForm
from actions.validate_contact_form import ValidateContactForm
from actions.validate_new_code_form import ValidateNewCodeForm
from actions.validate_otp_form import ValidateOtpForm
from bot.birth_date import parse_birth_date
from bot.vault import REF_PATTERN, without_refs
from tests.actions.test_form_validators import DOMAIN, tracker
from tests.support.aio import run_async

DATE_LIKE_REFS = [
    "secretnir190742abcdef0123",
    "secretnirabc190742def0123",
    "secretnir030385abcdef0123",
]


def extract(validator, slot: str, text: str, **slots):  # type: ignore[no-untyped-def]
    method = getattr(validator, f"extract_{slot}")
    return run_async(method(CollectingDispatcher(), tracker(text, **slots), DOMAIN))


@pytest.mark.parametrize("ref", DATE_LIKE_REFS)
def test_the_refs_used_here_do_look_like_dates_to_the_date_parser(ref: str) -> None:
    assert REF_PATTERN.fullmatch(ref)
    assert parse_birth_date(ref).value is not None  # so the tests below can fail


@pytest.mark.parametrize("ref", DATE_LIKE_REFS)
def test_a_nir_ref_is_not_a_date_of_birth_given_with_the_nir(ref: str) -> None:
    assert extract(ValidateNewCodeForm(), "birth_date", ref, requested="nir") == {}


@pytest.mark.parametrize("ref", DATE_LIKE_REFS)
def test_a_nir_ref_is_not_a_date_of_birth_when_the_date_is_asked(ref: str) -> None:
    assert extract(ValidateNewCodeForm(), "birth_date", ref, requested="birth_date") == {}


def test_a_date_beside_a_ref_is_still_read() -> None:
    text = f"{DATE_LIKE_REFS[0]} et je suis née le 3 mars 1985"
    found = extract(ValidateNewCodeForm(), "birth_date", text, requested="nir")
    assert parse_birth_date(found["birth_date"]).value.isoformat() == "1985-03-03"
    assert "secretnir" not in found["birth_date"]


def test_the_digits_of_a_ref_are_not_a_card_serial() -> None:
    text = "avec photo secretcode12345678901234ab"
    assert extract(ValidateCardForm(), "card_serial", text, requested="card_type") == {}


def test_the_digits_of_a_ref_are_not_a_mobile() -> None:
    text = "secretotp1234567890abcdef"
    found = extract(
        ValidateContactForm(), "new_contact", text, requested="new_contact", contact_change="mobile"
    )
    assert found == {}


def test_the_digits_of_another_secret_are_not_a_malformed_one_time_code() -> None:
    found = extract(
        ValidateOtpForm(), "otp_code", "secretnir1234ab5678cdef90ab", requested="otp_code"
    )
    assert found == {}


def test_without_refs_keeps_everything_else() -> None:
    assert without_refs("né le 3/3/85 secretnir190742abcdef0123 merci") == "né le 3/3/85   merci"
