"""What an advisor sees of a conversation: a summary, the transcript, and what was collected.

`collected` is built from an allow-list of the Rasa tracker's slots, each masked: the NIR as
its display mask, the card serial down to its last 4 digits, contact details as masked by the
backend. The provisional code, passwords and tokens are never shown (at most "given: yes"), and
any value that is a vault ref (`secret…`) is dropped, whatever slot it sits in.
"""

from __future__ import annotations

import re
from typing import Any

from bot.vault import find_refs

SUMMARY_FIELDS = ("id", "channel", "state", "step", "masked_from", "updated_at")


def summary(record: dict[str, str]) -> dict[str, Any]:
    """A conversation as the CONTRACT lists it, plus the advisor who has it (or None)."""
    out: dict[str, Any] = {name: record.get(name, "") for name in SUMMARY_FIELDS}
    out["advisor"] = record.get("advisor") or None
    return out


def mask_serial(serial: str) -> str | None:
    """ "12345678901" → "*******8901": enough to compare with the card in the person's hand."""
    digits = re.sub(r"\D", "", serial)
    if not digits or digits != serial.strip():
        return None
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def _is_secret(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("secret") or bool(find_refs(value)))


def collected_from_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """What the assistant learnt so far, masked, from the tracker's slots."""
    serial = slots.get("card_serial")
    fields: dict[str, Any] = {
        "first_name": slots.get("first_name"),
        "nir": slots.get("nir_masked"),
        "provisional_code_given": bool(slots.get("provisional_code")),
        "identity_verified": bool(slots.get("activation_ref")),
        "card_type": slots.get("card_type"),
        "card_serial": mask_serial(serial) if isinstance(serial, str) else None,
        "card_verified": bool(slots.get("card_verified")),
        "decision": slots.get("decision"),
        "decision_recorded": slots.get("decision_recorded"),
        "contact_confirmed": slots.get("contact_confirmed"),
        "email": slots.get("email_masked"),
        "mobile": slots.get("mobile_masked"),
        "identifier": slots.get("identifier"),
        "account_created": bool(slots.get("account_created")),
        "handoff_reason": slots.get("handoff_reason"),
    }
    return {name: (None if _is_secret(value) else value) for name, value in fields.items()}
