"""The questions of each step as said on the phone, their simpler second form, and speech hints.

A caller cannot glance back at a question: each one says what to answer and how (a key, or the
words that work), and the second form, used after a silence or a misunderstanding, is shorter
and leans on the keypad. The hints tell the speech recogniser what answers to expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.spelled_code import DIGIT_NAMES, SPELLING_WORDS
from bot.voice_text import MONTHS

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
    #: Whole key entries that stand for words the dialogue understands ("9" → "renvoyer").
    keys: tuple[tuple[str, str], ...] = ()

    def words_for_keys(self, keys: str) -> str | None:
        return dict(self.keys).get(keys.rstrip("#"))


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
_DATE_HINTS = (
    "premier",
    *MONTHS,
    "mille neuf cent",
    "deux mille",
    *_DIGIT_HINTS,
)
NO_CODE_WORDS = "je n'ai pas de code"
RESEND_WORDS = "renvoyer"
#: What a landline caller hears at the new e-mail step (a mobile caller gets an SMS to answer).
EMAIL_HINTS = ("arobase", "point", "tiret", "tiret bas", "gmail", "orange", "free", "point fr")

PROMPTS: dict[str, StepPrompt] = {
    "provisional_code": StepPrompt(
        "Quel est votre code provisoire ? Il a 12 caractères, lettres et chiffres, et se trouve "
        "dans l'e-mail ou le courrier Mon espace santé. Dites-le caractère par caractère, par "
        "exemple : A comme Anatole, B, deux. Si vous n'avez pas de code, dites « je n'ai pas "
        "de code ».",
        "Dites votre code provisoire lentement, un caractère à la fois. Vous pouvez aussi le "
        "taper : pour chaque lettre, la touche qui la porte puis sa place sur cette touche ; "
        "pour un chiffre, le chiffre puis zéro. Terminez par la touche dièse. Si vous n'avez "
        "pas de code, dites « je n'ai pas de code », ou tapez 9 puis dièse.",
        "code",
        (*_CODE_HINTS, NO_CODE_WORDS, "pas de code"),
        keys=(("9", NO_CODE_WORDS),),
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
    # Path B ("je n'ai pas de code") and the contact change (issue 4).
    "birth_date": StepPrompt(
        "Quelle est votre date de naissance ? Dites-la, par exemple « 3 mars 1985 », ou "
        "tapez-la : deux chiffres pour le jour, deux pour le mois, quatre pour l'année, puis "
        "la touche dièse.",
        "Tapez votre date de naissance sur le clavier : le jour, le mois, puis l'année en "
        "quatre chiffres, et la touche dièse. Pour le 3 mars 1985 : 0 3, 0 3, 1 9 8 5, dièse.",
        "digits",
        _DATE_HINTS,
    ),
    "mobile_confirmed": StepPrompt(
        None,
        "Le numéro de mobile que je vous ai indiqué est-il le vôtre ? Tapez 1 pour oui, 2 pour "
        "non.",
        "yes_no",
        (*_YES_NO_HINTS, "ce n'est pas mon numéro", "ce n'est plus mon numéro"),
    ),
    "otp_code": StepPrompt(
        None,
        "Tapez les 6 chiffres du code que vous venez de recevoir, puis la touche dièse. S'il "
        "n'est pas arrivé, tapez 9 puis dièse, ou dites « renvoyer ».",
        "digits",
        (*_DIGIT_HINTS, RESEND_WORDS, "je ne l'ai pas reçu"),
        keys=(("9", RESEND_WORDS),),
    ),
    "contact_change": StepPrompt(
        "Que voulez-vous modifier ? Pour l'adresse e-mail, tapez 1 ou dites « e-mail ». Pour "
        "le numéro de mobile, tapez 2 ou dites « mobile ».",
        "Tapez 1 pour changer l'adresse e-mail, 2 pour changer le numéro de mobile.",
        "menu",
        ("e-mail", "adresse e-mail", "mobile", "numéro de mobile", "portable", "un", "deux"),
    ),
    # The new mobile; a new e-mail is not dictated: the call offers to give it by SMS.
    "new_contact": StepPrompt(
        "Quel est votre nouveau numéro de mobile ? Tapez ses 10 chiffres puis la touche dièse, "
        "ou dites-le. Un code vous sera envoyé par SMS pour le vérifier.",
        "Tapez les 10 chiffres de votre nouveau mobile, en commençant par 0 6 ou 0 7, puis la "
        "touche dièse.",
        "digits",
        _DIGIT_HINTS,
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
