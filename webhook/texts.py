"""The webhook's own lines: what the person reads or hears that is not the dialogue's.

The dialogue's sentences live in the Rasa domain (`bot/domain/*.yml`); the lines below are the
webhook's: faults, the SMS keywords, erasure, the advisor console's notices and the phone's own
words (read-backs, silences, links). One module, so that a writer finds every sentence in two
places. Vouvoiement; SMS lines short (every segment costs).
"""

from __future__ import annotations

# --- one turn (webhook/dialogue.py): faults and holding messages

# --- SMS keywords and erasure (webhook/sms.py, webhook/erasure.py)

# --- advisors (webhook/advisor/)

# --- the phone's own words (webhook/voice/)
