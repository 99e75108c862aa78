"""The carte Vitale: its type (with or without photo) and its serial number.

The serial is the number the site asks for at "Ma carte Vitale"; people often give their NIR
instead (it is the big number on the card), so that mistake has its own error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.french_numbers import normalize_text, spoken_to_digits, strip_accents
from bot.number_readings import likeliest, number_spans, readings

CARD_TYPES = ("with_photo", "without_photo")
SERIAL_ERRORS = (
    "empty",
    "not_digits",
    "too_short",
    "too_long",
    "looks_like_nir",
    "unsure",
    "several",
)
# With photo: 10 digits and a 1-digit key (the site's example: "0102457612 4"). How the key is
# computed is documented nowhere (DOMAIN.md, the seeds): only the length is checked.
WITH_PHOTO_LENGTH = 11
# Without photo: 8 to 13 digits (the site's help says otherwise; the cards say this).
WITHOUT_PHOTO_LENGTHS = range(8, 14)

_WITH = {
    "avec",
    "avc",
    "avek",
    "aveq",
    "avecc",
    "aveck",
    "nouvelle",
    "nouvel",
    "nouvele",
    "recente",
}
_WITHOUT = {"sans", "san", "sanz", "ancienne", "ancien", "encienne", "ancienn", "vieille"}
_PHOTO = {"photo", "photos", "foto", "fotos", "phot", "phto", "poto", "photographie", "visage"}
_NEGATIONS = {"pas", "aucune", "aucun", "ni", "sans", "san", "jamais"}
_CHOICE_RE = re.compile(
    r"(?:(?:le|la|l|choix|option|numero|n|carte|reponse|touche)\s*)?"
    r"(?P<choice>1|un|une|premier|premiere|2|deux|deuxieme|second|seconde)"
)
_FIRST = {"1", "un", "une", "premier", "premiere"}


def _words(text: str) -> list[str]:
    """Accent-free lowercase words; glued "avecphoto"/"sansphoto" are split."""
    plain = strip_accents(normalize_text(text))
    plain = re.sub(r"(avec|sans)(photo)", r"\1 \2", plain)
    return re.findall(r"[a-z0-9]+", plain)


def parse_card_type(text: str) -> str | None:
    """ "with_photo" or "without_photo" from a free answer ("avec photo", "l'ancienne", "2",
    "elle n'a pas de photo"); None when unclear or when both are said ("avec ou sans ?")."""
    words = _words(text)
    if not words:
        return None
    choice = _CHOICE_RE.fullmatch(" ".join(words))
    if choice:
        return "with_photo" if choice.group("choice") in _FIRST else "without_photo"
    with_photo = False
    without_photo = False
    for index, word in enumerate(words):
        if word in _WITH:
            with_photo = True
        elif word in _WITHOUT:
            without_photo = True
        elif word in _PHOTO:
            before = words[max(0, index - 3) : index]
            if any(negation in before for negation in _NEGATIONS):
                without_photo = True
            elif not any(w in _WITH for w in before):
                with_photo = True  # "il y a ma photo dessus"
    if with_photo == without_photo:
        return None
    return "with_photo" if with_photo else "without_photo"


@dataclass(frozen=True)
class SerialCheck:
    """A checked card serial: `value` (digits only) when valid, else `error` says why.
    "unsure": spoken words that several valid serials fit (`proposals`, likeliest first);
    "several": two different serials in one message."""

    value: str | None
    error: str | None
    proposals: tuple[str, ...] = ()


_NIR_LIKE_RE = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{8}")


def _lengths(card_type: str) -> tuple[int, int]:
    if card_type == "with_photo":
        return WITH_PHOTO_LENGTH, WITH_PHOTO_LENGTH
    return WITHOUT_PHOTO_LENGTHS.start, WITHOUT_PHOTO_LENGTHS.stop - 1


def _serials_in(text: str, card_type: str) -> list[tuple[str, tuple[int, int], int, int]]:
    """(serial, score, start, end) of every serial of the right length that the numbers of
    `text` allow, in every grouping of spoken words; likeliest first."""
    low, high = _lengths(card_type)
    found: dict[str, tuple[str, tuple[int, int], int, int]] = {}
    for span in number_spans(text):
        for reading in readings(span, max_length=high):
            digits = reading.digits
            if not low <= len(digits) <= high or not digits.isdigit():
                continue
            score = (reading.slips, len(reading.groups))
            if digits not in found or score < found[digits][1]:
                found[digits] = (digits, score, span.start, span.end)
    return sorted(found.values(), key=lambda item: item[1])


def check_serial(text: str, card_type: str) -> SerialCheck:
    """Checks the card serial for the card type: spaces, dots and dashes do not matter, number
    words are read ("zéro un zéro deux…") in every grouping they allow, a sentence around it
    is left out ("le numéro de série c'est …", "N° 0102457612-4"); a 15-digit NIR given
    instead gets its own error."""
    if card_type not in CARD_TYPES:
        raise ValueError(f"unknown card type: {card_type!r}")
    compact = re.sub(r"[\s.,\-_/\u2010-\u2015]+", "", spoken_to_digits(text)).upper()
    if not compact:
        return SerialCheck(None, "empty")
    if _NIR_LIKE_RE.fullmatch(compact):
        return SerialCheck(None, "looks_like_nir")
    plain = strip_accents(normalize_text(text))
    if re.search(r"[^\W\d_]{2,}|\bn\s*[°ºo]", plain):
        # number words, a sentence around the number, or "N°" before it
        found = _serials_in(normalize_text(text), card_type)
        if found:
            best = found[0]
            apart = [item for item in found[1:] if item[3] <= best[2] or item[2] >= best[3]]
            if apart:
                return SerialCheck(None, "several", tuple(item[0] for item in [best, *apart])[:3])
            if len(found) == 1:
                return SerialCheck(best[0], None)
            tied = tuple(item[0] for item in found if item[1] == best[1])
            return SerialCheck(None, "unsure", tied[:3])
        longest = max(
            (likeliest(span).digits for span in number_spans(normalize_text(text), corsica=True)),
            key=len,
            default="",
        )
        if longest and not (compact.isascii() and compact.isdigit()):
            compact = longest
    if _NIR_LIKE_RE.fullmatch(compact):
        return SerialCheck(None, "looks_like_nir")
    if not compact.isascii() or not compact.isdigit():
        return SerialCheck(None, "not_digits")
    low, high = _lengths(card_type)
    if len(compact) < low:
        return SerialCheck(None, "too_short")
    if len(compact) > high:
        return SerialCheck(None, "too_long")
    return SerialCheck(compact, None)
