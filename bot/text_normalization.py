"""One form for what people type or say, before anything reads it.

Phones and keyboards send the same text in many forms: full-width or Arabic-Indic digits,
non-breaking and zero-width spaces, "é" as one character or as "e" plus an accent. Every
parser (numbers, dates, codes, e-mail addresses) and every comparison of words starts here.
`normalize_with_offsets` also says where each character came from, so that a value found in
the normalized text can be masked in the original (bot/redaction.py).
"""

from __future__ import annotations

import unicodedata


def _normalize_cluster(cluster: str) -> str:
    """NFKC of one base character and its combining marks, with any Unicode digit in ASCII."""
    out = []
    for char in unicodedata.normalize("NFKC", cluster):
        if char == "\n":
            out.append("\n")
        elif char.isspace():
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co"):
            continue  # control, zero-width and private-use characters carry no meaning here
        elif not char.isascii() and unicodedata.decimal(char, None) is not None:
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out)


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of base characters with their combining marks, so NFKC can compose "é"."""
    spans: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            spans.append((start, index))
            start = index
    return spans if text else []


def _unchanged(text: str) -> bool:
    """True when `_normalize_cluster` would leave every character as it is."""
    if text.isascii():
        return text.isprintable()
    return (
        text.isprintable()
        and unicodedata.is_normalized("NFKC", text)
        and not any(char.isdecimal() and not char.isascii() for char in text)
        and not any(unicodedata.category(char) == "Co" for char in text)
    )


def normalize_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Like `normalize_characters`, plus where each output character came from in `text`.

    Returns (normalized, starts, ends): normalized[i] comes from text[starts[i]:ends[i]], so a
    span found in the normalized text maps back to (starts[s], ends[e - 1]) in the original.
    """
    if _unchanged(text):  # nothing to change: the common case, fast
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = _normalize_cluster(text[start:end])
        out.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    return "".join(out), starts, ends


def normalize_characters(text: str) -> str:
    """NFKC, Unicode digits as ASCII, control and zero-width characters removed.

    Keeps the layout (line breaks, runs of spaces): for callers that cut the text in pieces.
    """
    return normalize_with_offsets(text)[0]


def normalize_text(text: str) -> str:
    """One canonical form of what a person typed or said: full-width or Arabic-Indic digits
    become ASCII, non-breaking spaces and control characters go, whitespace is collapsed."""
    return " ".join(normalize_characters(text).split())


def strip_accents(text: str) -> str:
    """Lowercase without diacritics, to compare words typed with or without accents."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
