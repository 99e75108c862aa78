"""E-mail addresses as people type them on a phone and dictate them (SMS voice typing, Twilio's
fr-FR speech recogniser, the spelled fallback of a call).

What is read: a typed address, alone or inside a sentence ("mon mail c'est Jean.Dupont@Exemple.fr");
the words for the signs ("arobase", "at", "point", "tiret", "tiret bas", "underscore", "tiret du
8"…); letters spelled one by one, with or without "comme" ("d comme Désiré"); number words in the
part before the "@" ("un deux trois", "quatre-vingt-cinq", "mille neuf cent…": digits, read with
text2num; bot/french_numbers.py is not used here, it reads whole numbers for other fields);
a server name said in pieces ("g mail", "hot mail", "la poste").

What is never done: dropping a part of the address. Before the "@", words separated by a space
are all kept (joined: "jean dupont@…" reads jeandupont@…, never dupont@…) unless they are words of
the sentence ("mon adresse c'est", "merci"), and a space after a typed "." is bridged
("jean. dupont@…", a phone keyboard's space). Any such join, and anything dictated, makes the
reading *uncertain*: the caller spells it back (`spell_email`) and asks the person to confirm it.
A clean typed address is *certain*. Syntax is checked with email-validator, without DNS (offline;
the one-time code sent there proves the mailbox).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from bot.email_tokens import EmailToken, plain_word, prepare, tokenize

EMAIL_ERRORS = ("empty", "invalid", "ambiguous", "no_ending")

# Server names people say in pieces: joining them is what they meant.
_KNOWN_SERVERS = frozenset(
    """
    gmail hotmail outlook live msn yahoo laposte orange wanadoo free sfr neuf bbox numericable
    icloud me protonmail proton aol gmx caramail club-internet aliceadsl
    """.split()
)
_SPOKEN_TLDS = frozenset("com fr net org eu be ch info biz re io".split())
_NO_ENDING_RE = re.compile(r"[^@]+@\w+")
_MAX_WORDS_JOINED = 3


@dataclass(frozen=True)
class EmailReading:
    """What was read: `address` (email-validator's normal form: domain lowercased, the part
    before the "@" as typed), `certain` (False: spell it back and ask), or `error`
    ("empty", "invalid", "ambiguous", or "no_ending": no "." after the "@", as in "jean
    arobase gmail", which is worth saying in so many words)."""

    address: str | None
    certain: bool
    error: str | None


def _word_text(token: EmailToken, after_at: bool) -> str:
    if token.kind == "word" and after_at and token.domain_text:
        return token.domain_text
    return token.text


def _next_solid(tokens: list[EmailToken], index: int, step: int) -> int | None:
    """Index of the nearest token that is not a space, from `index` in direction `step`."""
    while 0 <= index < len(tokens):
        if tokens[index].kind != "gap":
            return index
        index += step
    return None


def _crossable(token: EmailToken) -> bool:
    """A word that may belong to an address on the far side of a space."""
    return token.kind == "word" and not token.sentence


def _known_server(*tokens: EmailToken) -> bool:
    return plain_word("".join(_word_text(t, True) for t in tokens)) in _KNOWN_SERVERS


@dataclass
class _Candidate:
    text: str
    uncertain: bool


def _local_part(tokens: list[EmailToken], at: int, taken: set[int]) -> tuple[list[int], bool]:
    """Indexes of the tokens before the "@" that make the local part, and whether a space was
    bridged to get them (never silently dropped: a bridged space makes the reading uncertain)."""
    first = _next_solid(tokens, at - 1, -1)
    if first is None or first in taken or tokens[first].kind in {"at", "boundary"}:
        return [], False
    if first != at - 1 and tokens[first].kind == "word" and tokens[first].sentence:
        return [], False
    chosen, bridged, joined = [first], False, 0
    index = first - 1
    while index >= 0 and index not in taken:
        token = tokens[index]
        if token.kind in {"at", "boundary"}:
            break
        if token.kind != "gap":
            chosen.insert(0, index)
            index -= 1
            continue
        left = _next_solid(tokens, index, -1)
        if left is None or left in taken:
            break
        right_token, left_token = tokens[chosen[0]], tokens[left]
        if right_token.kind == "sym" or left_token.kind == "sym":
            if left_token.kind == "sym":
                before = _next_solid(tokens, left - 1, -1)
                if before is None or before in taken or not _crossable(tokens[before]):
                    break
            if not (right_token.dictated or left_token.dictated):
                bridged = True  # "jean. dupont@…": a space typed next to a sign
            index = left
            continue
        if not _crossable(left_token) or joined >= _MAX_WORDS_JOINED:
            break
        joined += 1
        bridged = True
        index = left
    while chosen and tokens[chosen[0]].kind == "sym" and tokens[chosen[0]].dictated:
        chosen.pop(0)  # "… point jean arobase": a "point" of the sentence
    return chosen, bridged


def _domain(tokens: list[EmailToken], at: int) -> tuple[list[int], bool]:
    """Indexes of the tokens after the "@" that make the domain, and whether it was joined
    from pieces the person separated ("g mail" → gmail is no doubt; "ma boite" would be)."""
    first = _next_solid(tokens, at + 1, 1)
    if first is None or tokens[first].kind in {"at", "boundary"}:
        return [], False
    if first != at + 1 and tokens[first].kind == "word" and tokens[first].sentence:
        following = _next_solid(tokens, first + 1, 1)
        if following is None or not _known_server(tokens[first], tokens[following]):
            return [], False
    chosen, doubtful, has_dot = [first], False, tokens[first].text == "."
    index = first + 1
    while index < len(tokens):
        token = tokens[index]
        if token.kind in {"at", "boundary"}:
            break
        if token.kind != "gap":
            has_dot |= token.kind == "sym" and token.text == "."
            chosen.append(index)
            index += 1
            continue
        right = _next_solid(tokens, index, 1)
        if right is None:
            break
        left_token, right_token = tokens[chosen[-1]], tokens[right]
        if right_token.kind == "sym":
            after = _next_solid(tokens, right + 1, 1)
            if after is None or not _crossable(tokens[after]):
                break
            doubtful |= not right_token.dictated
        elif left_token.kind == "sym":
            if not _crossable(right_token):
                break
            doubtful |= not left_token.dictated
        else:
            server = [tokens[i] for i in chosen] + [right_token]
            if has_dot or not (_crossable(right_token) or _known_server(*server)):
                break
            doubtful |= not _known_server(*server)
        index = right
    while chosen and tokens[chosen[-1]].kind == "sym":
        doubtful |= tokens[chosen.pop()].text != "."  # a final "." ends the sentence
    return chosen, doubtful


def _candidates(tokens: list[EmailToken]) -> list[_Candidate]:
    found: list[_Candidate] = []
    taken: set[int] = set()
    for at, token in enumerate(tokens):
        if token.kind != "at" or at in taken:
            continue
        local, bridged = _local_part(tokens, at, taken)
        domain, doubtful = _domain(tokens, at)
        used = [*local, at, *domain]
        taken |= set(used)
        text = (
            "".join(_word_text(tokens[i], False) for i in local)
            + "@"
            + "".join(_word_text(tokens[i], True) for i in domain)
        )
        dictated = any(tokens[i].dictated for i in used)
        found.append(_Candidate(text, bridged or doubtful or dictated))
    return found


def read_email(text: str) -> EmailReading:
    """Reads the e-mail address in a message, typed or dictated (see the module docstring)."""
    prepared = prepare(text)
    if not prepared:
        return EmailReading(None, False, "empty")
    readings: dict[str, bool] = {}
    candidates = _candidates(tokenize(prepared))
    for candidate in candidates:
        try:
            address = validate_email(candidate.text, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        readings[address] = readings.get(address, True) and not candidate.uncertain
    # "jean@exemple.fr, je répète jean@exemple.fr": the second one is not "répètejean@…".
    for address in list(readings):
        if not readings[address] and any(
            other != address and address.endswith(other) for other in readings
        ):
            del readings[address]
    if len(readings) > 1:
        return EmailReading(None, False, "ambiguous")
    if readings:
        address, certain = readings.popitem()
        return EmailReading(address, certain, None)
    if any(_NO_ENDING_RE.fullmatch(c.text) for c in candidates):
        return EmailReading(None, False, "no_ending")
    return EmailReading(None, False, "invalid")


_SIGN_NAMES = {".": "point", "-": "tiret", "_": "tiret bas", "+": "plus", "@": "arobase"}


def _spell_label(label: str) -> str:
    return " ".join(_SIGN_NAMES.get(ch, ch) for ch in label)


def spell_email(address: str) -> str:
    """The address as it is read back: the part before the "@" letter by letter, the server
    and the ending as words when they are well known ("j e a n point d u p o n t arobase gmail
    point com")."""
    local, _, domain = address.rpartition("@")
    labels = []
    for label in domain.split("."):
        plain = unicodedata.normalize("NFC", label.lower())
        known = plain in _KNOWN_SERVERS or plain in _SPOKEN_TLDS
        labels.append(plain if known else _spell_label(plain))
    return f"{_spell_label(local)} arobase {' point '.join(labels)}"
