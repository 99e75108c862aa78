"""An e-mail address as people type or dictate it, cut into tokens (bot/dictated_email.py reads
the address from them).

Signs said as words ("arobase", "point", "tiret bas"…) become symbols; letters spelled one by
one ("j e a n", "d comme Désiré") and number words ("un deux trois", "mille neuf cent…") become
one dictated word; words of the sentence around the address ("mon adresse c'est", "merci") are
marked, so that they are never joined to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from bot.number_tokens import DIGIT_WORDS
from bot.text_normalization import normalize_text, strip_accents

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
_SYMBOL_OF = {"at": "@", "under": "_", "dash": "-", "dot": "."}


@dataclass
class EmailToken:
    """One piece of a text that may hold an address: a word, a sign, a space or a boundary."""

    kind: str  # "word", "sym", "at", "gap", "boundary"
    text: str  # a word as typed, or the symbol
    dictated: bool = False  # said as a word, spelled, or read from number words
    domain_text: str | None = None  # how the word reads after the "@" (number words stay words)
    sentence: bool = False  # a word of the sentence, not of an address


def prepare(text: str) -> str:
    """The text with letter names read ("d comme Désiré" → "d") and number compounds kept
    whole ("quatre-vingt-cinq": its hyphens are not "tiret"s of the address)."""
    text = normalize_text(text).replace("’", "'").replace("‘", "'")
    text = _COMME_RE.sub(lambda m: m.group(1).lower(), text)
    for pattern, letter in _LETTER_NAMES:
        text = pattern.sub(letter, text)
    # "D, U, P, O, N, T": a recogniser's commas between spelled letters are no boundary.
    text = _SPELLED_COMMA_RE.sub(r"\1 ", _SPELLED_COMMA_RE.sub(r"\1 ", text))
    return _NUMBER_COMPOUND_RE.sub(lambda m: m.group().replace("-", _JOINER), text)


def plain_word(word: str) -> str:
    """A word without accents, lower case, with the hyphens of a number compound back."""
    return strip_accents(word.replace(_JOINER, "-"))


def _is_number_word(word: str) -> bool:
    return all(part in _NUMBER_WORDS for part in plain_word(word).split("-"))


def _single(token: EmailToken) -> bool:
    """One spelled character: a letter, a digit, or a digit said as a word ("deux")."""
    if token.kind != "word":
        return False
    return len(token.text) == 1 and token.text.isalnum() or plain_word(token.text) in _DIGIT_WORDS


def _number_digits(words: list[str]) -> str | None:
    """ "un deux trois" → "123"; "mille neuf cent quatre-vingt-neuf" → "1989"; "dix neuf
    quatre-vingt-neuf" → "1989" (groups read longest first); None when not a number."""
    plain = [plain_word(w) for w in words]
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


def tokenize(text: str) -> list[EmailToken]:
    """The tokens of a prepared text, spelled runs already joined into dictated words."""
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group()
        if kind in _SYMBOL_OF:
            tokens.append(
                EmailToken("at" if kind == "at" else "sym", _SYMBOL_OF[kind], dictated=True)
            )
        elif kind == "typed":
            tokens.append(EmailToken("at" if value == "@" else "sym", value))
        elif kind == "word":
            plain = plain_word(value)
            sentence = plain in _SENTENCE_WORDS or bool(_ELISION_RE.match(value))
            tokens.append(EmailToken("word", value, sentence=sentence))
        else:
            tokens.append(EmailToken(kind, value))
    return _group_spelled(tokens)


def _group_spelled(tokens: list[EmailToken]) -> list[EmailToken]:
    """Joins runs of spelled characters and number words separated by spaces ("j e a n",
    "a un b deux", "mille neuf cent…") into one dictated word."""
    grouped: list[EmailToken] = []
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


def _spellish(token: EmailToken) -> bool:
    return token.kind == "word" and (_single(token) or _is_number_word(token.text))


def _render_run(run: list[EmailToken]) -> list[EmailToken]:
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
                spaced: list[EmailToken] = []
                for token in run:
                    spaced += [token, EmailToken("gap", " ")]
                return spaced[:-1]
            local.append(digits)
            numbers.clear()
        if word:
            local.append(word.lower())
    plain = plain_word(words[0])
    token = EmailToken("word", "".join(local), dictated=True)
    token.domain_text = "".join(plain_word(w).replace("-", "") for w in words)
    # A lone "un", "une", "et" is a word of the sentence unless it is glued to an address.
    token.sentence = len(run) == 1 and plain in _SENTENCE_WORDS | {"et"}
    return [token]
