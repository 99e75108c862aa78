"""The webhook's own lines: what the person reads or hears that is not the dialogue's.

The dialogue's sentences live in the Rasa domain (`bot/domain/*.yml`); the lines below are the
webhook's: faults, the SMS keywords, erasure, the advisor console's notices and the phone's own
words (read-backs, silences, links). One module, so that a writer finds every sentence in two
places. Vouvoiement; SMS lines short (every segment costs).
"""

from __future__ import annotations

from bot.helpline import HELPLINE

# --- one turn (webhook/dialogue.py): faults and holding messages

#: Rasa does not answer: the conversation joins the advisors' queue.
RASA_DOWN = (
    "Désolé, l'assistant rencontre un problème technique. Votre demande est transmise à un "
    "conseiller, qui vous répondra ici. Vous pouvez aussi réessayer dans quelques minutes."
)
#: The action server does not answer (Rasa then says nothing): the same promise.
ACTIONS_DOWN = (
    "Désolé, l'assistant rencontre un problème technique et ne peut pas continuer pour "
    "l'instant. Vos réponses sont gardées. Un conseiller va vous répondre ici ; vous pouvez "
    "aussi écrire CONTINUER dans quelques minutes."
)
#: A turn over the channel's deadline: said at once, the real answer follows.
HOLDING = "Un instant, je vérifie vos informations. Je vous réponds dans un prochain message."
#: That late turn failed.
LATE_FAILURE = (
    "Désolé, un problème technique nous empêche de vous répondre. Écrivez CONTINUER dans "
    "quelques minutes, ou CONSEILLER pour parler à quelqu'un."
)
#: The previous message of the conversation is still being answered.
BUSY = (
    "Votre message précédent est encore en cours de traitement. Renvoyez celui-ci dans un instant."
)

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
# Read-backs: the value is said slowly after one of these, then the outro.
HEARD = {
    "code": "J'ai noté le code :",
    "otp": "J'ai noté le code :",
    "date": "J'ai noté votre date de naissance :",
    "mobile": "J'ai noté le numéro :",
    "number": "J'ai noté :",
}
CONFIRM_OUTRO = "Tapez 1 si c'est exact, 2 pour recommencer."
CONFIRM_AGAIN = "D'accord, recommençons."
NOT_UNDERSTOOD = "Je n'ai pas compris votre réponse."
KEYS_NOT_UNDERSTOOD = (
    "Je n'ai pas compris les touches tapées. Pour chaque lettre, tapez la touche qui la porte "
    "puis sa place sur cette touche ; pour un chiffre, le chiffre puis zéro. Par exemple, A : "
    "2 puis 1. Terminez par dièse. Vous pouvez aussi dire le code."
)
# Silences and pauses.
NOT_HEARD = "Je n'ai rien entendu."
STILL_NOT_HEARD = "Je n'ai toujours rien entendu."
ADVISOR_OFFER = (
    "Si vous le souhaitez, un conseiller peut vous aider : tapez 0 ou dites « conseiller ». "
    "Sinon, je vous repose la question."
)
GOODBYE_SILENT = (
    "Je ne vous entends pas. Vos réponses sont gardées : rappelez ce numéro quand vous voulez, "
    "nous reprendrons là où vous en étiez. Au revoir."
)
GOODBYE = "Merci de votre appel. Au revoir."
WAIT = "Je vous attends, prenez votre temps. Quand vous êtes prêt, tapez 1 ou dites « c'est bon »."
STILL_WAITING = "Je suis toujours là. Quand vous êtes prêt, tapez 1 ou dites « c'est bon »."
LISTENING = "Je vous écoute."
REPEAT = "Je répète."
ANSWER_FREELY = "Dites votre réponse, ou « conseiller » pour parler à quelqu'un."
# Advisors.
TRANSFER = (
    "Je vous mets en relation avec un conseiller. Il verra ce que vous m'avez déjà donné. "
    "Restez en ligne."
)
TRANSFER_FAILED = (
    "Aucun conseiller n'a pu répondre. Votre demande reste enregistrée : un conseiller vous "
    f"rappellera {HELPLINE.hours_text}. Reprenons ensemble."
)
NO_TRANSFER = (
    "Aucun conseiller n'est joignable par téléphone pour le moment. Votre demande est "
    f"enregistrée : un conseiller vous rappellera {HELPLINE.hours_text}. "
    "En attendant, vous pouvez continuer avec moi."
)
# Identifier and password: a one-time link by SMS, and a code said aloud for its page.
LINK_SMS = (
    "Mon espace santé : pour choisir votre identifiant et votre mot de passe, ouvrez ce lien "
    "(valable 15 minutes, une seule fois) : {url}\nVous pouvez aussi continuer par SMS : "
    "répondez à ce message avec l'identifiant que vous choisissez."
)
LINK_SENT = (
    "Il reste à choisir votre identifiant et votre mot de passe. Pour votre sécurité, on ne "
    "les dit pas au téléphone. Je viens de vous envoyer un SMS avec un lien, valable 15 "
    "minutes : ouvrez-le, et choisissez-les sur la page. Vous pouvez aussi répondre à ce SMS "
    "pour continuer par écrit."
)
LINK_CODE = "La page vous demandera ce code, qui n'est pas dans le SMS ; notez-le :"
LINK_MENU = (
    "Je vous dirai dès que votre espace sera activé. Quand c'est fait, tapez 1 ou dites « "
    "c'est fait ». Pour réentendre le code, tapez étoile ; pour recevoir un nouveau SMS, "
    "tapez 2. Vous pouvez aussi raccrocher : votre espace sera activé dès que vous aurez "
    "choisi sur la page."
)
LINK_NOT_YET = "Je n'ai pas encore reçu votre choix. Ouvrez le lien du SMS pour le faire."
LINK_WAITING = "Je reste en ligne pendant que vous choisissez sur la page."
LINK_FAILED = (
    "Le SMS n'a pas pu être envoyé. Tapez 2 pour réessayer, ou 0 pour parler à un conseiller."
)
LINK_LOCKED = (
    "Trop de liens ont été demandés pour le moment. Un conseiller peut vous aider à finir : "
    "tapez 0 ou dites « conseiller ». Vous pouvez aussi rappeler dans un quart d'heure."
)
NO_MOBILE = (
    "Il reste à choisir votre identifiant et votre mot de passe, qui ne se disent pas au "
    "téléphone. Je dois vous envoyer un lien par SMS, mais le numéro de cet appel n'est pas un "
    "mobile. Un conseiller peut vous aider à finir : tapez 0 ou dites « conseiller ». Vous "
    "pouvez aussi rappeler depuis votre téléphone mobile : vos réponses sont gardées."
)
ACTIVATED = "Mon espace santé a bien été activé !"
# The credentials page (webhook/voice/page.py).
PAGE_EXPIRED = (
    "Ce lien n'est plus valable : il a expiré (15 minutes) ou a déjà servi. Rappelez "
    "l'assistant Mon espace santé pour en recevoir un nouveau."
)
PAGE_NOT_NOW = (
    "Votre démarche n'en est pas à cette étape. Revenez à l'appel, ou rappelez l'assistant."
)
PAGE_MISMATCH = "Les deux mots de passe ne sont pas identiques."
PAGE_NOT_SAVED = "Votre choix n'a pas pu être enregistré. Réessayez, ou rappelez l'assistant."
PAGE_SPOKEN_MISSING = (
    "Tapez le code à 6 chiffres que l'assistant vous a dit pendant l'appel (il n'est pas dans "
    "le SMS)."
)
PAGE_SPOKEN_WRONG = (
    "Ce n'est pas le code dit pendant l'appel. Pour le réentendre, tapez étoile sur l'appel."
)
PAGE_SPOKEN_DEAD = (
    "Trop d'essais avec un code faux : ce lien ne fonctionne plus. Sur l'appel, tapez 2 pour en "
    "recevoir un nouveau, ou rappelez l'assistant Mon espace santé."
)
# A new e-mail address: by SMS, since one cannot be dictated reliably.
EMAIL_SMS = (
    "Mon espace santé : répondez à ce SMS en écrivant votre nouvelle adresse e-mail. Un code "
    "de vérification vous sera envoyé à cette adresse."
)
EMAIL_SENT = (
    "Une adresse e-mail se dicte mal au téléphone. Je viens de vous envoyer un SMS : "
    "répondez-y en écrivant votre nouvelle adresse e-mail."
)
EMAIL_MENU = (
    "Quand c'est fait, tapez 1 ou dites « c'est fait ». Pour recevoir le SMS à nouveau, tapez 2. "
    "Vous pouvez aussi raccrocher et continuer par SMS."
)
EMAIL_NOT_YET = "Je n'ai pas encore reçu votre adresse. Répondez au SMS en l'écrivant."
EMAIL_WAITING = "Je reste en ligne pendant que vous répondez au SMS."
EMAIL_RECEIVED = "Merci, j'ai bien reçu votre nouvelle adresse e-mail."
EMAIL_NO_MOBILE = (
    "Une adresse e-mail se dicte mal au téléphone, et je ne peux pas envoyer de SMS à ce "
    "numéro. Un conseiller peut la noter avec vous : tapez 0 ou dites « conseiller ». Vous "
    "pouvez aussi l'épeler maintenant, par exemple : « jean point dupont arobase exemple point "
    "F R »."
)
# Resuming a dropped call (webhook/voice/resume.py).
RESUME_SMS = (
    "Mon espace santé : pour reprendre votre appel, le code est {code}. Il n'est valable que "
    "10 minutes. Ne le donnez à personne d'autre que l'assistant, pendant votre appel."
)
RESUME_CHECK = (
    "Bonjour, je suis l'assistant Mon espace santé. Vous aviez commencé votre démarche lors "
    "d'un appel précédent. Pour reprendre là où vous en étiez, je viens de vous envoyer un "
    "code à 6 chiffres par SMS : tapez-le, puis dièse, ou dites-le. Pour tout recommencer, "
    "dites « recommencer »."
)
RESUME_ASK = (
    "Tapez le code à 6 chiffres reçu par SMS, puis dièse, ou dites-le. Pour recevoir un "
    "nouveau code, dites « renvoyer »."
)
RESUME_WRONG = "Ce n'est pas le bon code."
RESUME_RESENT = "Je vous ai envoyé un nouveau code par SMS."
RESUME_FAILED = "Je n'ai pas pu vérifier. Pour votre sécurité, nous reprenons depuis le début."
RESUME_NO_SMS = (
    "Vous aviez commencé votre démarche lors d'un appel précédent. Pour la reprendre, je dois "
    "envoyer un code par SMS au numéro de l'appel, ce qui n'est pas possible maintenant. Pour "
    "votre sécurité, nous reprenons depuis le début."
)
RESUMED = "Merci. Reprenons là où vous en étiez."
RESUMED_PLAIN = "Bonjour, je suis l'assistant Mon espace santé. Reprenons là où vous en étiez."
# A turn over Twilio's deadline (webhook/voice/routes.py).
CALL_HOLDING = "Un instant, s'il vous plaît."
CALL_STILL_HOLDING = "Je vérifie, encore un instant."
CALL_FAULT = (
    "Désolé, l'assistant rencontre un problème technique. Rappelez dans quelques minutes : vos "
    "réponses sont gardées. Au revoir."
)
# Speech hints of the phone's own menus.
HINTS_CONFIRM = ("oui", "non", "c'est exact", "c'est ça", "recommencer", "répéter")
HINTS_WAIT = ("c'est bon", "je suis prêt")
HINTS_SMS_WAIT = ("c'est fait", "renvoyer")
HINTS_RESUME = (
    "renvoyer",
    "recommencer",
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
)
EMAIL_HINTS = ("arobase", "point", "tiret", "tiret bas", "gmail", "orange", "free", "point fr")

