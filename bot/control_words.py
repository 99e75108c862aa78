"""The control words people type or say at any step, in one place, compared one way.

"répéter", "conseiller", "attendez", OUI / NON, STOP… are recognised by the webhook before (or
around) the dialogue: by the SMS face (opt-out keywords), the erasure request, the phone face
(repeat, pause, advisor, read-back confirmations, resume) and the redaction (words that are
never a password). Each list is written here as people write it; `normalise` is the only way a
message is compared with them (lower case, no accents, no punctuation, apostrophes as spaces,
single spaces), so "Répétez !", "repetez" and "RÉPÉTEZ" are the same word.

Not here: the words the NLU model learns (data/nlu), which it recognises inside sentences.
"""

from __future__ import annotations

import re

from bot.french_numbers import strip_accents


def normalise(text: str) -> str:
    """ "C’est bon !" → "c est bon": what every control word is compared on."""
    letters = "".join(c if c.isalnum() else " " for c in strip_accents(text or ""))
    return " ".join(letters.split())


def phrases(*written: str) -> frozenset[str]:
    """A list of phrases as written, in the form messages are compared on."""
    return frozenset(normalise(phrase) for phrase in written)


def is_one_of(text: str, words: frozenset[str]) -> bool:
    return normalise(text) in words


# --- at any step, on every face -------------------------------------------------------------
REPEAT = phrases("répéter", "répète", "répétez", "pouvez-vous répéter", "vous pouvez répéter")
ADVISOR = phrases("conseiller", "un conseiller", "parler à un conseiller", "une personne")
RESTART = phrases("recommencer", "tout recommencer", "je veux recommencer")
WAIT = phrases(
    "attendez",
    "attends",
    "un instant",
    "attendez un instant",
    "un moment",
    "une minute",
    "une seconde",
    "patientez",
    "je cherche ma carte",
    "je vais chercher ma carte",
    "attendez je cherche",
)
#: A message starting with one of these asks for a pause too ("attendez, je cherche…").
WAIT_STARTS = tuple(
    sorted(phrases("attendez", "attends", "un instant", "un moment", "une minute", "une seconde"))
)
RESEND = phrases("renvoyer", "renvoyez", "renvoyez le SMS", "je n'ai pas reçu", "pas reçu")
#: What the phone sends the dialogue to have its question asked again.
REPEAT_REQUEST = "répéter"
#: … to start over, and to ask for an advisor.
RESTART_REQUEST = "recommencer"
ADVISOR_REQUEST = "conseiller"
#: The keys of a yes/no question whose data names no keypad.
YES_NO_KEYS = {"1": "oui", "2": "non"}

#: At a password step everything typed is the password, except these words, which must keep
#: working at every step; none of them can be a valid password (no capital, digit or symbol).
NEVER_A_PASSWORD = phrases(
    "aide",
    "help",
    *REPEAT,
    "corriger",
    "correction",
    "erreur",
    "je me suis trompé",
    "je me suis trompée",
    "je me suis trompé de mot de passe",
    *ADVISOR,
    "stop",
    "arrêter",
    "annuler",
    *RESTART,
    "continuer",
    "je ne comprends pas",
    "je comprends pas",
    "pourquoi",
    "c'est quoi un caractère spécial",
)

# --- yes / no ----------------------------------------------------------------------------------
#: A number read back on a call: "exact" or "recommencer".
CONFIRM_YES = phrases(
    "oui", "c'est exact", "exact", "c'est ça", "oui c'est ça", "oui c'est exact", "correct"
)
CONFIRM_NO = phrases(
    "non", "c'est faux", "faux", "non c'est faux", "recommencer", "non recommencer"
)
#: The erasure's confirmation (anything else drops the request).
ERASE_YES = phrases("oui", "o", "ok", "d'accord", "oui supprimer", "supprimer", "je confirme")
ERASE_NO = phrases("non", "n", "non merci", "annuler", "continuer", "garder")

# --- the phone's pauses ------------------------------------------------------------------------
READY = phrases("c'est bon", "je suis prêt", "je suis prête", "prêt", "prête", "ok")
DONE = phrases("c'est fait", "fait", "terminé", "j'ai fini", "c'est terminé")

# --- SMS keywords (the carrier's opt-out vocabulary, and ours) --------------------------------
STOP = phrases("stop", "arrêt", "stop sms", "désabonner", "unsubscribe")
START = phrases("start", "unstop", "reprendre sms")

# --- erasure ("supprimer mes données"), typed or said alone --------------------------------
_ERASURE = re.compile(
    r"^(je veux |je voudrais |merci de |pouvez vous |veuillez )?"
    r"(supprime[rz]?|efface[rz]?|oublie[rz]?|detruire|detruisez)"
    r" (toutes |tout )?(mes|les|ces) (donnees|informations|infos)( personnelles)?"
    r"( svp| s il vous plait)?$"
)


def is_wait(text: str) -> bool:
    """ "Attendez", "un instant", "attendez je cherche ma carte"…: the person needs a moment."""
    words = normalise(text)
    return words in WAIT or any(words == w or words.startswith(w + " ") for w in WAIT_STARTS)


def is_erasure_request(text: str) -> bool:
    """True for "supprimer mes données", "effacez mes informations svp"…"""
    return bool(_ERASURE.match(normalise(text)))


#: Speech-recognition hints for the words above that work at every question of a call.
SPEECH_HINTS = ("répéter", "attendez", "un instant", "conseiller", "aide", "corriger")
