"""What the console shows of the collected data: masked, and never a secret."""

from __future__ import annotations

from webhook.advisor.views import collected_from_slots, mask_serial

SLOTS = {
    "first_name": "Camille",
    "nir": "secretnir0123456789abcdef",
    "nir_masked": "1 85 05 ** *** *** 91",
    "provisional_code": "secretcode0123456789abcdef",
    "activation_ref": "secrettok0123456789abcdef",
    "card_type": "with_photo",
    "card_serial": "12345678901",
    "card_verified": True,
    "decision": "activate",
    "consent": True,
    "decision_recorded": "activate",
    "contact_confirmed": True,
    "email_masked": "c***@e***.org",
    "mobile_masked": "** ** ** *3 77",
    "identifier": "camille.martin85",
    "password": "secretpwd0123456789abcdef",
    "password_confirmation": "secretpwd0123456789abcdee",
    "account_created": None,
    "handoff_reason": "asked",
    "flow_step": "credentials",
    "requested_slot": "password",
    "__active_loop": "credentials_form",
}


def test_collected_data_is_masked_and_never_a_secret() -> None:
    collected = collected_from_slots(SLOTS)
    assert collected == {
        "first_name": "Camille",
        "nir": "1 85 05 ** *** *** 91",
        "provisional_code_given": True,
        "identity_verified": True,
        "card_type": "with_photo",
        "card_serial": "*******8901",
        "card_verified": True,
        "decision": "activate",
        "decision_recorded": "activate",
        "contact_confirmed": True,
        "email": "c***@e***.org",
        "mobile": "** ** ** *3 77",
        "identifier": "camille.martin85",
        "account_created": False,
        "handoff_reason": "asked",
    }
    assert "secret" not in str(collected)


def test_a_secret_in_an_unexpected_slot_is_dropped() -> None:
    collected = collected_from_slots(
        {"identifier": "secretpwd0123456789abcdef", "first_name": "x secretnir0123456789abcdef"}
    )
    assert collected["identifier"] is None and collected["first_name"] is None


def test_an_empty_tracker_gives_empty_fields() -> None:
    collected = collected_from_slots({})
    assert collected["nir"] is None and collected["provisional_code_given"] is False


def test_card_serials_keep_their_last_4_digits() -> None:
    assert mask_serial("123456789") == "*****6789"
    assert mask_serial("1234") == "1234"
    assert mask_serial("looks_like_nir") is None
