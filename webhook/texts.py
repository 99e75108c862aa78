"""The webhook's own lines: what the person reads or hears that is not the dialogue's.

The dialogue's sentences live in the Rasa domain (`bot/domain/*.yml`); the lines below are the
webhook's: faults, the SMS keywords, erasure, the advisor console's notices and the phone's own
words (read-backs, silences, links). One module, so that a writer finds every sentence in two
places. Vouvoiement; SMS lines short (every segment costs).
"""

from __future__ import annotations

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

# --- advisors (webhook/advisor/)

# --- the phone's own words (webhook/voice/)
