"""What the assistant says on the phone: SMS wording turned into phone wording, numbers read back.

The dialogue writes for SMS ("Écrivez CONSEILLER", "Répondez 1 pour…", "OUI ou NON"); a caller
has a keypad and a voice, and a text-to-speech voice spells out capitals and reads URLs and
masks ("** ** ** *3 77") badly. `phone_wording` rewrites those few patterns so that the same
dialogue serves both channels. Numbers are read back digit by digit, in the groups the person
knows from the card or the letter, so that they can be checked by ear.
"""

from __future__ import annotations

import re
from datetime import date

from bot.spelled_code import DIGIT_NAMES

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

#: Capitalised words that are acronyms, kept as they are (the voice spells them).
_ACRONYMS = {"CGU", "SMS", "NIR", "PDF"}
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), replacement)
    for pattern, replacement, flags in (
        # Control words: say them, and the advisor has a key of their own.
        (r"\b[ÉéEe]crivez[ -]moi\b", "parlez-moi", 0),
        (r"\b([ÉéEe])crivez CONSEILLER\b", "dites « conseiller » ou tapez 0", 0),
        (
            r"\b[ÉéEe]crivez (AIDE|RÉPÉTER|CORRIGER|CONTINUER|ACTIVER|BONJOUR|STOP|RENVOYER)\b",
            r"dites \1",
            0,
        ),
        # The one-time code: keys first; "renvoyer" (or 9 then #) when it did not come.
        (
            r"\b[ÉéEe]crivez-le ici, ou RENVOYER si vous ne l'avez pas reçu\b",
            "Tapez-le puis la touche dièse, ou dites-le. S'il n'est pas arrivé, dites "
            "« renvoyer », ou tapez 9 puis dièse",
            0,
        ),
        (r"\b(AIDE|RÉPÉTER|CORRIGER|CONSEILLER|CONTINUER|ACTIVER|RENVOYER)\b", r"« \1 »", 0),
        (r"\b[ÉéEe]crivez-la ainsi : ", "Dites-la, par exemple ", 0),
        (r"\b[ÉéEe]crivez[ -]le à nouveau\b", "redites-le", 0),
        (r"\b[ÉéEe]crivez\b", "dites", 0),
        (r"\btapez-les tous\b", "dites-les tous", 0),
        (r"\b[ÉéEe]crivez-les\b", "dites-les", 0),
        # Menus and yes/no questions: keys first, then the words that work too.
        (r"\bOUI ou NON\b", "Tapez 1 ou dites oui ; tapez 2 ou dites non", 0),
        (r"\bRépondez OUI\b", "Tapez 1 ou dites oui", 0),
        (r"\b[Rr]épondez (\d)\b", r"Tapez \1", 0),
        (r"\bRépondez\b", "Dites", 0),
        (r", (\d) pour\b", r", tapez \1 pour", 0),
        # An advisor answers the person by SMS, not "here", during a call.
        (r"\bvous répondre ici\b", "vous rappeler ou vous écrire par SMS", 0),
        (r"\bprendre le relais ici\b", "vous rappeler", 0),
        (r"\bvous répondra ici\b", "vous rappellera", 0),
        # URLs and masks, which a voice reads badly.
        (r"\s*\((?:[a-z0-9.-]+\.fr/[^)\s]*)\)", "", re.IGNORECASE),
        (r"\bCGU : [^.]*$", "Le détail est sur monespacesante.fr.", 0),
        (r"\b([a-z0-9.-]+)\.fr(?:/[\w/-]*)?", r"\1 point F R", re.IGNORECASE),
        (r"\bau (?=\*)", "au numéro ", 0),
        (r": (?=\*)", ": le numéro ", 0),
        (r"\bà (?=\w\*+@)", "à l'adresse ", 0),
        (r"(?:\*+ ?)+\*?(\d[\d ]*\d|\d)", r"qui finit par \1", 0),
        (r"\b(\w)\*+@(\w)\*+\.(\w+)", r"qui commence par \1, chez \2…, point \3", 0),
        (r"\blun-ven\b", "du lundi au vendredi", 0),
        (r"(\d{1,2})h(\d{2})-(\d{1,2})h(?!\d)", r"\1 h \2 à \3 h", 0),
    )
)
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


def spoken_date(value: date) -> str:
    """ "le 3 mars 1985", "le premier mai 1990": a date as said, not "zéro trois barre…"."""
    day = "premier" if value.day == 1 else str(value.day)
    return f"le {day} {MONTHS[value.month - 1]} {value.year}"


def _date_words(match: re.Match[str]) -> str:
    """ "03/03/1985" → "le 3 mars 1985"."""
    try:
        value = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return match.group()
    return spoken_date(value)


def digits_spoken(group: str) -> str:
    """ "085" → "zéro huit cinq": each digit said alone, so that none is mistaken."""
    return " ".join(DIGIT_NAMES[int(c)] if c.isdigit() else c for c in group)


def groups_of(digits: str, sizes: tuple[int, ...]) -> list[str]:
    """Cuts `digits` by `sizes` (the rest, if any, in one last group)."""
    out, position = [], 0
    for size in sizes:
        if position >= len(digits):
            break
        out.append(digits[position : position + size])
        position += size
    if position < len(digits):
        out.append(digits[position:])
    return out


def nir_groups(nir: str) -> list[str]:
    """As printed on the carte Vitale: 1 85 05 78 006 084 36."""
    return groups_of(nir, (1, 2, 2, 2, 3, 3, 2))


def serial_groups(serial: str) -> list[str]:
    """Groups of three, and the key of an 11-digit (with photo) serial on its own: the card
    prints "0102457612 4"."""
    if len(serial) == 11:
        return groups_of(serial[:10], (3, 3, 4)) + [serial[10]]
    return groups_of(serial, (3,) * 5)
