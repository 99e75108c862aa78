"""Answers to the helpline's questions, shared by the form validators and `action_answer`.

In a form the answer is followed by the field's question again; outside a form it stands alone.
"""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

ANSWERS: dict[str, str] = {
    "greet": "utter_greet_again",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "no_code": "utter_no_code",
    "ask_what_is_mes": "utter_what_is_mes",
    "ask_mandatory": "utter_mandatory",
    "ask_where_nir": "utter_where_nir",
    "ask_where_serial": "utter_where_serial",
    "ask_where_code": "utter_where_code",
    "ask_children": "utter_children",
    "ask_close_space": "utter_close_space",
    "ask_hours": "utter_hours",
    "ask_cgu": "utter_cgu",
    "ask_reversible": "utter_reversible",
    "ask_bot": "utter_ask_bot",
    "wait": "utter_wait",
    "out_of_scope": "utter_out_of_scope",
    "nlu_fallback": "utter_default",
    "activate": "utter_activate_in_progress",
    "oppose": "utter_oppose_later",
    "affirm": "utter_default",
    "deny": "utter_default",
    "continue": "utter_continue",
}

#: "aide" means "help with what you are asking me now".
HELP_BY_FIELD: dict[str, str] = {
    "provisional_code": "utter_help_provisional_code",
    "nir": "utter_where_nir",
    "card_type": "utter_help_card_type",
    "card_serial": "utter_where_serial",
    "decision": "utter_help_decision",
    "consent": "utter_cgu",
    "oppose_confirmed": "utter_reversible",
    "contact_confirmed": "utter_help_contact",
    "identifier": "utter_help_identifier",
    "password": "utter_help_password",
    "password_confirmation": "utter_help_password",
}


def is_question(intent: str) -> bool:
    return intent == "ask_help" or intent in ANSWERS


def answer_question(dispatcher: CollectingDispatcher, intent: str, field: str | None) -> None:
    """Sends the answer to `intent`, in the context of the field being asked (if any)."""
    if intent == "ask_help":
        dispatcher.utter_message(response=HELP_BY_FIELD.get(field or "", "utter_help_general"))
        return
    dispatcher.utter_message(response=ANSWERS.get(intent, "utter_default"))
