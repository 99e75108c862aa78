"""French sentences the actions build from data (errors with details, rules that failed).

Fixed sentences live in the Rasa domain (`bot/domain/*.yml`); these need values, so they are
code. Short on purpose: every SMS segment costs, and people read them on small screens.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.credentials import IDENTIFIER_RULES_FR, PASSWORD_RULES_FR

NIR_ERRORS = {
    "empty": "Je n'ai pas trouvé de numéro de sécurité sociale dans votre message.",
    "too_short": "Ce numéro de sécurité sociale est trop court : il faut les 15 chiffres, clé comprise.",
    "too_long": "Ce numéro de sécurité sociale est trop long : il faut 15 chiffres exactement.",
    "bad_format": "Ce numéro ne ressemble pas à un numéro de sécurité sociale (15 chiffres, commençant par 1 ou 2).",
    "bad_key": "La clé de ce numéro (les 2 derniers chiffres) ne correspond pas : un chiffre est sans doute erroné. Vérifiez-le sur votre carte Vitale.",
    "unsure": "Je ne suis pas sûr d'avoir bien lu ce numéro. Écrivez-le en chiffres, par exemple 1 85 05 78 006 084 91.",
    "several": "Votre message contient deux numéros de sécurité sociale. Écrivez seulement le vôtre.",
}

CODE_ERRORS = {
    "empty": "Je n'ai pas trouvé de code provisoire dans votre message.",
    "too_short": "Ce code est trop court : le code provisoire a 12 caractères.",
    "too_long": "Ce code est trop long : le code provisoire a 12 caractères.",
    "bad_characters": "Ce code contient {chars}, qui n'existe pas dans les codes provisoires (jamais de 0, O, 1 ni I). Vérifiez-le.",
}

SERIAL_ERRORS = {
    "empty": "Je n'ai pas trouvé de numéro de série dans votre message.",
    "not_digits": "Le numéro de série ne contient que des chiffres.",
    "too_short": "Ce numéro de série est trop court.",
    "too_long": "Ce numéro de série est trop long.",
    "looks_like_nir": "Ceci ressemble à votre numéro de sécurité sociale. Il faut ici le numéro de série de la carte, un autre numéro.",
    "unsure": "Je ne suis pas sûr d'avoir bien lu ce numéro de série. Écrivez-le en chiffres.",
    "several": "Votre message contient deux numéros. Écrivez seulement le numéro de série de la carte.",
}

SERIAL_LENGTH_HINT = {
    "with_photo": "Sur une carte avec photo, il a 11 chiffres.",
    "without_photo": "Sur une carte sans photo, il a 8 à 13 chiffres.",
}

NOT_UNDERSTOOD = {
    "provisional_code": "Je n'ai pas reconnu de code provisoire. Il a 12 caractères, par exemple ABCD EFGH JK23.",
    "nir": "Je n'ai pas reconnu de numéro de sécurité sociale. Écrivez les 15 chiffres, par exemple 1 85 05 78 006 084 91.",
    "card_type": "Je n'ai pas compris. Répondez 1 si votre carte a une photo, 2 si elle n'en a pas.",
    "card_serial": "Je n'ai pas reconnu de numéro de série : écrivez seulement les chiffres.",
    "decision": "Répondez 1 pour activer Mon espace santé, ou 2 pour vous opposer à sa création.",
    "consent": "Répondez OUI pour accepter, ou NON.",
    "oppose_confirmed": "Répondez OUI pour confirmer l'opposition, ou NON pour revenir au choix.",
    "contact_confirmed": "Répondez OUI si ces coordonnées sont les vôtres, ou NON.",
    "identifier": "Je n'ai pas reconnu d'identifiant : écrivez-le seul, sans espace.",
    "password": "Écrivez seulement votre mot de passe.",
    "password_confirmation": "Écrivez seulement votre mot de passe, une seconde fois.",
    "birth_date": "Je n'ai pas reconnu de date de naissance. Écrivez-la ainsi : 03/03/1985.",
    "mobile_confirmed": "Répondez OUI si ce numéro de mobile est le vôtre, ou NON.",
    "otp_code": "Écrivez les 6 chiffres du code reçu, ou RENVOYER pour en recevoir un autre.",
    "contact_change": "Répondez 1 pour changer l'e-mail, ou 2 pour changer le mobile.",
    "new_contact": "Je n'ai pas reconnu de coordonnée. Écrivez-la seule dans votre message.",
}

BIRTH_DATE_ERRORS = {
    "empty": NOT_UNDERSTOOD["birth_date"],
    "not_a_date": "Cette date n'existe pas ou je ne l'ai pas comprise. Écrivez-la ainsi : 03/03/1985.",
    "incomplete": "Il manque une partie de la date : il faut le jour, le mois et l'année, par exemple 03/03/1985.",
    "ambiguous": "Votre message contient deux dates. Écrivez seulement votre date de naissance.",
    "in_future": "Cette date est dans le futur. Vérifiez l'année, par exemple 03/03/1985.",
    "too_old": "Cette date est trop ancienne. Vérifiez l'année, par exemple 03/03/1985.",
}

MOBILE_ERRORS = {
    "empty": "Je n'ai pas trouvé de numéro dans votre message. Écrivez votre mobile, par exemple 06 12 34 56 78.",
    "not_a_phone": "Ce numéro n'est pas valide. Écrivez votre mobile, par exemple 06 12 34 56 78.",
    "too_short": "Il manque un chiffre à ce numéro : un mobile a 10 chiffres, par exemple 06 12 34 56 78.",
    "too_long": "Ce numéro a un chiffre de trop : un mobile a 10 chiffres, par exemple 06 12 34 56 78.",
    "not_mobile": "Ce numéro n'est pas un mobile : le code est envoyé par SMS. Écrivez un numéro en 06 ou 07.",
    "ambiguous": "Votre message contient deux numéros. Écrivez seulement le nouveau mobile.",
    "unsure": "Je ne suis pas sûr d'avoir bien lu ce numéro. Écrivez-le en chiffres, par exemple 06 12 34 56 78.",
}

EMAIL_ERRORS = {
    "empty": "Je n'ai pas trouvé d'adresse e-mail. Écrivez-la, par exemple jean.dupont@exemple.fr.",
    "invalid": "Cette adresse e-mail n'est pas valide. Vérifiez-la, par exemple jean.dupont@exemple.fr.",
    "ambiguous": "Votre message contient deux adresses. Écrivez seulement la nouvelle adresse e-mail.",
}

FIELD_LABELS = {
    "provisional_code": "le code provisoire",
    "nir": "le numéro de sécurité sociale",
    "card_type": "le type de carte",
    "card_serial": "le numéro de série de la carte",
    "decision": "votre choix (activer ou vous opposer)",
    "consent": "votre accord sur les conditions",
    "oppose_confirmed": "la confirmation de l'opposition",
    "contact_confirmed": "vos coordonnées",
    "identifier": "l'identifiant",
    "password": "le mot de passe",
    "password_confirmation": "la confirmation du mot de passe",
    "birth_date": "la date de naissance",
    "new_contact": "la nouvelle coordonnée",
}

ADVISOR_OFFER = "Si vous n'y arrivez pas, écrivez CONSEILLER : une personne vous aidera."


def code_error(error: str, bad_chars: Iterable[str] = ()) -> str:
    chars = ", ".join(f"« {c} »" for c in bad_chars) or "un caractère"
    return CODE_ERRORS[error].format(chars=chars)


def serial_error(error: str, card_type: str | None) -> str:
    text = SERIAL_ERRORS[error]
    if error in ("too_short", "too_long") and card_type in SERIAL_LENGTH_HINT:
        text = f"{text} {SERIAL_LENGTH_HINT[card_type]}"
    return text


def rules_sentence(intro: str, rule_codes: Iterable[str], labels: dict[str, str]) -> str:
    """'Il manque : une majuscule, un chiffre.' from the failing rule codes, in order."""
    parts = [labels[c] for c in rule_codes if c in labels]
    return f"{intro} {', '.join(parts)}." if parts else intro


def identifier_refused(rule_codes: Iterable[str]) -> str:
    return rules_sentence("Cet identifiant ne convient pas :", rule_codes, IDENTIFIER_RULES_FR)


def password_refused(rule_codes: Iterable[str]) -> str:
    return rules_sentence("Ce mot de passe ne convient pas :", rule_codes, PASSWORD_RULES_FR)


def which_field_question(fields: list[str]) -> str:
    options = " ; ".join(f"{i} pour {FIELD_LABELS[f]}" for i, f in enumerate(fields, start=1))
    return f"Que voulez-vous corriger ? Répondez {options}."


def attempts_left(count: int) -> str:
    if count <= 0:
        return ""
    return f"Il vous reste {count} essai{'s' if count > 1 else ''}."


def one_time_code_sms(code: str) -> str:
    return (
        f"Mon espace santé : votre code de vérification est {code}. Il est valable 10 minutes. "
        "Ne le communiquez à personne."
    )


ONE_TIME_CODE_EMAIL_SUBJECT = "Mon espace santé : votre code de vérification"


def one_time_code_email(code: str) -> str:
    return (
        "Bonjour,\n\n"
        f"Votre code de vérification Mon espace santé est : {code}\n\n"
        "Il est valable 10 minutes et ne sert qu'une fois. Écrivez-le dans la conversation "
        "avec l'assistant. Ne le communiquez à personne, pas même à un conseiller.\n\n"
        "Si vous n'avez rien demandé, ignorez ce message.\n\n"
        "Mon espace santé"
    )


def code_sent_to(channel: str, masked: str) -> str:
    """ "par SMS au ** ** ** *3 77" / "par e-mail à j***@exemple.fr"."""
    return f"par SMS au {masked}" if channel == "sms" else f"par e-mail à {masked}"


def wrong_one_time_code(tries_left: int) -> str:
    return (
        f"Ce code n'est pas le bon. {attempts_left(tries_left)} Vérifiez les 6 chiffres.".replace(
            "  ", " "
        )
    )


ONE_TIME_CODE_EXPIRED = (
    "Ce code a expiré (il est valable 10 minutes). Écrivez RENVOYER pour en recevoir un nouveau."
)
ONE_TIME_CODE_UNKNOWN = (
    "Ce code n'est plus valable (il a déjà servi ou un autre l'a remplacé). Écrivez le dernier "
    "code reçu, ou RENVOYER."
)
ONE_TIME_CODE_LOCKED = (
    "Pour votre sécurité, la vérification est bloquée après trop d'essais. Un conseiller va "
    "vous aider : il vous répondra ici, ou appelez le 34 22 (lun-ven 8h30-17h)."
)
ONE_TIME_CODE_THROTTLED = (
    "Trop de codes ont été demandés pour ce numéro ou cette adresse. Réessayez dans {minutes} "
    "minutes, ou écrivez CONSEILLER."
)
#: The overall limit (many codes asked by everyone at once): a pause, never a refusal of all.
ONE_TIME_CODE_BUSY = (
    "Beaucoup de codes sont demandés en ce moment. Écrivez RENVOYER dans une minute, ou "
    "CONSEILLER pour qu'un conseiller vous aide."
)


def one_time_code_not_received(channel: str, masked: str) -> str:
    where = "vos courriers indésirables (spam)" if channel == "email" else "vos SMS"
    return (
        f"Le code a été envoyé {code_sent_to(channel, masked)}. Il peut mettre quelques minutes "
        f"à arriver : regardez {where}. Écrivez RENVOYER pour en recevoir un nouveau, ou "
        "CONSEILLER."
    )


def one_time_code_resent(sends_left: int) -> str:
    """Short: the code screen's question follows and says where the code went."""
    extra = "" if sends_left > 1 else " C'était le dernier envoi possible."
    return f"C'est fait : nouveau code envoyé.{extra}"
