"""The webhook's own lines: what the person reads or hears that is not the dialogue's.

The dialogue's sentences live in the Rasa domain (`bot/domain/*.yml`); the lines below are the
webhook's: faults, the SMS keywords, erasure, the advisor console's notices and the phone's own
words (read-backs, silences, links). One module, so that a writer finds every sentence in two
places. Vouvoiement; SMS lines short (every segment costs).
"""

from __future__ import annotations

from bot.helpline import HELPLINE

# --- one turn (webhook/dialogue.py): faults and holding messages

# --- SMS keywords and erasure (webhook/sms.py, webhook/erasure.py)
SMS_OPTED_OUT = (
    "Vous ne recevrez plus de SMS de l'assistant Mon espace santé. Écrivez START pour réactiver."
)
SMS_OPTED_IN = (
    "Les SMS de l'assistant Mon espace santé sont réactivés. Écrivez BONJOUR pour commencer."
)
SMS_MEDIA = "Je ne peux lire que du texte : écrivez votre réponse dans un SMS, s'il vous plaît."
SMS_EMPTY = "Votre message est vide. Écrivez BONJOUR pour commencer, ou AIDE."
SMS_NO_NUMBER = (
    "Je ne peux pas vous répondre : votre numéro n'est pas reconnu. Écrivez depuis un téléphone "
    f"mobile, ou appelez le {HELPLINE.number}."
)
SMS_FAULT = (
    "Désolé, l'assistant rencontre un problème technique. Réessayez dans quelques minutes, ou "
    f"appelez le {HELPLINE.number} ({HELPLINE.hours_short})."
)
ERASE_CONFIRM = (
    "Voulez-vous supprimer cette conversation et tout ce que vous y avez donné (numéro de "
    "sécurité sociale, code, réponses) ? Votre espace Mon espace santé n'est pas modifié. "
    "Répondez OUI pour supprimer, ou NON pour continuer."
)
ERASE_DONE = (
    "C'est fait : cette conversation et vos données ont été supprimées de l'assistant. "
    "Écrivez BONJOUR pour recommencer."
)
ERASE_KEPT = "Rien n'a été supprimé. Reprenons : écrivez RÉPÉTER pour revoir la question."

# --- advisors (webhook/advisor/)
# To the person, by SMS.
ADVISOR_TAKES_OVER = "Un conseiller, {first_name}, prend le relais."
ASSISTANT_RESUMES = "L'assistant reprend là où vous en étiez."
#: Out of the helpline's hours; {when} is one of the three below.
ADVISORS_AWAY = (
    "Nos conseillers sont absents : votre demande est gardée, l'un d'eux vous répondra ici "
    "{when}. Vous préférez qu'il vous appelle ? Écrivez-le ici."
)
ADVISORS_BACK_TODAY = "aujourd'hui dès {opens}"
ADVISORS_BACK_TOMORROW = "demain dès {opens}"
ADVISORS_BACK_ON = "{weekday} dès {opens}"
# To the advisors, in the console (the API's error messages).
CONSOLE_LOGIN_EXPECTED = "Identifiant, mot de passe et code à usage unique attendus."
CONSOLE_LOGIN_REFUSED = "Identifiant, mot de passe ou code à usage unique incorrect."
CONSOLE_TOO_MANY = {
    "username": "Trop d'essais pour cet identifiant : réessayez dans {minutes} minute(s).",
    "address": "Trop d'essais depuis cette connexion : réessayez dans {minutes} minute(s).",
    "overall": "Trop de connexions en ce moment : réessayez dans {minutes} minute(s).",
}
CONSOLE_LOGIN_BUSY = "Trop de connexions en même temps : réessayez dans quelques secondes."
CONSOLE_SIGNED_OUT = "Connectez-vous pour continuer (la session a pu expirer)."
CONSOLE_CSRF_REFUSED = "Requête refusée : rechargez la page."
CONSOLE_NOT_FOUND = "Conversation introuvable."
CONSOLE_TEXT_EXPECTED = 'JSON {"text"} attendu.'
CONSOLE_SUPERVISORS_ONLY = "Le journal est réservé aux superviseurs."
CONSOLE_TAKEN = "Un autre conseiller a déjà pris la main."
CONSOLE_CLOSED = "Cette conversation est close."
CONSOLE_TEXT_LENGTH = "Écrivez un message de 1 à {maximum} caractères."
CONSOLE_TAKE_OVER_FIRST = "Prenez la main avant d'écrire à la personne."
CONSOLE_NOT_SENT = "Le SMS n'a pas pu être envoyé. Réessayez."
CONSOLE_NOT_YOURS = "Vous n'avez pas la main sur cette conversation."
CONSOLE_ASSISTANT_DOWN = "L'assistant ne répond pas : gardez la main et réessayez dans un moment."
CONSOLE_NO_SMS = "Cette personne ne peut pas recevoir de SMS."
CONSOLE_OPTED_OUT = "La personne a demandé à ne plus recevoir de SMS (STOP)."

# --- the phone's own words (webhook/voice/)
