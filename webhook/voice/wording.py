"""The dialogue's SMS lines made fit to be spoken, where the domain has no phone variant.

The dialogue writes for SMS ("Écrivez CONSEILLER", "Répondez 1 pour…", "OUI ou NON"); a caller
has a keypad and a voice, and a text-to-speech voice spells out capitals and reads URLs and
masks ("** ** ** *3 77") badly. The questions have phone variants in the domain (Rasa picks
them for the `voice` channel); the other lines (an action's message, an error) go through these
few rewrites (`webhook.texts.PHONE_REWRITES`), which look at wording patterns, never at which
line it is.
"""

from __future__ import annotations

import re
from datetime import date

from bot.voice_text import spoken_date
from webhook.texts import PHONE_REWRITES

#: Capitalised words that are acronyms, kept as they are (the voice spells them).
_ACRONYMS = {"CGU", "SMS", "NIR", "PDF"}
_REWRITES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHONE_REWRITES)
_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
_SENTENCE_START = re.compile(r"(^|[.?!] )([a-zàâéèêîôûç])")
_CAPITALS = re.compile(r"\b[A-ZÀ-ÖØ-Ý]{3,}\b")


def phone_wording(text: str) -> str:
    """An SMS reply made fit to be spoken on a call (keys and words instead of "écrivez")."""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = _DATE.sub(_date_words, text)
    text = _CAPITALS.sub(lambda m: m.group() if m.group() in _ACRONYMS else m.group().lower(), text)
    text = re.sub(r"\s+", " ", text).strip()
    # A rewrite may start a sentence in lower case ("dites…"): sentences start with a capital.
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _date_words(match: re.Match[str]) -> str:
    """ "03/03/1985" → "le 3 mars 1985"."""
    try:
        value = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return match.group()
    return spoken_date(value)
