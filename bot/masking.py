"""What a person or an advisor may see of a sensitive value.

Masks follow the real site where it shows one (the mobile number "** ** ** *3 77"), so that what
the assistant says matches what the person sees on screen.
"""

from __future__ import annotations

import re

from bot.nir import mask_nir

# Labels shown instead of values that must never be displayed, even partly.
HIDDEN_LABELS: dict[str, str] = {
    "code": "[code provisoire masqué]",
    "password": "[mot de passe masqué]",
    "otp": "[code à usage unique masqué]",
    "tok": "[jeton masqué]",
}
_ALIASES = {"pwd": "password"}
MASK_KINDS = ("nir", "code", "password", "otp", "email", "mobile")


def mask_email(email: str) -> str:
    """ "jean.dupont@example.fr" → "j***@e***.fr": enough to recognize one's own address."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    name, dot, tld = domain.rpartition(".")
    if not dot or not name:
        return f"{local[0]}***@{domain[0]}***"
    return f"{local[0]}***@{name[0]}***.{tld}"


def mask_mobile(mobile: str) -> str:
    """ "+33612345377" → "** ** ** *3 77", as the site shows it: only the last 3 digits.

    French numbers (+33, 0033 or 0…) are shown in the national 10-digit form in pairs; other
    numbers keep their length with all but the last 3 digits hidden.
    """
    digits = re.sub(r"[^0-9]", "", mobile)
    international = mobile.strip().startswith("+") or digits.startswith("00")
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif international and digits.startswith("33"):
        digits = "0" + digits[2:]
    if len(digits) <= 3:
        return "*" * len(digits)
    masked = "*" * (len(digits) - 3) + digits[-3:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(masked[i : i + 2] for i in range(0, 10, 2))
    return masked


def mask_whole_message(text: str) -> str:
    """What a transcript shows of a message vaulted whole (a slip at a step that asks for a
    secret): that a message was masked, and its length, nothing of its content."""
    count = len(text)
    return f"[message masqué, {count} caractère{'s' if count > 1 else ''}]"


def mask_for_display(kind: str, value: str) -> str:
    """The transcript form of a sensitive value of `kind` (nir, code, password/pwd, otp,
    email, mobile): a partial mask where the site shows one, a French label otherwise."""
    kind = _ALIASES.get(kind, kind)
    if kind == "nir":
        return mask_nir(value)
    if kind == "email":
        return mask_email(value)
    if kind == "mobile":
        return mask_mobile(value)
    if kind in HIDDEN_LABELS:
        return HIDDEN_LABELS[kind]
    raise ValueError(f"unknown kind of sensitive value: {kind!r}")
