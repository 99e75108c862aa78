"""The domain as its files hold it (bot/domain/*.yml), read once per process.

Two readers: bot/responses.py renders the few texts Rasa does not render itself, and the action
server's form validators take their forms and slots from here, because Rasa does not send the
domain with each action call (endpoints.yml: `enable_selective_domain`, and no action asks for
it with `send_domain`). Rasa encoded the whole domain as JSON for every call, 3-6 times a turn,
and the action server decoded it: the same files, already on both sides.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from bot.settings import ROOT

DOMAIN_DIR = ROOT / "bot" / "domain"
#: The parts of the domain merged across its files (each file adds its own names).
MERGED_PARTS = ("forms", "slots", "responses")


@lru_cache(maxsize=1)
def domain() -> dict[str, dict[str, Any]]:
    """The domain's forms, slots and responses, merged from every file of bot/domain/."""
    merged: dict[str, dict[str, Any]] = {part: {} for part in MERGED_PARTS}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for part in MERGED_PARTS:
            merged[part].update(content.get(part) or {})
    return merged
