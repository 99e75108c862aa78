"""The domain's responses (bot/domain/*.yml) for the few texts Rasa does not render itself.

Rasa renders the responses the actions name (`dispatcher.utter_message(response=...)`). Some
messages are put together from several responses (a list of failed rules, "Il vous reste 2
essais."), and some texts leave by another road (the one-time code's SMS and e-mail, the
password page's rules): those are rendered here, from the same files, so that every sentence
has one home. Rendering follows Rasa's (`{name}` filled from the values given, and the
helpline's facts as rasa_addons/helpline_nlg.py gives them); the variant used is the first one
without a channel or a condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bot.domain_files import domain
from bot.helpline import HELPLINE


def responses() -> dict[str, list[dict[str, Any]]]:
    """Every response of the domain, by name (read once)."""
    return domain()["responses"]


def text(name: str, **values: Any) -> str:
    """The text of response `name` with `values` filled in; KeyError for an unknown response or
    a missing value (a test catches it, not a person)."""
    variants = responses()[name]
    plain = next(
        (v for v in variants if not v.get("channel") and not v.get("condition")), variants[0]
    )
    return str(plain["text"]).format(**{**HELPLINE.template_values(), **values})


def joined(names: Iterable[str], separator: str = ", ", **values: Any) -> str:
    """Several fragments in one value: "au moins un chiffre, au moins une lettre majuscule"."""
    return separator.join(text(name, **values) for name in names)


class Texts(Mapping[str, str]):
    """code → rendered fragment, for a table of response names (`{"no_digit":
    "utter_password_rule_no_digit", …}`): reads like the dicts of sentences it replaces."""

    def __init__(self, names: Mapping[str, str], **values: Any) -> None:
        self.names = dict(names)
        self.filled_with = values

    def __getitem__(self, code: str) -> str:
        return text(self.names[code], **self.filled_with)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)
