"""The domain's responses, with the helpline's facts as template variables.

A response writes `{helpline_number}`, `{helpline_hours}` (`du lundi au vendredi de 8h30 à 17h,
sauf jours fériés`), `{helpline_hours_short}` (`lun-ven 8h30-17h`) or `{helpline_opens}` like a
slot; the values come from bot/helpline.py, where they are defined once. Rasa's own templated
generator does the rest (channel variants, conditions, slots): this class only adds variables,
through the extension point Rasa offers for it (endpoints.yml:
`nlg: type: rasa_addons.helpline_nlg.HelplineNaturalLanguageGenerator`; Rasa builds it with
`endpoint_config=` and `domain=`, rasa/core/nlg/generator.py). A value passed with the
response (`utter_message(response=..., helpline_number=...)`) wins; no slot has these names.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.helpline import HELPLINE, Helpline


class HelplineNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        helpline: Helpline = HELPLINE,
        responses: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        super().__init__(
            responses if responses is not None else (domain or Domain.empty()).responses
        )
        self.helpline_values = helpline.template_values()

    def generate_from_slots(
        self,
        utter_action: str,
        filled_slots: dict[str, Any],
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """Rasa's `generate` comes here too (with the tracker's slots)."""
        values = {**self.helpline_values, **kwargs}
        return super().generate_from_slots(utter_action, filled_slots, output_channel, **values)
