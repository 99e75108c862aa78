"""Normalising contact details: mobiles to E.164, e-mail addresses to their normal form."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import PhoneNumberType

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class ContactError(ValueError):
    """The value is not a usable mobile number or e-mail address."""


def normalize_mobile(text: str) -> str:
    """`06 12 34 56 78`, `+33 6 12…`, `0033 6 12…` → `+33612345678`; landlines are refused.

    French formats are read with region FR; numbers from elsewhere need their `+` prefix.
    """
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ContactError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ContactError("not a valid phone number")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ContactError("not a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: str) -> str:
    """The normalised address; syntax only (no DNS lookup: the stand-in works offline)."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ContactError("not a valid e-mail address") from None
