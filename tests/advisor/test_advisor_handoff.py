"""After a hand-back, the bot asks again what it was waiting for, as its rules would."""

from __future__ import annotations

import pytest

from webhook.advisor.handoff import Handoff

DOMAIN = {
    # as Rasa's GET /domain gives them: a name, or {name: settings} (bot/domain's send_domain)
    "actions": ["action_next_step", {"validate_identity_form": {"send_domain": False}}],
    "responses": {"utter_ask_provisional_code": [], "utter_ask_nir": [], "utter_ask_card_type": []},
    "forms": {"identity_form": {}, "card_form": {}},
}


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        # In the identity form, waiting for the code: that question again.
        (
            {
                "flow_step": "identity",
                "__active_loop": "identity_form",
                "requested_slot": "provisional_code",
            },
            "utter_ask_provisional_code",
        ),
        # The flow controller chose another screen: its form runs (and asks its first question).
        (
            {"flow_step": "card", "__active_loop": "identity_form", "requested_slot": "nir"},
            "card_form",
        ),
        ({"flow_step": "card", "__active_loop": None, "requested_slot": None}, "card_form"),
        # Steps without a form: the flow controller's own message is all there is.
        ({"flow_step": "done", "__active_loop": None}, None),
        ({"flow_step": "handoff", "__active_loop": "identity_form", "requested_slot": "nir"}, None),
        ({"flow_step": None, "__active_loop": None}, None),
        # A slot without a question in the domain: nothing is made up.
        (
            {"flow_step": "identity", "__active_loop": "identity_form", "requested_slot": "other"},
            None,
        ),
    ],
)
def test_the_pending_question(slots: dict, expected: str | None) -> None:
    assert Handoff._pending_question(slots, DOMAIN) == expected
