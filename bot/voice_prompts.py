"""The questions of each step as said on the phone, their simpler second form, and speech hints.

A caller cannot glance back at a question: each one says what to answer and how (a key, or the
words that work), and the second form, used after a silence or a misunderstanding, is shorter
and leans on the keypad. The hints tell the speech recogniser what answers to expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.spelled_code import DIGIT_NAMES, SPELLING_WORDS

#: How the answer is given: a spelled code, a digit string (keypad + #, or said in groups),
#: a menu (one key), yes/no (1/2), or free speech handed to the dialogue as said.
INPUT_KINDS = ("code", "digits", "menu", "yes_no", "free")
CONTROL_HINTS = ("répéter", "attendez", "un instant", "conseiller", "aide", "corriger")
CREDENTIAL_STEPS = ("identifier", "password", "password_confirmation")


@dataclass(frozen=True)
class StepPrompt:
    question: str | None  # None: the dialogue's own question is said (it carries data)
    simpler: str
    kind: str
    hints: tuple[str, ...]


_DIGIT_HINTS = (
    *DIGIT_NAMES,
    "double zéro",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "soixante-dix",
    "quatre-vingt",
    "quatre-vingt-dix",
)
_CODE_HINTS = (
    tuple(f"{letter} comme {word}" for letter, word in SPELLING_WORDS.items()) + DIGIT_NAMES[2:]
)
_YES_NO_HINTS = ("oui", "non", "c'est exact", "d'accord", "j'accepte", "je confirme")

PROMPTS: dict[str, StepPrompt] = {
    "provisional_code": StepPrompt(
        "Quel est votre code provisoire ? Il a 12 caractères, lettres et chiffres, et se trouve "
        "dans l'e-mail ou le courrier Mon espace santé. Dites-le caractère par caractère, par "
        "exemple : A comme Anatole, B, deux.",
        "Dites votre code provisoire lentement, un caractère à la fois. Vous pouvez aussi le "
        "taper : pour chaque lettre, la touche qui la porte puis sa place sur cette touche ; "
        "pour un chiffre, le chiffre puis zéro. Terminez par la touche dièse.",
        "code",
        _CODE_HINTS,
    ),
    "nir": StepPrompt(
        "Quel est votre numéro de sécurité sociale ? Ce sont les 15 chiffres inscrits sur votre "
        "carte Vitale. Tapez-les puis la touche dièse, ou dites-les par groupes.",
        "Tapez les 15 chiffres de votre numéro de sécurité sociale sur le clavier, puis la "
        "touche dièse. Si vous cherchez votre carte, dites « attendez ».",
        "digits",
        _DIGIT_HINTS,
    ),
    "card_type": StepPrompt(
        "Votre carte Vitale a-t-elle une photo ? Tapez 1 ou dites « avec photo ». Tapez 2 ou "
        "dites « sans photo ».",
        "Regardez votre carte Vitale. Si votre photo y est imprimée, tapez 1. Sinon, tapez 2.",
        "menu",
        ("avec photo", "sans photo", "un", "deux"),
    ),
    "card_serial": StepPrompt(
        "Quel est le numéro de série de votre carte Vitale ? Ce n'est pas le numéro de sécurité "
        "sociale. Sur une carte avec photo, il est imprimé à la verticale, à côté de la photo : "
        "11 chiffres. Sur une carte sans photo, il est au dos, en haut à gauche. Tapez-le puis "
        "la touche dièse, ou dites-le.",
        "Tapez les chiffres du numéro de série de votre carte Vitale, puis la touche dièse. Si "
        "vous cherchez votre carte, dites « attendez ».",
        "digits",
        _DIGIT_HINTS,
    ),
    "decision": StepPrompt(
        "Que souhaitez-vous faire ? Pour activer Mon espace santé, tapez 1 ou dites « activer ». "
        "Pour vous opposer à sa création, tapez 2 ou dites « m'opposer ». Vous pourrez changer "
        "d'avis plus tard.",
        "Tapez 1 pour activer Mon espace santé. Tapez 2 pour vous opposer à sa création.",
        "menu",
        ("activer", "m'opposer", "je m'oppose", "un", "deux"),
    ),
    "consent": StepPrompt(
        "Pour activer, il faut accepter les conditions générales d'utilisation et la politique "
        "de protection des données, que vous pouvez lire sur monespacesante point F R. Vos "
        "données restent en France et vous décidez qui les voit. Acceptez-vous ? Tapez 1 ou "
        "dites oui. Tapez 2 ou dites non.",
        "Acceptez-vous les conditions d'utilisation de Mon espace santé ? Tapez 1 pour oui, "
        "2 pour non.",
        "yes_no",
        _YES_NO_HINTS,
    ),
    "oppose_confirmed": StepPrompt(
        "Vous allez vous opposer à la création de Mon espace santé. Vous pourrez l'activer plus "
        "tard. Confirmez-vous ? Tapez 1 ou dites oui. Tapez 2 ou dites non.",
        "Confirmez-vous votre opposition ? Tapez 1 pour oui, 2 pour non.",
        "yes_no",
        _YES_NO_HINTS,
    ),
    "contact_confirmed": StepPrompt(
        None,
        "Ces coordonnées sont-elles les vôtres ? Tapez 1 pour oui, 2 pour non.",
        "yes_no",
        _YES_NO_HINTS,
    ),
}
FREE = StepPrompt(
    None, "Dites votre réponse, ou « conseiller » pour parler à quelqu'un.", "free", ()
)


def prompt_for(step: str | None) -> StepPrompt:
    return PROMPTS.get(step or "", FREE)


def hints_for(step: str | None, extra: tuple[str, ...] = ()) -> str:
    """Twilio's `hints`: comma-separated phrases, the step's own first, then the control words."""
    phrases = dict.fromkeys((*prompt_for(step).hints, *extra, *CONTROL_HINTS))
    return ", ".join(phrases)