# SMS wording made fit for the ear, for the dialogue's lines that have no phone variant in the
# domain (pattern, replacement, re flags; webhook/voice/wording.py applies them in order).
PHONE_REWRITES: tuple[tuple[str, str], ...] = (
    # Control words: say them, and the advisor has a key of their own.
    (r"\b[ÉéEe]crivez[ -]moi\b", "parlez-moi"),
    (r"\b([ÉéEe])crivez CONSEILLER\b", "dites « conseiller » ou tapez 0"),
    (
        r"\b[ÉéEe]crivez (AIDE|RÉPÉTER|CORRIGER|CONTINUER|ACTIVER|BONJOUR|STOP|RENVOYER)\b",
        r"dites \1",
    ),
    # The one-time code: keys first; "renvoyer" (or 9 then #) when it did not come.
    (
        r"\b[ÉéEe]crivez-le ici, ou RENVOYER si vous ne l'avez pas reçu\b",
        "Tapez-le puis la touche dièse, ou dites-le. S'il n'est pas arrivé, dites "
        "« renvoyer », ou tapez 9 puis dièse",
    ),
    (r"\b(AIDE|RÉPÉTER|CORRIGER|CONSEILLER|CONTINUER|ACTIVER|RENVOYER)\b", r"« \1 »"),
    (r"\b[ÉéEe]crivez-la ainsi : ", "Dites-la, par exemple "),
    (r"\b[ÉéEe]crivez[ -]le à nouveau\b", "redites-le"),
    (r"\b[ÉéEe]crivez\b", "dites"),
    (r"\btapez-les tous\b", "dites-les tous"),
    (r"\b[ÉéEe]crivez-les\b", "dites-les"),
    # Menus and yes/no questions: keys first, then the words that work too.
    (r"\bOUI ou NON\b", "Tapez 1 ou dites oui ; tapez 2 ou dites non"),
    (r"\bRépondez OUI\b", "Tapez 1 ou dites oui"),
    (r"\b[Rr]épondez (\d)\b", r"Tapez \1"),
    (r"\bRépondez\b", "Dites"),
    (r", (\d) pour\b", r", tapez \1 pour"),
    # An advisor answers the person by SMS, not "here", during a call.
    (r"\bvous répondre ici\b", "vous rappeler ou vous écrire par SMS"),
    (r"\bprendre le relais ici\b", "vous rappeler"),
    (r"\bvous répondra ici\b", "vous rappellera"),
    # URLs and masks, which a voice reads badly.
    (r"(?i)\s*\((?:[a-z0-9.-]+\.fr/[^)\s]*)\)", ""),
    (r"\bCGU : [^.]*$", "Le détail est sur monespacesante.fr."),
    (r"(?i)\b([a-z0-9.-]+)\.fr(?:/[\w/-]*)?", r"\1 point F R"),
    (r"\bau (?=\*)", "au numéro "),
    (r": (?=\*)", ": le numéro "),
    (r"\bà (?=\w\*+@)", "à l'adresse "),
    (r"(?:\*+ ?)+\*?(\d[\d ]*\d|\d)", r"qui finit par \1"),
    (r"\b(\w)\*+@(\w)\*+\.(\w+)", r"qui commence par \1, chez \2…, point \3"),
    (r"\blun-ven\b", "du lundi au vendredi"),
    (r"(\d{1,2})h(\d{2})-(\d{1,2})h(?!\d)", r"\1 h \2 à \3 h"),
)
