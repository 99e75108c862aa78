"""Spoken and typed numbers read as the set of their possible groupings.

"quatre vingt deux" is 82, or 4 22, or 4 20 2: nothing in the words says which. A person
dictating a NIR or a mobile says a sequence of numbers, and a reader that picks one grouping
(as `text2num` does) gets about one long number in six wrong. So this module keeps *every*
grouping the words allow and lets the field's own rules choose (the NIR's length and key, the
mobile ranges, the serial's length): see `bot.nir`, `bot.contact_details`, `bot.card`.

What the person wrote narrows the set:
- a comma, a semicolon, a full stop, a pause ("…") or a dash between spaces is a boundary;
- "clé" / "et la clé" before the key of a NIR is a boundary;
- a hyphenated number ("quatre-vingt-deux") is one number;
- the plural "-s" ends a number ("quatre-vingts douze" is 80 12);
- a person who hyphenates numbers ("vingt-deux") would have hyphenated "soixante-dix-sept":
  in such a text "soixante dix-sept" is 60 17; with the 1990 spelling ("cent-vingt-trois")
  every space is a boundary.
Where nothing is written, every grouping is kept. Typed digits are groups of their own, so
words and digits mix ("zéro six 12 34 56 78"). Belgian and Swiss tens (septante, huitante,
octante, nonante), "vingt-un" and "double zéro" / "deux zéros" are read too; a lone "un" is a
digit here (text2num reads it as an article).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.number_tokens import SCALES, joined, number_token_kinds, tokenize
from bot.number_words import lenient_words, number_words
from bot.text_normalization import normalize_with_offsets, strip_accents

#: At most this many words in one number ("mille neuf cent quatre vingt dix neuf" has 7).
MAX_WORDS = 9
MAX_READINGS = 4000
_BREAK_RE = re.compile(r"[,;.…:!?]|\s[-\u2010-\u2015]|[-\u2010-\u2015]\s")
_KEY_WORDS = ("cle", "clef")
_KEY_FILLERS = ("et", "la", "sa", "avec")


@dataclass(frozen=True)
class Atom:
    """One word of a number, one block of typed digits, or a Corsica letter."""

    text: str  # accent-free word, digits, or "A"/"B"
    kind: str  # "word", "digits", "letter"
    start: int  # span in the original text
    end: int


@dataclass(frozen=True)
class NumberSpan:
    """A stretch of text saying numbers: its atoms and what separates each from the next.

    links[i] is between atoms[i] and atoms[i + 1]: "bound" (inside a hyphenated number),
    "open" (a space: both readings kept), "break" (a boundary the person wrote).
    """

    atoms: tuple[Atom, ...]
    links: tuple[str, ...]
    rectified: bool  # 1990 spelling: every space is a boundary
    hyphenated: bool  # the person hyphenates numbers below 100

    @property
    def start(self) -> int:
        return self.atoms[0].start

    @property
    def end(self) -> int:
        return self.atoms[-1].end


@dataclass(frozen=True)
class Reading:
    """One way of reading (part of) a span: its groups, and where in the span it lies."""

    groups: tuple[str, ...]
    first: int  # index of the first atom
    ends: tuple[int, ...]  # for each group, the index of the atom after it
    slips: int = 0  # groups in a lenient spelling (see `lenient_words`)

    @property
    def last(self) -> int:
        """Index of the last atom (inclusive)."""
        return self.ends[-1] - 1

    @property
    def digits(self) -> str:
        return "".join(self.groups)


def _atoms_of(text: str, corsica: bool) -> list[tuple[list[Atom], list[str], bool]]:
    """Runs of number tokens: their atoms, the links between them, and whether any token was
    a hyphenated number (per run)."""
    normalized, starts, ends = normalize_with_offsets(text)
    tokens = tokenize(normalized, corsica)
    kinds = number_token_kinds(normalized, tokens, corsica)
    table = number_words()
    runs: list[tuple[list[Atom], list[str], bool]] = []
    atoms: list[Atom] = []
    links: list[str] = []
    hyphen_flags: list[bool] = []
    previous = -1
    pending_break = False

    def close() -> None:
        nonlocal atoms, links, hyphen_flags
        if atoms:
            runs.append((atoms, links, any(hyphen_flags)))
        atoms, links, hyphen_flags = [], [], []

    index = 0
    while index < len(tokens):
        token, kind = tokens[index], kinds[index]
        if kind is None:
            skip = _key_phrase(tokens, kinds, index)
            if skip and atoms:
                pending_break = True
                index += skip
                previous = index - 1
                continue
            close()
            previous = -1
            index += 1
            continue
        if atoms and not pending_break and not joined(normalized, tokens[previous], token):
            close()
        if atoms:
            between = normalized[tokens[previous].end : token.start]
            links.append("break" if pending_break or _BREAK_RE.search(between) else "open")
        pending_break = False
        start, end = starts[token.start], ends[token.end - 1]
        if kind == "word":
            parts = [p for p in strip_accents(token.text).split("-") if p]
            whole = tuple(parts) in table
            hyphen_flags.append(len(parts) > 1 and whole)
            for position, part in enumerate(parts):
                if position:
                    links.append("bound" if whole else "open")
                atoms.append(Atom(part, "word", start, end))
        elif kind == "letter":
            atoms.append(Atom(token.text.upper(), "letter", start, end))
        else:
            atoms.append(Atom(token.text.upper(), "digits", start, end))
        previous = index
        index += 1
    close()
    return runs


def _key_phrase(tokens: list, kinds: list, index: int) -> int:
    """How many tokens "clé", "la clé", "et la clé" take when a number follows, else 0."""
    count = 0
    while index + count < len(tokens) and kinds[index + count] is None:
        word = strip_accents(tokens[index + count].text)
        count += 1
        if word in _KEY_WORDS:
            following = index + count
            return count if following < len(tokens) and kinds[following] else 0
        if word not in _KEY_FILLERS or count > 3:
            return 0
    return 0


def number_spans(text: str, corsica: bool = False) -> list[NumberSpan]:
    """Every stretch of numbers in `text` (see `NumberSpan`), spans in the original text."""
    return list(_number_spans(text, corsica))


@functools.lru_cache(maxsize=512)
def _number_spans(text: str, corsica: bool) -> tuple[NumberSpan, ...]:
    spans = []
    for atoms, links, hyphenated in _atoms_of(text, corsica):
        words = [atom.text for atom in atoms]
        rectified = False
        for index, link in enumerate(links):
            if link == "bound" and (
                words[index] in SCALES
                or words[index + 1] in SCALES
                or "et" in (words[index], words[index + 1])
            ):
                rectified = True
        spans.append(NumberSpan(tuple(atoms), tuple(links), rectified, hyphenated))
    return tuple(spans)


def _join_allowed(span: NumberSpan, index: int) -> bool:
    """May atoms[index] and atoms[index + 1] belong to one number?"""
    link = span.links[index]
    if link == "bound":
        return True
    if link == "break":
        return False
    left, right = span.atoms[index].text, span.atoms[index + 1].text
    if left in ("double", "triple") or right == "zeros":
        return True
    if span.rectified:
        return False
    if span.hyphenated:
        return bool({left, right} & (SCALES | {"et"}))
    return True


@functools.lru_cache(maxsize=4096)
def _segments(span: NumberSpan, first: int) -> tuple[tuple[int, str, int], ...]:
    """(end, digits, slip) of every number that starts at atom `first`, longest first."""
    atoms = span.atoms
    if first > 0 and span.links[first - 1] == "bound":
        return ()
    if atoms[first].kind != "word":
        return ((first + 1, atoms[first].text, 0),)
    table = number_words()
    lenient = lenient_words()
    found: list[tuple[int, str, int]] = []
    words: list[str] = []
    for end in range(first + 1, min(len(atoms), first + MAX_WORDS) + 1):
        atom = atoms[end - 1]
        if atom.kind != "word":
            break
        if end - 1 > first and not _join_allowed(span, end - 2):
            break
        words.append(atom.text)
        digits = table.get(tuple(words))
        if digits is not None and (end == len(atoms) or span.links[end - 1] != "bound"):
            found.append((end, digits, int(tuple(words) in lenient)))
    return tuple(found[::-1])


def readings(
    span: NumberSpan,
    first: int = 0,
    max_length: int | None = None,
    keep: Callable[[str], bool] | None = None,
    whole: bool = True,
    limit: int = MAX_READINGS,
) -> Iterator[Reading]:
    """Readings of `span` from atom `first`: to the end when `whole`, else every prefix too.

    `keep(prefix)` prunes: a reading is only extended while `keep` accepts its digits so far
    (the field's rules, checked as early as they can be). Likeliest first: longer numbers
    before shorter ones, from the left, so the first reading is the one a listener would make.
    """
    count = 0
    stack: list[tuple[int, tuple[str, ...], str, tuple[int, ...], int]] = [(first, (), "", (), 0)]
    atoms_count = len(span.atoms)
    results: list[Reading] = []
    # Depth-first with an explicit stack, children pushed in reverse to keep the order.
    while stack:
        position, groups, digits, ends, slips = stack.pop()
        if groups and (not whole or position == atoms_count):
            results.append(Reading(groups, first, ends, slips))
            count += 1
            if count >= limit:
                break
        if position == atoms_count:
            continue
        children = []
        for end, group, slip in _segments(span, position):
            extended = digits + group
            if max_length is not None and len(extended) > max_length:
                continue
            if keep is not None and not keep(extended):
                continue
            children.append((end, (*groups, group), extended, (*ends, end), slips + slip))
        stack.extend(reversed(children))
    yield from results


def likeliest(span: NumberSpan) -> Reading:
    """The reading a listener would make: longest numbers first, from the left. When the
    words allow none (a stray "et"), each word that is a number alone is a group."""
    for reading in readings(span, limit=1):
        return reading
    table = number_words()
    groups, ends = [], []
    for index, atom in enumerate(span.atoms):
        digits = atom.text if atom.kind != "word" else table.get((atom.text,))
        if digits is not None:
            groups.append(digits)
            ends.append(index + 1)
    return Reading(tuple(groups), 0, tuple(ends) or (len(span.atoms),))


def crossings(reading: Reading, printed: tuple[int, ...]) -> int:
    """How many groups straddle a boundary of the printed groups (`printed`: cumulative ends,
    e.g. (1, 3, 5, 7, 10, 13, 15) for a NIR): 0 when the person said the printed groups."""
    count, total = 0, 0
    for group in reading.groups:
        end = total + len(group)
        count += sum(1 for cut in printed if total < cut < end)
        total = end
    return count
