"""What may be shown of sensitive values (bot/masking.py)."""

from __future__ import annotations

import pytest

from bot.masking import mask_email, mask_for_display, mask_mobile


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jean.dupont@example.fr", "j***@e***.fr"),
        ("Marie@Laposte.net", "M***@L***.net"),
        ("a@b.fr", "a***@b***.fr"),
        ("paul@mail.example.co.uk", "p***@m***.uk"),
        (" jean@example.fr ", "j***@e***.fr"),
        ("jean@localhost", "j***@l***"),
        ("not an address", "***"),
        ("@example.fr", "***"),
        ("", "***"),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("mobile", "masked"),
    [
        ("+33612345377", "** ** ** *3 77"),
        ("0612345377", "** ** ** *3 77"),
        ("06 12 34 53 77", "** ** ** *3 77"),
        ("0033612345377", "** ** ** *3 77"),
        ("+33 7 12 34 56 78", "** ** ** *6 78"),
        ("+447911123456", "*********456"),
        ("12", "**"),
    ],
)
def test_mask_mobile(mobile: str, masked: str) -> None:
    assert mask_mobile(mobile) == masked


def test_masked_mobile_shows_only_three_digits() -> None:
    masked = mask_mobile("+33612345377")
    assert sum(char.isdigit() for char in masked) == 3


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("nir", "185057800608491", "1 85 05 ** *** *** 91"),
        ("code", "ABCDEFGHJK23", "[code provisoire masqué]"),
        ("password", "S3cret!pass", "[mot de passe masqué]"),
        ("pwd", "S3cret!pass", "[mot de passe masqué]"),
        ("otp", "123456", "[code à usage unique masqué]"),
        ("email", "jean.dupont@example.fr", "j***@e***.fr"),
        ("mobile", "+33612345377", "** ** ** *3 77"),
    ],
)
def test_mask_for_display(kind: str, value: str, shown: str) -> None:
    assert mask_for_display(kind, value) == shown
    if kind not in ("nir", "mobile"):
        assert value not in shown


def test_mask_for_display_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        mask_for_display("iban", "FR76")
