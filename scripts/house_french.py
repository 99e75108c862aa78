"""Rule `french`: a sentence someone reads or hears is not written in the control flow.

A string literal (an f-string counts, its `{...}` parts as one word; docstrings and bare string
statements are comments) looks like a French sentence when it has
- a capital letter first and sentence punctuation last (`.`, `?`, `!`, `…`, `:`), 2 words or
  more and a French mark (a function word or an accented letter): "Je répète.";
- or 3 words or more, 2 of them French function words (articles, pronouns, prepositions, `est`,
  `pas`..., elisions such as `l'`/`d'`/`qu'` included), and either sentence punctuation last
  (a piece of a sentence: " de plusieurs façons : {x}.") or a capital letter first and words
  to the person (`vous`, `votre`, `vos`) or an accented letter ("Votre code {x}").
Data is left alone without exemptions: single words and month names (one word), speech hints
and control words (lower case, no sentence punctuation: "numéro de sécurité sociale",
"je ne sais pas"), log lines and errors in English (no French marks), regular expressions
(not prose), e-mail addresses and links (not words). A lower-case piece of a sentence without
punctuation ("votre numéro de mobile") cannot be told from data and is left to review.
"""

from __future__ import annotations

import ast
import re

from house_violation import Violation

MIN_WORDS = 3
MIN_FUNCTION_WORDS = 2
FUNCTION_WORDS = frozenset(
    """le la les un une des du de au aux à et ou où est sont êtes été être avez avons pouvez
    vous votre vos nous notre nos je il elle ils elles on ce cet cette ces ça cela son sa ses
    leur leurs mon ma mes pour par avec sans sur sous dans en y pas ne plus que qui quel quelle
    quels quelles si mais donc car puis""".split()
)
ELISION = re.compile(r"\b(?:l|d|j|n|s|c|m|t|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
ADDRESS = frozenset({"vous", "votre", "vos"})
ACCENTED = re.compile(r"[àâäéèêëîïôöùûüÿçœæ]", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.?!…:]\s*[\"»)\]]*\s*$")
PLACEHOLDER = "{x}"
#: Regular expressions are patterns, not prose; e-mail addresses and links are not words.
NOT_PROSE = re.compile(r"\(\?|\\[sdwb]|\[\^")
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+")

#: Literals that look like sentences but are not the dialogue's: keep short, say why.
EXEMPT: frozenset[str] = frozenset()


def looks_like_french_sentence(text: str) -> bool:
    """The heuristic of this module's docstring."""
    if NOT_PROSE.search(text):
        return False
    text = ADDRESSES.sub(" ", text)
    elisions = len(ELISION.findall(text))
    words = [w.lower() for w in WORD.findall(ELISION.sub(" ", text))]
    count = len(words) + elisions
    function_words = sum(w in FUNCTION_WORDS for w in words) + elisions
    stripped = text.strip()
    punctuated = bool(SENTENCE_END.search(stripped))
    capital = bool(stripped) and stripped[0].isupper()
    accented = bool(ACCENTED.search(text))
    if punctuated and capital:  # "Je répète.", "Requête refusée : rechargez la page."
        return count >= 2 and (function_words >= 1 or accented)
    if count < MIN_WORDS or function_words < MIN_FUNCTION_WORDS:
        return False
    # a punctuated piece of a sentence, or a capitalised one that speaks to the person
    return punctuated or (capital and (bool(ADDRESS & set(words)) or accented))


def literal_text(node: ast.expr) -> str | None:
    """The text of a string literal or f-string (each `{...}` as a placeholder word)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
            else PLACEHOLDER
            for part in node.values
        )
    return None


def comment_strings(tree: ast.Module) -> set[int]:
    """ids of docstrings and bare string statements: comments, not text anyone is shown."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr):
            ids.add(id(node.value))
    return ids


def french_sentences(relative: str, tree: ast.Module) -> list[Violation]:
    skipped = comment_strings(tree)
    inner: set[int] = set()  # the constant parts of an f-string are judged with the whole
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inner.update(id(part) for part in node.values)
    for node in ast.walk(tree):
        if id(node) in skipped or id(node) in inner or not isinstance(node, ast.expr):
            continue
        text = literal_text(node)
        if text is None or text in EXEMPT or not looks_like_french_sentence(text):
            continue
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 70 else shown[:67] + "..."
        found.append(Violation(relative, node.lineno, "french", f"sentence in code: {shown!r}"))
    return found
