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
from text_to_num import text2num

from bot.number_tokens import DIGIT_WORDS
from bot.text_normalization import normalize_text, strip_accents

EMAIL_ERRORS = ("empty", "invalid", "ambiguous", "no_ending")

# Words of a sentence around an address: never part of it when a space separates them from it.
_SENTENCE_WORDS = frozenset(
    """
    ai alors adresse adresses aussi avec bien bonjour bonsoir ca car ce celle celui cest cet
    cette changer changez chez comme courriel dans de des desormais donc du e-mail ecrire ecrivez
    electronique elle email en est et etre il je la le les lui ma mail mails maintenant merci mes
    messagerie mets mettre moi mon non note noter notez nouveau nouvel nouvelle ok oui ou par plus
    plutot pour prendre prenez que qui sa sera serait ses son svp stp sur ta te toi ton tu un une
    utilise utiliser utilisez voici voila votre vous repete repeter repetez dis dit dites ecris
    envoie envoyez envoyer ici adressez contacter joindre suivante suivant actuelle ancienne
    """.split()
)
# A sentence word typed with an apostrophe ("c'est", "l'adresse", "j'ai") also ends the address.
_ELISION_RE = re.compile(r"^(?:c|d|j|l|m|n|qu|s|t)'", re.IGNORECASE)
# Server names people say in pieces: joining them is what they meant.
_KNOWN_SERVERS = frozenset(
    """
    gmail hotmail outlook live msn yahoo laposte orange wanadoo free sfr neuf bbox numericable
    icloud me protonmail proton aol gmx caramail club-internet aliceadsl
    """.split()
)
_SPOKEN_TLDS = frozenset("com fr net org eu be ch info biz re io".split())

#: A digit said as a word ("deux", "une"), as `bot.french_numbers` reads them.
_DIGIT_WORDS = {word: str(value) for word, value in DIGIT_WORDS.items()} | {"une": "1"}
_NUMBER_WORDS = frozenset(
    [
        *_DIGIT_WORDS,
        *"""dix onze douze treize quatorze quinze seize vingt vingts trente quarante cinquante
        soixante septante huitante octante nonante cent cents mille et""".split(),
    ]
)
_NUMBER_WORD_RE = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# "quatre-vingt-cinq": the hyphens of a number are not "tiret"s of the address.
_NUMBER_COMPOUND_RE = re.compile(
    rf"(?<![\w-])(?:{_NUMBER_WORD_RE})(?:-(?:{_NUMBER_WORD_RE}))+(?![\w-])", re.IGNORECASE
)
_JOINER = "\u2060"

# "d comme Désiré", "D comme denis": the letter.
_COMME_RE = re.compile(r"(?<![\w'])([^\W\d_])\s+comme\s+[^\W\d_][\w'-]*", re.IGNORECASE)
_LETTER_NAMES = [
    (re.compile(r"(?<![\w'])double\s+v[ée]?(?!\w)", re.IGNORECASE), "w"),
    (re.compile(r"(?<![\w'])i\s+grec(?!\w)", re.IGNORECASE), "y"),
]

_SPELLED_COMMA_RE = re.compile(r"(?<![\w'])(\w)\s*,\s*(?=\w(?![\w']))")
_TOKEN_RE = re.compile(
    r"(?P<gap>\s+)"
    r"|(?P<at>(?<![\w'])(?:arobase|arrobase|arobas|arrobas|at|a\s+commercial)(?![\w']))"
    r"|(?P<under>(?<![\w'])(?:tiret\s+(?:du\s+|en\s+)?bas|tiret\s+du\s+(?:huit|8)|trait\s+bas"
    r"|under\s?score|soulign[ée])(?![\w']))"
    r"|(?P<dash>(?<![\w'])(?:tiret\s+du\s+(?:six|6)|tiret|trait\s+d'union)(?![\w']))"
    r"|(?P<dot>(?<![\w'])point(?![\w']))"
    r"|(?P<typed>[@._-])"
    r"|(?P<boundary>[,;:!?\"«»()<>\[\]{}…|])"
    r"|(?P<word>[^\s@._,;:!?\"«»()<>\[\]{}…|-]+)",
    re.IGNORECASE,
)
_NO_ENDING_RE = re.compile(r"[^@]+@\w+")
_SYMBOL_OF = {"at": "@", "under": "_", "dash": "-", "dot": "."}
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


@dataclass
class _Token:
    kind: str  # "word", "sym", "at", "gap", "boundary"
    text: str  # a word as typed, or the symbol
    dictated: bool = False  # said as a word, spelled, or read from number words
    domain_text: str | None = None  # how the word reads after the "@" (number words stay words)
    sentence: bool = False  # a word of the sentence, not of an address


def _prepare(text: str) -> str:
    text = normalize_text(text).replace("’", "'").replace("‘", "'")
    text = _COMME_RE.sub(lambda m: m.group(1).lower(), text)
    for pattern, letter in _LETTER_NAMES:
        text = pattern.sub(letter, text)
    # "D, U, P, O, N, T": a recogniser's commas between spelled letters are no boundary.
    text = _SPELLED_COMMA_RE.sub(r"\1 ", _SPELLED_COMMA_RE.sub(r"\1 ", text))
    return _NUMBER_COMPOUND_RE.sub(lambda m: m.group().replace("-", _JOINER), text)


