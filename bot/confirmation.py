"""Reading back a value the assistant is not sure of, without keeping it in clear.

When spoken words allow several valid values (a NIR said without commas, a mobile said
without hyphens), the dialogue reads back the likeliest and asks OUI / NON, or offers the
candidates to choose from. The question travels through Rasa holding vault refs, not values:
the webhook shows the person the values (`show_values`) and keeps masks in the transcript.
The next turn finds the refs in that question again (`refs_in`), so no slot is needed. The
question's wording is the domain's (`utter_confirm_reading*`, actions/confirm_reading.py).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.masking import mask_nir
from bot.nir import format_nir_groups
from bot.vault import find_refs, ref_kind

#: The form's `requested_slot` while a read-back waits for its answer: "confirm_nir"…
CONFIRM_PREFIX = "confirm_"
#: Vault kinds a question may show: NIRs (masked in transcripts) and other values ("tok").
SHOWN_KINDS = ("nir", "tok")


def refs_in(text: str) -> list[str]:
    """The refs a read-back question shows, in order."""
    return [ref for ref in find_refs(text) if ref_kind(ref) in SHOWN_KINDS]


def show_values(text: str, lookup: Callable[[str], str | None]) -> tuple[str, str]:
    """(what the person reads, what the transcript keeps) for a reply that may hold refs of
    values to confirm: a NIR is shown in its printed groups and kept masked; other values are
    shown as stored. A ref whose value is gone (expired) is shown as "…"."""
    shown, kept = text, text
    for ref in refs_in(text):
        value = lookup(ref)
        if value is None:
            person, transcript = "…", "…"
        elif ref_kind(ref) == "nir":
            person, transcript = format_nir_groups(value), mask_nir(value)
        else:
            person, transcript = value, value
        shown = shown.replace(ref, person)
        kept = kept.replace(ref, transcript)
    return shown, kept