def _plain(word: str) -> str:
    return strip_accents(word.replace(_JOINER, "-"))


def _is_number_word(word: str) -> bool:
    return all(part in _NUMBER_WORDS for part in _plain(word).split("-"))


def _single(token: _Token) -> bool:
    """One spelled character: a letter, a digit, or a digit said as a word ("deux")."""
    if token.kind != "word":
        return False
    return len(token.text) == 1 and token.text.isalnum() or _plain(token.text) in _DIGIT_WORDS


def _number_digits(words: list[str]) -> str | None:
    """ "un deux trois" → "123"; "mille neuf cent quatre-vingt-neuf" → "1989"; "dix neuf
    quatre-vingt-neuf" → "1989" (groups read longest first); None when not a number."""
    plain = [_plain(w) for w in words]
    if len(plain) > 1 and all(w in _DIGIT_WORDS for w in plain):
        return "".join(_DIGIT_WORDS[w] for w in plain)
    digits, start = "", 0
    while start < len(plain):
        for end in range(len(plain), start, -1):
            chunk = " ".join(plain[start:end]).replace("zero", "zéro")
            try:
                digits += str(text2num(chunk, "fr"))
            except ValueError:
                continue
            start = end
            break
        else:
            return None
    return digits


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group()
        if kind in _SYMBOL_OF:
            tokens.append(_Token("at" if kind == "at" else "sym", _SYMBOL_OF[kind], dictated=True))
        elif kind == "typed":
            tokens.append(_Token("at" if value == "@" else "sym", value))
        elif kind == "word":
            plain = _plain(value)
            sentence = plain in _SENTENCE_WORDS or bool(_ELISION_RE.match(value))
            tokens.append(_Token("word", value, sentence=sentence))
        else:
            tokens.append(_Token(kind, value))
    return _group_spelled(tokens)


def _group_spelled(tokens: list[_Token]) -> list[_Token]:
    """Joins runs of spelled characters and number words separated by spaces ("j e a n",
    "a un b deux", "mille neuf cent…") into one dictated word."""
    grouped: list[_Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not _spellish(token):
            grouped.append(token)
            index += 1
            continue
        run = [token]
        probe = index + 1
        while (
            probe + 1 < len(tokens) and tokens[probe].kind == "gap" and _spellish(tokens[probe + 1])
        ):
            run.append(tokens[probe + 1])
            probe += 2
        grouped.extend(_render_run(run))
        index = probe
    return grouped


def _spellish(token: _Token) -> bool:
    return token.kind == "word" and (_single(token) or _is_number_word(token.text))


def _render_run(run: list[_Token]) -> list[_Token]:
    """One run of spelled characters / number words as one word; the run unchanged (with its
    spaces) when its number words are not a number."""
    words = [t.text for t in run]
    if len(run) == 1 and not _is_number_word(words[0]):
        return run
    local: list[str] = []
    numbers: list[str] = []
    for word in words + [""]:
        if word and _is_number_word(word):
            numbers.append(word)
            continue
        if numbers:
            digits = _number_digits(numbers)
            if digits is None:
                spaced: list[_Token] = []
                for token in run:
                    spaced += [token, _Token("gap", " ")]
                return spaced[:-1]
            local.append(digits)
            numbers.clear()
        if word:
            local.append(word.lower())
    plain = _plain(words[0])
    token = _Token("word", "".join(local), dictated=True)
    token.domain_text = "".join(_plain(w).replace("-", "") for w in words)
    # A lone "un", "une", "et" is a word of the sentence unless it is glued to an address.
    token.sentence = len(run) == 1 and plain in _SENTENCE_WORDS | {"et"}
    return [token]


def _word_text(token: _Token, after_at: bool) -> str:
    if token.kind == "word" and after_at and token.domain_text:
        return token.domain_text
    return token.text


def _next_solid(tokens: list[_Token], index: int, step: int) -> int | None:
    """Index of the nearest token that is not a space, from `index` in direction `step`."""
    while 0 <= index < len(tokens):
        if tokens[index].kind != "gap":
            return index
        index += step
    return None


def _crossable(token: _Token) -> bool:
    """A word that may belong to an address on the far side of a space."""
    return token.kind == "word" and not token.sentence


def _known_server(*tokens: _Token) -> bool:
    return _plain("".join(_word_text(t, True) for t in tokens)) in _KNOWN_SERVERS


@dataclass
class _Candidate:
    text: str
    uncertain: bool


def _local_part(tokens: list[_Token], at: int, taken: set[int]) -> tuple[list[int], bool]:
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


def _domain(tokens: list[_Token], at: int) -> tuple[list[int], bool]:
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


def _candidates(tokens: list[_Token]) -> list[_Candidate]:
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
    prepared = _prepare(text)
    if not prepared:
        return EmailReading(None, False, "empty")
    readings: dict[str, bool] = {}
    candidates = _candidates(_tokenize(prepared))
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
